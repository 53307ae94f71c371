"""Whole numbers that come from outside (ids, versions, page numbers), read one way.

Python's `int()` takes `²`, `١٢`, ` 7 ` and `1_0`, and numbers of any size; the databases do
not. What is accepted here is plain ASCII digits up to `MAX_ID`, so a number from a request can
always be bound to a query (an id of an INTEGER column, an offset) without overflowing it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from directory.services.errors import ServiceError

# The largest value of an INTEGER column on PostgreSQL (SQLite's hold more): a larger id names
# no row, and a larger page number would only overflow an offset.
MAX_ID = 2**31 - 1


def parse_whole_number(value: Any, maximum: int = MAX_ID) -> int | None:
    """`value` (an int or a string of ASCII digits) as a number from 1 to `maximum`, else None."""
    number = as_whole_number(value)
    return number if number is not None and 1 <= number <= maximum else None


def whole_number(value: Any, name: str, default: int | None = None,
                 maximum: int = MAX_ID) -> int | None:
    """A request's number argument: `default` when absent, else 1 to `maximum`, else a 400
    that names the argument."""
    if value is None or value == "":
        return default
    number = as_whole_number(value)
    if number is None or number < 1:
        raise ServiceError(gettext("%(name)s must be a whole number of 1 or more.", name=name),
                           {name: gettext("Not valid.")})
    if number > maximum:
        raise ServiceError(gettext("%(name)s is at most %(maximum)s.", name=name,
                                   maximum=maximum), {name: gettext("Too large.")})
    return number


def as_whole_number(value: Any) -> int | None:
    """An int, or a string of ASCII digits, as an int of any size; anything else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            # int() refuses 4,300 digits and more; past 20, every number is too large here.
            return int(text) if len(text) <= 20 else 10**20
    return None
