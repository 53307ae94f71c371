"""Sets of documents as Python ints: filters and facets are bitsets, so counting a facet value
is one AND and a popcount."""

from __future__ import annotations

import re
from collections.abc import Iterable

_BIT = [1 << i for i in range(8)]
_BYTE_BITS = [tuple(i for i in range(8) if byte >> i & 1) for byte in range(256)]
_NONZERO = re.compile(rb"[^\x00]+")


def bits_of(docnums: Iterable[int]) -> int:
    """A bitset (int) of the given docnums."""
    docnums = list(docnums)
    if not docnums:
        return 0
    table = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        table[d >> 3] |= _BIT[d & 7]
    return int.from_bytes(table, "little")


def positions(bits: int) -> list[int]:
    """The docnums of a bitset, ascending."""
    if not bits:
        return []
    data = bits.to_bytes((bits.bit_length() + 7) >> 3, "little")
    found: list[int] = []
    extend = found.extend
    for run in _NONZERO.finditer(data):
        byte_index = run.start()
        for byte in run.group():
            base = byte_index << 3
            extend([base + i for i in _BYTE_BITS[byte]])
            byte_index += 1
    return found


def bit_table(bits: int, size: int) -> bytes:
    """Bytes form of a bitset for fast membership tests: table[d >> 3] >> (d & 7) & 1."""
    return bits.to_bytes((size >> 3) + 1, "little")
