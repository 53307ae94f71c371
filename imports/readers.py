"""Reading a spreadsheet file into rows of cells, safely.

CSV: the encoding is detected (byte-order mark, strict UTF-8, else Windows-1252 or its Arabic
sibling Windows-1256), and so is the separator (comma, semicolon or tab). XLSX: the zip is
inspected before anything is unpacked — macros, zip bombs and XML entity declarations are
refused — then its sheet is streamed (imports.xlsx). Whatever cannot be read at all raises
UnusableInput with one line a secretariat can act on; everything about individual values is
left to the caller.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from . import xlsx
from .messages import N_, Message, Problem, message_of

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
# An XLSX of at most 20 MB holding 100,000 rows unpacks to well under this; bombs do not.
MAX_UNCOMPRESSED = 400 * 1024 * 1024
MAX_RATIO = 200  # real sheet XML compresses 5-30 times; zip bombs a thousand times and more
RATIO_FROM = 1024 * 1024  # parts (and archives) unpacking to less are too small to matter
MAX_MEMBERS = 2_000
# A quoted CSV cell spanning this many lines is an unclosed quote, not a long note.
MAX_RECORD_LINES = 200
MAX_CELL_CHARS = 32_000
HEADER_SEARCH_ROWS = 10


# A file's non-empty rows, lazily: (line the user sees, cells); close() releases the file.
Rows = Generator[tuple[int, list[Any]], None, None]


class UnusableInput(Problem):
    """The file cannot be read as a spreadsheet at all; str() is one line for the user (in
    English: `.message` is the Message to translate)."""


@dataclass(frozen=True)
class Formula:
    """A formula cell of an XLSX: refused per cell (values only), shown as written."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class ExcelError:
    """A cell showing an Excel error value (#N/A, #REF!) instead of data."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class Table:
    """A readable file: its non-empty rows as (line the user sees, cells), lazily."""

    rows: Rows
    sha256: str
    format: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


def read_table(path: str | Path, sheet: str | None = None, filename: str | None = None) -> Table:
    """Open a CSV or XLSX file, telling them apart by content, not by name."""
    path = Path(path)
    shown = filename or path.name
    try:
        size = path.stat().st_size
        if size <= MAX_BYTES:
            with path.open("rb") as handle:
                content = handle.read(MAX_BYTES + 1)  # the file may have grown since stat()
            size = len(content)
    except OSError as error:
        raise UnusableInput(N_("%(file)s: cannot open the file (%(reason)s)."),
                            file=shown, reason=str(error.strerror)) from None
    if size > MAX_BYTES:
        raise UnusableInput(N_("%(file)s is %(size)s MB; the limit is %(limit)s MB per file: "
                               "split the list into several files."),
                            file=shown, size=round(size / 1024 / 1024, 1),
                            limit=MAX_BYTES // 1024 // 1024)
    digest = hashlib.sha256(content).hexdigest()
    if not content.strip():
        raise UnusableInput(N_("%(file)s is empty."), file=shown)
    kind = _recognise(content, shown)
    if kind == "zip":
        workbook_sheet, rows = _read_xlsx(content, sheet, shown)
        return Table(rows, digest, "xlsx", sheet=workbook_sheet)
    text, encoding = decode(content, shown)
    del content
    delimiter = detect_delimiter(text)
    _check_row_count(text, delimiter, shown)
    return Table(_csv_rows(text, delimiter, shown), digest, "csv", encoding, delimiter)


def too_many_rows(shown: str) -> UnusableInput:
    return UnusableInput(N_("%(file)s has more than %(limit)s rows, the limit per import: split "
                            "the list into several files."), file=shown, limit=MAX_ROWS)


def _check_row_count(text: str, delimiter: str, shown: str) -> None:
    """Refuse an over-long CSV before any value is checked (a cheap pass of the csv module)."""
    if text.count("\n") < MAX_ROWS and text.count("\r") < MAX_ROWS:
        return
    records = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            if record and any(cell.strip() for cell in record):
                records += 1
                if records > MAX_ROWS + 1:
                    raise too_many_rows(shown)
    except csv.Error:
        return  # reported with its line when the rows are read


# --- recognising what the file is -----------------------------------------------------------

_SIGNATURES = (
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"BM", None),  # too short to be sure; only with the rest below
    (b"II*\x00", N_("a TIFF image")),
    (b"MM\x00*", N_("a TIFF image")),
    (b"\x1f\x8b", N_("a gzip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"7z\xbc\xaf\x27\x1c", N_("a 7-Zip archive")),
    (b"{\\rtf", N_("an RTF document")),
    (b"\x7fELF", N_("a program")),
    (b"MZ", None),
)


def _recognise(content: bytes, shown: str) -> str:
    """'zip' or 'text'; anything else raises UnusableInput saying what the file is."""
    head = content[:8]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnusableInput(N_("%(file)s is an Excel 97-2003 workbook (.xls) or a password-"
                               "protected file: save it as .xlsx (without a password) or as CSV "
                               "and import that."), file=shown)
    for signature, what in _SIGNATURES:
        if what and head.startswith(signature):
            raise UnusableInput(N_("%(file)s is %(what)s, not a spreadsheet: import a CSV or "
                                   "XLSX file."), file=shown, what=Message(what))
    sample = content[:2048].lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if sample.startswith((b"<!doctype html", b"<html")) or b"<table" in sample[:512]:
        raise UnusableInput(N_("%(file)s is a web page (HTML), not a spreadsheet: open it in "
                               "Excel and save it as .xlsx or CSV."), file=shown)
    if sample.startswith(b"<?xml"):
        raise UnusableInput(N_("%(file)s is an XML file, not a spreadsheet: open it in Excel and"
                               " save it as .xlsx or CSV."), file=shown)
    return "text"


# --- CSV ------------------------------------------------------------------------------------

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)
# C0 control characters other than tab, new line, form feed and carriage return: never in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HIGH_RUN = re.compile(rb"[\xc0-\xff]{3,}")


def decode(content: bytes, shown: str) -> tuple[str, str]:
    """(text, encoding name): BOM first, then UTF-16 without BOM, strict UTF-8, then
    Windows-1252 — or Windows-1256 when the bytes are runs of Arabic letters.

    charset-normalizer is not used: on short lists it calls French Windows-1252 text
    Windows-1250 (and changes letters); the two-candidate test below is decisive for the
    encodings Mediterranean offices actually produce.
    """
    encoding = None
    for bom, name, codec in _BOMS:
        if content.startswith(bom):
            encoding = name
            try:
                text = content.decode(codec)
            except UnicodeDecodeError:
                raise UnusableInput(N_("%(file)s says it is %(encoding)s text (byte-order mark) "
                                       "but is not: save it again as CSV UTF-8."),
                                    file=shown, encoding=name.upper()) from None
            return _checked(text.lstrip("\ufeff"), encoding, shown)
    head = content[:4096]
    if len(head) >= 4:
        even_zeros = head[0::2].count(0)
        odd_zeros = head[1::2].count(0)
        half = len(head) // 2
        if odd_zeros > half * 0.3 and even_zeros == 0:
            encoding = "utf-16-le"
        elif even_zeros > half * 0.3 and odd_zeros == 0:
            encoding = "utf-16-be"
        if encoding:
            try:
                return _checked(content.decode(encoding), encoding, shown)
            except UnicodeDecodeError:
                pass
    try:
        return _checked(content.decode("utf-8"), "utf-8", shown)
    except UnicodeDecodeError:
        pass
    high = sum(1 for byte in content[:200_000] if byte >= 0x80)
    arabic_runs = sum(len(run) for run in _HIGH_RUN.findall(content[:200_000]))
    # Arabic words are runs of high bytes; French or Spanish accents stand alone among ASCII.
    candidates = ("cp1256", "cp1252") if high and arabic_runs > high * 0.5 else ("cp1252", "cp1256")
    for encoding in candidates:
        try:
            return _checked(content.decode(encoding), encoding, shown)
        except UnicodeDecodeError:
            continue
    raise UnusableInput(N_("%(file)s is not text in a known encoding: save it as CSV UTF-8 or as"
                           " .xlsx."), file=shown)


def _checked(text: str, encoding: str, shown: str) -> tuple[str, str]:
    """Refuse binary content that happened to decode (control characters are never typed)."""
    sample = text[:100_000]
    controls = len(_CONTROL.findall(sample))
    if controls and (controls > 3 or "\x00" in sample):
        raise UnusableInput(N_("%(file)s is not a spreadsheet (it holds binary data): import a "
                               "CSV or XLSX file."), file=shown)
    return text, encoding


_DELIMITERS = (";", ",", "\t")


def detect_delimiter(text: str) -> str:
    """The separator that cuts the first records into the most, consistently wide, columns.

    Counting per record (with quotes honoured by the csv module) rather than trusting
    csv.Sniffer, which is thrown by commas inside semicolon-separated cells.
    """
    head_lines: list[str] = []
    for line in io.StringIO(text[:200_000], newline=""):
        head_lines.append(line)
        if len(head_lines) >= 60:
            break
    best: tuple[int, int, int] = (0, 0, 0)
    chosen = ","
    for rank, delimiter in enumerate(_DELIMITERS):
        widths = []
        try:
            for record in csv.reader(head_lines, delimiter=delimiter):
                if any(cell.strip() for cell in record):
                    widths.append(len(record))
        except csv.Error:
            continue
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        consistent = count >= max(1, int(len(widths) * 0.6))
        # Prefer consistent splits, then more columns, then ; before , before tab.
        score = (1 if consistent else 0, width if consistent else max(widths), -rank)
        if score > best:
            best, chosen = score, delimiter
    return chosen


def _csv_rows(text: str, delimiter: str, shown: str) -> Rows:
    """Non-empty records with the physical line each starts on (as an editor numbers it)."""
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=False, strict=False)
    line = 0
    widest = 0  # the widest record so far: the header's width, once it is read
    while True:
        start = line + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnusableInput(N_("%(file)s, line %(line)s: the CSV cannot be read "
                                   "(%(reason)s); check the quotes on that line."),
                                file=shown, line=str(start), reason=message_of(error)) from None
        line = reader.line_num
        if line - start >= MAX_RECORD_LINES or any(len(cell) > MAX_CELL_CHARS for cell in record) \
                or (line > start and _swallows_rows(record, delimiter, widest)):
            raise UnusableInput(N_('%(file)s, line %(line)s: a quote (") opens a cell that does '
                                   "not close; check the quotes on that line."),
                                file=shown, line=str(start))
        widest = max(widest, len(record))
        if any(cell.strip() for cell in record):
            yield start, [cell.strip() for cell in record]


def _swallows_rows(record: list[str], delimiter: str, widest: int) -> bool:
    """Whether a multi-line cell holds whole rows (an unclosed quote ate the lines after it)."""
    if widest < 3:
        return False
    return any(line.count(delimiter) >= widest - 1
               for cell in record if "\n" in cell or "\r" in cell
               for line in cell.splitlines()[1:])


# --- XLSX -----------------------------------------------------------------------------------

class _RootReached(Exception):
    pass


class _StopAtRoot:
    """A parser target that stops at the first element: a DTD can only come before it."""

    # The XML parser calls start(tag, attributes): the target's interface, both unused here.
    def start(self, tag: str, attributes: dict[str, str]) -> None:  # noqa: ARG002
        raise _RootReached

    def close(self) -> None:
        return None


def _inspect_zip(archive: zipfile.ZipFile, shown: str) -> None:
    """Refuse macros, bombs, encrypted parts and DTDs before any part is decompressed."""
    members = archive.infolist()
    names = {member.filename.lower() for member in members}
    _refuse_other_documents(names, shown)
    if len(members) > MAX_MEMBERS:
        raise UnusableInput(N_("%(file)s is not a normal workbook (%(parts)s parts): refused."),
                            file=shown, parts=len(members))
    if any("vbaproject" in name or name.endswith(".bin") and "vba" in name for name in names):
        raise UnusableInput(N_("%(file)s contains macros (a macro-enabled workbook): macros are "
                               "refused; save it as a plain .xlsx workbook or as CSV."), file=shown)
    _check_sizes(members, shown)
    for member in members:
        # Every part that is XML, whatever its name: rels may point at any part name.
        if not member.is_dir():
            _check_xml_prolog(archive, member, shown)
    content_types = next((member for member in members
                          if member.filename.lower() == "[content_types].xml"), None)
    if content_types is not None:
        with archive.open(content_types) as stream:
            declared = stream.read(1024 * 1024).lower()
        if b"macroenabled" in declared or b"vbaproject" in declared:
            raise UnusableInput(N_("%(file)s is a macro-enabled workbook (.xlsm): macros are "
                                   "refused; save it as a plain .xlsx workbook or as CSV."),
                                file=shown)


def _refuse_other_documents(names: set[str], shown: str) -> None:
    """Zip files that are not Excel workbooks, named for what they are."""
    if "mimetype" in names and any(name.startswith(("content.xml", "meta.xml")) for name in names):
        raise UnusableInput(N_("%(file)s is an OpenDocument file (.ods): save it as .xlsx or "
                               "CSV."), file=shown)
    if any(name.startswith("word/") for name in names):
        raise UnusableInput(N_("%(file)s is a Word document, not a spreadsheet."), file=shown)
    if any(name.startswith("ppt/") for name in names):
        raise UnusableInput(N_("%(file)s is a PowerPoint presentation, not a spreadsheet."),
                            file=shown)
    if "xl/workbook.bin" in names:
        raise UnusableInput(N_("%(file)s is a binary Excel workbook (.xlsb): save it as .xlsx or"
                               " CSV."), file=shown)
    if "xl/workbook.xml" not in names:
        raise UnusableInput(N_("%(file)s is a zip archive, not an Excel workbook: import a CSV "
                               "or XLSX file."), file=shown)


def _check_sizes(members: list[zipfile.ZipInfo], shown: str) -> None:
    """Zip bombs: by what the archive says its parts unpack to (reading never goes beyond it),
    per part, in all, and compared with the archive's size as a whole, since many parts each
    below the per-part check can make a bomb together."""
    total = packed = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise UnusableInput(N_("%(file)s is encrypted: remove the password and save it "
                                   "again."), file=shown)
        total += member.file_size
        packed += member.compress_size
        if member.file_size > RATIO_FROM and (
                member.compress_size == 0 or member.file_size / member.compress_size > MAX_RATIO):
            raise UnusableInput(N_("%(file)s unpacks to far more than it holds (a zip bomb): "
                                   "refused."), file=shown)
    if total > MAX_UNCOMPRESSED:
        raise UnusableInput(N_("%(file)s unpacks to %(size)s MB, over the limit of %(limit)s MB:"
                               " refused."),
                            file=shown, size=total // 1024 // 1024,
                            limit=MAX_UNCOMPRESSED // 1024 // 1024)
    if total > RATIO_FROM and total > MAX_RATIO * max(packed, 1):
        raise UnusableInput(N_("%(file)s unpacks to %(size)s MB from %(packed)s MB, %(ratio)s "
                               "times its size; a workbook compresses at most %(limit)s times "
                               "(a zip bomb): refused."),
                            file=shown, size=round(total / 1024 / 1024, 1),
                            packed=round(packed / 1024 / 1024, 2),
                            ratio=total // max(packed, 1), limit=MAX_RATIO)


def _check_xml_prolog(archive: zipfile.ZipFile, member: zipfile.ZipInfo, shown: str) -> None:
    """Parse an XML part up to its root element with defusedxml: any DOCTYPE (the carrier of
    entity expansion and external entities) is refused. Only the prolog is read, so the check
    costs nothing on a large sheet."""
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    try:
        with archive.open(member) as stream:
            chunk = stream.read(4096)
            if not chunk.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").startswith(b"<"):
                return  # not XML (an image, printer settings): no parser reads it as XML
            read = 0
            while chunk and read < 1024 * 1024:
                read += len(chunk)
                parser.feed(chunk)
                chunk = stream.read(4096)
    except _RootReached:
        return
    except DefusedXmlException:
        raise UnusableInput(N_("%(file)s declares XML entities or a DTD in %(part)s (an XML "
                               "attack or a damaged file): refused."),
                            file=shown, part=member.filename) from None
    except Exception:  # noqa: BLE001 - any parse failure of a part means a damaged workbook
        damaged = True
    else:
        damaged = False
    if damaged or member.file_size:
        # No root element within 1 MB of prolog, or unparseable: a damaged part.
        raise UnusableInput(N_("%(file)s is damaged (%(part)s is not valid XML): open it in "
                               "Excel and save it again."), file=shown, part=member.filename)


def _read_xlsx(content: bytes, sheet: str | None,
               shown: str) -> tuple[str, Rows]:
    """Inspect the archive, pick the sheet, and stream its rows (see imports.xlsx for why not
    openpyxl)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnusableInput(N_("%(file)s is a damaged zip/XLSX file: open it in Excel and save "
                               "it again."), file=shown) from None
    try:
        _inspect_zip(archive, shown)
        book = xlsx.Workbook(archive)
    except UnusableInput:
        archive.close()
        raise
    except (xlsx.WorkbookError, xlsx.LimitExceeded, zipfile.BadZipFile, ValueError, OSError,
            EOFError) as error:
        archive.close()
        raise _unreadable(shown, error) from None
    if sheet is not None:
        chosen = next((item for item in book.sheets if item.name == sheet), None) or next(
            (item for item in book.sheets
             if item.name.strip().casefold() == sheet.strip().casefold()), None)
        if chosen is None:
            archive.close()
            names = ", ".join(repr(item.name) for item in book.sheets)
            raise UnusableInput(N_("%(file)s has no sheet named %(sheet)s; its sheets are: "
                                   "%(sheets)s."), file=shown, sheet=repr(sheet), sheets=names)
    else:
        chosen = next((item for item in book.sheets if item.state == "visible"), None)
        if chosen is None:
            archive.close()
            raise UnusableInput(N_("%(file)s has no worksheet."), file=shown)
    return chosen.name, _xlsx_rows(archive, book, chosen, shown)


def _xlsx_rows(archive: zipfile.ZipFile, book: xlsx.Workbook, sheet: xlsx.Sheet,
               shown: str) -> Rows:
    """Rows with their Excel row numbers; formula and error cells marked for the caller."""
    try:
        for number, cells in book.rows(sheet):
            yield number, [_marked(value) for value in cells]
    except (xlsx.WorkbookError, zipfile.BadZipFile, ValueError, OSError, EOFError) as error:
        raise _unreadable(shown, error) from None
    finally:
        archive.close()


def _unreadable(shown: str, error: Exception) -> UnusableInput:
    if isinstance(error, xlsx.LimitExceeded):
        return UnusableInput(N_("%(file)s is refused: %(reason)s; split the list into several "
                                "files."), file=shown, reason=error.message)
    return UnusableInput(N_("%(file)s cannot be read as an Excel workbook (%(reason)s): open it "
                            "in Excel and save it again."), file=shown, reason=message_of(error))


def _marked(value: object) -> object:
    if isinstance(value, xlsx.Cell):
        return Formula(value.text) if value.kind == "formula" else ExcelError(value.text)
    return value
