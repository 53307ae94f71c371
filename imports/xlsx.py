"""A streaming reader of XLSX worksheets, for values only.

openpyxl's read-only mode builds an object per cell and parses inline strings through its
serialisation layer: about 300 µs a row, so 30 s for a list of 100,000. This reader walks the
sheet's XML with expat callbacks and keeps only what an import needs — the value, whether the
cell is a formula or an Excel error, and whether its style makes the number a date — at about a
tenth of the cost. It runs only on archives that readers._inspect_zip has accepted (no DTD in
any part, sizes bounded), and refuses DTDs again itself.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from xml.parsers import expat

from .messages import N_, Problem

# Cells beyond this column are ignored: no contact list is this wide, and a cell at XFD1
# must not make every row sixteen thousand cells long.
MAX_COLUMNS = 1024
# The shared-string table (every distinct text of the workbook) is held in memory while the
# sheet is read. A list at the row limit (readers.MAX_ROWS) of about twenty columns has well
# under a million distinct texts and a few tens of millions of characters.
MAX_SHARED_STRINGS = 1_000_000
MAX_SHARED_CHARACTERS = 64_000_000
_CHUNK = 64 * 1024
# Built-in number formats that show dates (14-22 and the East Asian 27-36, 50-58).
_DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47,
                              *range(27, 37), *range(50, 59)})
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


class WorkbookError(Problem):
    """The workbook's structure cannot be understood; the message says what is wrong."""


class LimitExceeded(Problem):
    """The workbook is beyond what an import takes; the message names the limit."""


@dataclass(frozen=True)
class Sheet:
    name: str
    path: str
    state: str  # visible, hidden, veryHidden


@dataclass(frozen=True)
class Cell:
    """A cell that is not a plain value: `kind` is 'formula' or 'error'."""

    kind: str
    text: str


def _local(name: str) -> str:
    """'x:row' or 'row' → 'row': producers differ in namespace prefixes, not in local names."""
    return name.rpartition(":")[2]


def _parser() -> expat.XMLParserType:
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = _CHUNK

    def refuse(*_args: object) -> Any:
        raise WorkbookError(N_("an XML part declares a DTD or entities"))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def _parse_part(archive: zipfile.ZipFile, name: str, parser: expat.XMLParserType) -> None:
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except KeyError:
        raise WorkbookError(N_("the part %(part)s is missing"), part=name) from None
    except expat.ExpatError as error:
        raise WorkbookError(N_("%(part)s is not valid XML (%(reason)s)"),
                            part=name, reason=str(error)) from None


def _attributes(archive: zipfile.ZipFile, name: str,
                wanted: set[str]) -> list[tuple[str, dict[str, str]]]:  # fmt: skip
    """(local tag, attributes) of every element named in `wanted`, in document order."""
    found: list[tuple[str, dict[str, str]]] = []
    parser = _parser()

    def start(tag: str, attributes: dict[str, str]) -> None:
        local = _local(tag)
        if local in wanted:
            found.append((local, {_local(key): value for key, value in attributes.items()}))

    parser.StartElementHandler = start
    _parse_part(archive, name, parser)
    return found


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Id → (type, part name) of a part's relationships, targets resolved to archive names."""
    folder, base = posixpath.split(part)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    if rels_name not in archive.NameToInfo:
        return {}
    relations = {}
    for _, attributes in _attributes(archive, rels_name, {"Relationship"}):
        target = attributes.get("Target", "")
        if attributes.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target))
        relations[attributes.get("Id", "")] = (attributes.get("Type", ""), resolved)
    return relations


class Workbook:
    """The parts of a workbook an import reads: sheets, shared strings, date styles."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        names = {name.lower(): name for name in archive.namelist()}
        root_relations = _relationships(archive, "")
        self.path = next((target for kind, target in root_relations.values()
                          if kind.endswith("/officeDocument")), None) or names.get(
            "xl/workbook.xml", "xl/workbook.xml")
        relations = _relationships(archive, self.path)
        self.sheets: list[Sheet] = []
        self.date1904 = False
        for tag, attributes in _attributes(archive, self.path, {"sheet", "workbookPr"}):
            if tag == "workbookPr":
                self.date1904 = attributes.get("date1904", "0").lower() in ("1", "true")
                continue
            kind, target = relations.get(attributes.get("id", ""), ("", ""))
            if kind.endswith("/worksheet") and target:
                self.sheets.append(Sheet(attributes.get("name", ""), names.get(
                    target.lower(), target), attributes.get("state", "visible")))
        self.strings: list[str] = []
        self.date_styles: frozenset[int] = frozenset()
        for kind, target in relations.values():
            target = names.get(target.lower(), target)
            if kind.endswith("/sharedStrings") and target in archive.NameToInfo:
                self.strings = _shared_strings(archive, target)
            elif kind.endswith("/styles") and target in archive.NameToInfo:
                self.date_styles = _date_styles(archive, target)

    def rows(self, sheet: Sheet) -> Iterator[tuple[int, list[Any]]]:
        """(row number, values) of every row holding something, streamed."""
        return _sheet_rows(self.archive, sheet.path, self.strings, self.date_styles,
                           _EPOCH_1904 if self.date1904 else _EPOCH_1900)


class _SharedStrings:
    """Expat handlers collecting the shared strings (the texts cells refer to by number), within
    MAX_SHARED_STRINGS and MAX_SHARED_CHARACTERS: the table is held in memory, and a hostile
    workbook could otherwise fill it with millions of strings from a few kilobytes of zip."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self.parts: list[str] = []
        self.in_text = False
        self.phonetic = 0  # inside a phonetic reading (rPh): not part of the value
        self.characters = 0

    def start(self, tag: str, _attributes: dict[str, str]) -> None:
        local = _local(tag)
        if local == "t" and not self.phonetic:
            self.in_text = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si":
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise LimitExceeded(N_("it holds more than %(limit)s different texts (shared "
                                       "strings), the limit per import"),
                                    limit=MAX_SHARED_STRINGS)
            self.strings.append("".join(self.parts))
            self.parts.clear()

    def text(self, data: str) -> None:
        if self.in_text:
            self.characters += len(data)
            if self.characters > MAX_SHARED_CHARACTERS:
                raise LimitExceeded(N_("its texts (shared strings) add up to more than %(limit)s "
                                       "million characters, the limit per import"),
                                    limit=MAX_SHARED_CHARACTERS // 1_000_000)
            self.parts.append(data)


def _shared_strings(archive: zipfile.ZipFile, name: str) -> list[str]:
    table = _SharedStrings()
    parser = _parser()
    parser.StartElementHandler = table.start
    parser.EndElementHandler = table.end
    parser.CharacterDataHandler = table.text
    _parse_part(archive, name, parser)
    return table.strings


def _date_styles(archive: zipfile.ZipFile, name: str) -> frozenset[int]:
    """Indexes of the cell styles (cellXfs) whose number format shows a date."""
    custom: dict[int, str] = {}
    styles: list[int] = []
    in_cell_xfs = False
    parser = _parser()

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal in_cell_xfs
        local = _local(tag)
        if local == "numFmt":
            try:
                custom[int(attributes.get("numFmtId", "-1"))] = attributes.get("formatCode", "")
            except ValueError:
                pass
        elif local == "cellXfs":
            in_cell_xfs = True
        elif local == "xf" and in_cell_xfs:
            try:
                styles.append(int(attributes.get("numFmtId", "0")))
            except ValueError:
                styles.append(0)

    def end(tag: str) -> None:
        nonlocal in_cell_xfs
        if _local(tag) == "cellXfs":
            in_cell_xfs = False

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    _parse_part(archive, name, parser)

    # openpyxl (a third of a second to import) only for workbooks, not for every CSV import.
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    def is_date(format_id: int) -> bool:
        if format_id in custom:
            return is_date_format(custom[format_id])
        return format_id in _DATE_FORMAT_IDS or is_date_format(BUILTIN_FORMATS.get(format_id))

    return frozenset(index for index, format_id in enumerate(styles) if is_date(format_id))


_COLUMN = re.compile(r"([A-Za-z]{1,3})")
_column_cache: dict[str, int] = {}


def _column_index(reference: str) -> int:
    """'A1' → 0, 'AB7' → 27."""
    letters = _COLUMN.match(reference)
    if not letters:
        return -1
    key = letters.group(1).upper()
    index = _column_cache.get(key)
    if index is None:
        index = 0
        for letter in key:
            index = index * 26 + ord(letter) - 64
        index -= 1
        _column_cache[key] = index
    return index


class _SheetRows:
    """Expat handlers turning a worksheet's XML into rows of values, as they are parsed."""

    def __init__(self, strings: list[str], date_styles: frozenset[int], epoch: datetime):
        self.strings = strings
        self.date_styles = date_styles
        self.epoch = epoch
        self.ready: list[tuple[int, list[Any]]] = []  # rows complete, not yet handed out
        self.row: list[Any] = []
        self.row_number = 0
        # The cell being read.
        self.column = -1
        self.cell_type = "n"
        self.cell_style = 0
        self.value_parts: list[str] = []
        self.formula_parts: list[str] = []
        self.has_formula = False
        self.capture: list[str] | None = None  # the list receiving character data
        self.in_inline = False
        self.phonetic = 0

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        local = tag if ":" not in tag else _local(tag)
        if local == "c":
            self._start_cell(attributes)
        elif local == "v":
            self.capture = self.value_parts
        elif local == "f":
            self.has_formula = True
            self.capture = self.formula_parts
        elif local == "is":
            self.in_inline = True
        elif local == "t" and self.in_inline and not self.phonetic:
            self.capture = self.value_parts
        elif local == "rPh":
            self.phonetic += 1
        elif local == "row":
            number = attributes.get("r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            self.row = []
            self.column = -1

    def _start_cell(self, attributes: dict[str, str]) -> None:
        reference = attributes.get("r")
        self.column = _column_index(reference) if reference else self.column + 1
        self.cell_type = attributes.get("t", "n")
        style = attributes.get("s")
        self.cell_style = int(style) if style and style.isdigit() else 0
        self.value_parts.clear()
        self.formula_parts.clear()
        self.has_formula = False

    def end(self, tag: str) -> None:
        local = tag if ":" not in tag else _local(tag)
        if local in ("v", "f", "t"):
            self.capture = None
        elif local == "is":
            self.in_inline = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            self._end_cell()
        elif local == "row" and any(value is not None and value != "" for value in self.row):
            self.ready.append((self.row_number, self.row))

    def _end_cell(self) -> None:
        if not 0 <= self.column < MAX_COLUMNS:
            return
        value = _value(self.cell_type, self.cell_style, self.value_parts, self.formula_parts,
                       self.has_formula, self.strings, self.date_styles, self.epoch)
        if value is not None:
            if self.column >= len(self.row):
                self.row.extend([None] * (self.column + 1 - len(self.row)))
            self.row[self.column] = value

    def text(self, data: str) -> None:
        if self.capture is not None:
            self.capture.append(data)


def _sheet_rows(archive: zipfile.ZipFile, name: str, strings: list[str],
                date_styles: frozenset[int], epoch: datetime) -> Iterator[tuple[int, list[Any]]]:
    rows = _SheetRows(strings, date_styles, epoch)
    parser = _parser()
    parser.StartElementHandler = rows.start
    parser.EndElementHandler = rows.end
    parser.CharacterDataHandler = rows.text
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
                if rows.ready:
                    yield from rows.ready
                    rows.ready.clear()
            parser.Parse(b"", True)
    except KeyError:
        raise WorkbookError(N_("the sheet part %(part)s is missing"), part=name) from None
    except expat.ExpatError as error:
        raise WorkbookError(N_("%(part)s is not valid XML (%(reason)s)"),
                            part=name, reason=str(error)) from None
    yield from rows.ready


def _value(cell_type: str, style: int, value_parts: list[str], formula_parts: list[str],
           has_formula: bool, strings: list[str], date_styles: frozenset[int],
           epoch: datetime) -> Any:  # fmt: skip
    """The Python value of one cell: str, int, float, bool, datetime, or a Cell marker."""
    raw = "".join(value_parts)
    if has_formula:
        formula = "".join(formula_parts)
        return Cell("formula", "=" + formula if formula else "=(a shared formula)")
    if cell_type == "s":
        try:
            return strings[int(raw)].strip()
        except (ValueError, IndexError):
            raise WorkbookError(N_("a cell refers to shared string %(value)s, which does not "
                                   "exist"), value=repr(raw)) \
                from None
    if cell_type in ("inlineStr", "str"):
        return raw.strip()
    if cell_type == "b":
        return raw.strip() in ("1", "true")
    if cell_type == "e":
        return Cell("error", raw.strip())
    if not raw:
        return None
    if cell_type == "d":
        try:
            return datetime.fromisoformat(raw.strip().rstrip("Z"))
        except ValueError:
            return raw.strip()
    try:
        number = float(raw) if any(char in raw for char in ".eE") else int(raw)
    except ValueError:
        return raw.strip()
    if style in date_styles and isinstance(number, (int, float)) and 0 <= number < 2958466:
        return epoch + timedelta(days=number)
    if isinstance(number, float) and number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number
