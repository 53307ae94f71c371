"""Reading networks' spreadsheets (CSV, XLSX) into validated contact-point rows.

Pure Python, no Flask and no database: `parse_file` gives the rows and every problem with its
line and column; the service layer (plan.py) decides what the rows change in the directory.
"""

from .normalise import (
    normalise_email,
    normalise_phone,
    parse_date,
    split_full_name,
    split_values,
)
from .parse import ImportRow, ParsedFile, RowError, parse_file
from .readers import MAX_BYTES, MAX_ROWS, UnusableInput

__all__ = [
    "MAX_BYTES", "MAX_ROWS", "ImportRow", "ParsedFile", "RowError", "UnusableInput",
    "normalise_email", "normalise_phone", "parse_date", "parse_file", "split_full_name",
    "split_values",
]
