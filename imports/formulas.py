"""Cells a spreadsheet would run as formulas ("formula injection"), both ways.

A text starting with one of FORMULA_STARTS is a formula to Excel and LibreOffice, even in a CSV
file: every export (entries, import reports, indicators) writes it with a leading apostrophe,
which spreadsheets show as text, and the importer takes that apostrophe off again, so that an
exported list imports back unchanged ('+212537123456 is the phone +212537123456).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; other values
    (numbers, dates, None) are returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore(text: str) -> str:
    """The text a neutralised cell stood for (any other text unchanged)."""
    if text[:1] == "'" and text[1:2] and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text
