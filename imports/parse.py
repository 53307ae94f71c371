"""From a network's spreadsheet to validated rows and a list of every problem in it.

parse_file reads the file (readers), finds the header row and what each column means
(headers), and normalises every cell (normalise). It never stops at the first bad value: the
secretariat gets every bad cell with its line and column in one report, and the importer
writes nothing unless the list is clean. It knows nothing of the database; plan.py compares
the rows with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from directory import fields
from directory.vocabulary import fold

from . import normalise as norm
from . import readers
from .headers import DESCRIPTIONS, ColumnMap, header_score, map_headers, profile, role_table
from .messages import N_, Message, message_of
from .readers import (
    HEADER_SEARCH_ROWS,
    ExcelError,
    Formula,
    Rows,
    Table,
    UnusableInput,
    read_table,
)

# The entry field whose limits a column's text follows (`directory.fields`, like every other
# way in); a whole-name column follows the family name's.
_FIELD_OF = {"full_name": "family_name"}
# The column of a problem with the whole row.
WHOLE_ROW = N_("(row)")


@dataclass(slots=True)
class RowError:
    """One bad cell (or row): `line` as the user sees it in Excel or an editor; `column` the
    header as written in the file (the canonical name when the column is missing, WHOLE_ROW
    for the row); `message` in English by str(), translated by the web layer."""

    line: int
    column: str
    message: Message

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        """How an import run keeps it: the English text, and the message to translate."""
        return {"line": self.line, "column": self.column, "message": str(self.message),
                "translatable": self.message.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowError:
        return cls(data["line"], data["column"], Message.from_json(data["translatable"]))


@dataclass(slots=True)
class ImportRow:
    """One valid contact point of the list, in the directory's own values."""

    line: int
    external_id: str | None
    given_name: str
    family_name: str
    native_name: str | None
    title: str | None
    organisation: str | None
    organisation_kind: str | None
    country: str  # ISO 3166-1 alpha-2
    city: str | None
    address: str | None
    emails: list[str]  # lower-cased, validated, deduplicated
    phones: list[tuple[str, str]]  # (E.164, office|mobile|24-7)
    languages: list[str]  # ISO 639-1
    specialisms: list[str]  # slugs of directory.vocabulary.SPECIALISMS
    role: str | None  # a role slug of the network; None when the list does not say
    urgent: bool | None  # None when the list does not say
    notes: str | None
    last_verified: date | None
    urgent_instructions: str | None = None


@dataclass
class ParsedFile:
    """rows: the valid rows only; errors: every problem; total_rows: data rows in the file.

    columns: canonical column → header as written (pooled columns joined with " + ");
    ignored_columns: headers that matched nothing (or repeat a single-valued column).
    """

    rows: list[ImportRow]
    errors: list[RowError]
    columns: dict[str, str]
    ignored_columns: list[str]
    sha256: str
    total_rows: int
    format: str = "csv"
    details: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_file(path: str | Path, network: str, sheet: str | None = None,
               filename: str | None = None,
               roles: dict[str, list[str]] | None = None) -> ParsedFile:
    """Read and validate one list of `network`.

    Raises UnusableInput when the file is not a readable spreadsheet, has no header row, lacks
    a required column or exceeds the limits; otherwise returns every row's outcome. `roles`
    (slug → labels) names the roles of a network that the seeded vocabulary does not know.
    """
    shown = filename or Path(path).name
    table = read_table(path, sheet=sheet, filename=filename)
    try:
        return _parse_table(table, network, shown, roles)
    finally:
        table.rows.close()  # releases the workbook even when the file is refused half-way


def _parse_table(table: Table, network: str, shown: str,
                 roles: dict[str, list[str]] | None) -> ParsedFile:  # fmt: skip
    rows_iter = table.rows
    _, header, pending = _find_header(rows_iter, network, shown)
    columns = map_headers([norm.cell_text(cell) for cell in header], network)
    _require_columns(columns, shown)
    builder = _RowBuilder(columns, network, roles)
    parsed = ParsedFile(
        rows=[], errors=[],
        columns={canonical: " + ".join(headers) for canonical, headers in columns.headers.items()},
        ignored_columns=columns.ignored, sha256=table.sha256, total_rows=0, format=table.format,
        details={key: value for key, value in (("encoding", table.encoding),
                                                ("delimiter", table.delimiter),
                                                ("sheet", table.sheet)) if value},
    )
    width = len(header)

    def consume(line: int, cells: list[Any]) -> None:
        parsed.total_rows += 1
        if parsed.total_rows > readers.MAX_ROWS:
            raise readers.too_many_rows(shown)
        extra = [cell for cell in cells[width:] if cell not in (None, "")]
        if extra and table.format == "csv":
            parsed.errors.append(RowError(line, WHOLE_ROW, Message.of(
                N_("the row has %(cells)s cells but the header has %(width)s: a value holding "
                   "the separator %(separator)s must be in double quotes"),
                cells=len(cells), width=width, separator=_separator_name(table.delimiter))))
            return
        row, errors = builder.build(line, cells)
        parsed.errors.extend(errors)
        if row is not None and not errors:
            parsed.rows.append(row)

    for line, cells in pending:
        consume(line, cells)
    for line, cells in rows_iter:
        consume(line, cells)
    return parsed


def _separator_name(delimiter: str | None) -> str | Message:
    if delimiter == "\t":
        return Message(N_("(tab)"))
    return repr(delimiter or ",")


def _find_header(rows: Rows, network: str,
                 shown: str) -> tuple[int, list[Any], list[tuple[int, list[Any]]]]:  # fmt: skip
    """The header row: the first row naming two or more known columns among the first few
    (a title line above the table is skipped), else the first row if it names one."""
    seen: list[tuple[int, list[Any]]] = []
    best_score, best_index = 0, -1
    for line, cells in rows:
        seen.append((line, cells))
        score = header_score([norm.cell_text(cell) for cell in cells], network)
        if score > best_score:
            best_score, best_index = score, len(seen) - 1
        if score >= 2 or len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not seen:
        raise UnusableInput(N_("%(file)s has no rows."), file=shown)
    if best_score == 0:
        raise UnusableInput(N_("%(file)s has no header row: the first row should name the "
                               "columns (e.g. Country, Family name, Given name, E-mail), and "
                               "none of its first rows does."), file=shown)
    line, header = seen[best_index]
    return line, header, seen[best_index + 1:]


def _require_columns(columns: ColumnMap, shown: str) -> None:
    missing: list[Message] = []
    if not (columns.has("family_name") or columns.has("full_name")):
        missing.append(Message(DESCRIPTIONS["family_name"]))
    if not columns.has("country"):
        missing.append(Message(DESCRIPTIONS["country"]))
    if not (columns.has("emails") or columns.has("external_id")):
        missing.append(Message.of(N_("%(first)s or %(second)s"),
                                  first=Message(DESCRIPTIONS["emails"]),
                                  second=Message(DESCRIPTIONS["external_id"])))
    if missing:
        what = missing[0]
        for more in missing[1:]:
            what = Message.of(N_("%(first)s and no column for %(second)s"), first=what,
                              second=more)
        found = [repr(header) for headers in columns.headers.values() for header in headers]
        if found:
            raise UnusableInput(N_("%(file)s has no column for %(missing)s; columns recognised: "
                                   "%(found)s."), file=shown, missing=what, found=found)
        raise UnusableInput(N_("%(file)s has no column for %(missing)s; no column was "
                               "recognised."), file=shown, missing=what)


class _Row:
    """One row being read: its cells, its problems, and the columns whose cell could not be
    read at all (a formula, an Excel error), reported once and not also as empty."""

    def __init__(self, builder: _RowBuilder, line: int, cells: list[Any]):
        self.builder = builder
        self.line = line
        self.cells = cells
        self.errors: list[RowError] = []
        self.unreadable: set[str] = set()

    def error(self, column: str, message: str | Message, **values: Any) -> None:
        if not isinstance(message, Message):
            message = Message(message, values)
        self.errors.append(RowError(self.line, column, message))

    def values(self, canonical: str) -> list[tuple[str, Any]]:
        """(header, cell) of each source column with something in it."""
        found: list[tuple[str, Any]] = []
        for index, header in self.builder.sources.get(canonical, ()):
            cell = self.cells[index] if index < len(self.cells) else None
            if type(cell) is str:  # every cell of a CSV file
                if cell.strip():
                    found.append((header, cell))
                continue
            if isinstance(cell, (Formula, ExcelError)):
                if canonical not in self.unreadable:
                    self.unreadable.add(canonical)
                    self._unreadable(header, cell)
                continue
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            found.append((header, cell))
        return found

    def _unreadable(self, header: str, cell: Formula | ExcelError) -> None:
        if isinstance(cell, Formula):
            self.error(header, N_("holds a formula: %(formula)s; the importer takes values only:"
                                  " copy the column and paste it as values"),
                       formula=_cut(cell.text, quote=False))
        else:
            self.error(header, N_("shows the Excel error %(value)s; correct the cell"),
                       value=cell.text)

    def first(self, canonical: str) -> tuple[str, Any]:
        pooled = self.values(canonical)
        return pooled[0] if pooled else (self.builder.header(canonical), None)

    def text(self, canonical: str) -> str | None:
        """A single-valued text column: cleaned, length-checked, None when empty."""
        pooled = self.values(canonical)
        if not pooled:
            return None
        header, cell = pooled[0]
        value, problem = fields.clean_text(_FIELD_OF.get(canonical, canonical),
                                           norm.cell_text(cell))
        if problem is not None:
            self.error(header, _message(problem))
        # Titles, organisations and cities repeat down a list: keep one copy of each.
        return self.builder.shared.setdefault(value, value) if value else None

    def parsed(self, canonical: str, parse: Callable[[Any], Any],
               required: str | None = None) -> Any:  # fmt: skip
        """The first cell of a column read by ``parse``; None when empty (``required`` then
        says what is missing) or invalid (the problem is reported)."""
        header, cell = self.first(canonical)
        if cell is None:
            if required and self.missing(canonical):
                self.error(header, required)
            return None
        try:
            return parse(cell)
        except ValueError as problem:
            self.error(header, message_of(problem))
            return None

    def collected(self, canonical: str, parse: Callable[[Any], list[Any]]) -> list[Any]:
        """The values of every cell of a multi-valued column, each once, in order."""
        found: list[Any] = []
        for header, cell in self.values(canonical):
            try:
                found.extend(value for value in parse(cell) if value not in found)
            except ValueError as problem:
                self.error(header, message_of(problem))
        return found

    def missing(self, *canonicals: str) -> bool:
        """None of the columns had a value, nor a cell that could not be read."""
        return not self.unreadable & set(canonicals)


class _RowBuilder:
    """Turns one row's cells into an ImportRow and RowErrors; remembers IDs and e-mails seen."""

    def __init__(self, columns: ColumnMap, network: str, roles: dict[str, list[str]] | None):
        self.columns = columns
        self.network = network
        self.family_first = profile(network).family_first
        self.roles = role_table(network, roles)
        self.seen_ids: dict[str, int] = {}
        self.seen_emails: dict[str, int] = {}
        self.today = date.today()
        self.shared: dict[str, str] = {}
        # canonical → [(index, header)], in file order
        self.sources: dict[str, list[tuple[int, str]]] = {}
        header_iter = {canonical: iter(headers) for canonical, headers in columns.headers.items()}
        for index, canonical in sorted(columns.by_index.items()):
            self.sources.setdefault(canonical, []).append((index, next(header_iter[canonical])))

    def header(self, canonical: str) -> str:
        sources = self.sources.get(canonical)
        return sources[0][1] if sources else canonical

    def build(self, line: int, cells: list[Any]) -> tuple[ImportRow | None, list[RowError]]:
        row = _Row(self, line, cells)
        # Country first: phones are read with it as their region.
        country = row.parsed("country", norm.normalise_country, N_("no country given"))
        external_id = row.text("external_id")
        given_name, family_name = self._names(row)
        emails = row.collected("emails", norm.normalise_emails)
        phones = self._phones(row, country)
        languages = row.collected("languages", norm.normalise_languages)
        specialisms = row.collected("specialisms", norm.normalise_specialisms)
        organisation_kind = row.parsed("organisation_kind", norm.normalise_organisation_kind)
        role = self._role(row)
        urgent = self._urgent(row, country, phones)
        last_verified = self._verification_date(row)
        notes = self._notes(row)
        self._check_counts(row, {"emails": emails, "phones": [number for number, _ in phones],
                                 "languages": languages, "specialisms": specialisms})
        self._check_identity(row, external_id, emails)
        imported = ImportRow(
            line=line, external_id=external_id, given_name=given_name, family_name=family_name,
            native_name=row.text("native_name"), title=row.text("title"),
            organisation=row.text("organisation"), organisation_kind=organisation_kind,
            country=country or "", city=row.text("city"), address=row.text("address"),
            emails=emails, phones=phones, languages=languages, specialisms=specialisms,
            role=role, urgent=urgent, notes=notes, last_verified=last_verified,
            urgent_instructions=row.text("urgent_instructions"),
        )
        return (None if row.errors else imported), row.errors

    def _names(self, row: _Row) -> tuple[str, str]:
        """(given, family): a single name column is split when the two are not given apart."""
        given_name = row.text("given_name") or ""
        family_name = row.text("family_name") or ""
        full_name = row.text("full_name")
        if full_name and not (family_name and given_name):
            split_given, split_family = norm.split_full_name(full_name, self.family_first)
            family_name = family_name or split_family
            given_name = given_name or split_given
        if not family_name and row.missing("family_name", "full_name"):
            column = "family_name" if self.columns.has("family_name") else "full_name"
            row.error(self.header(column), N_("no family name given"))
        return given_name, family_name

    def _phones(self, row: _Row, country: str | None) -> list[tuple[str, str]]:
        phones: list[tuple[str, str]] = []
        for canonical, kind in (("phones", "office"), ("mobile", "mobile"),
                                ("phone_24_7", "24-7")):
            for header, cell in row.values(canonical):
                try:
                    _add_phones(phones, norm.normalise_phones(cell, country, kind))
                except norm.NeedsCountry:
                    pass  # the row's country error already says what to fix
                except ValueError as problem:
                    row.error(header, message_of(problem))
        return phones

    def _urgent(self, row: _Row, country: str | None,
                phones: list[tuple[str, str]]) -> bool | None:  # fmt: skip
        """The 24/7 column: yes or no, or a number (both the answer and the number to call)."""
        urgent = None
        header, cell = row.first("urgent")
        if cell is not None:
            try:
                urgent = norm.parse_yes_no(cell)
            except ValueError as problem:
                try:
                    duty = norm.normalise_phones(cell, country, "24-7")
                except ValueError:
                    duty = []
                if not duty:
                    row.error(header, message_of(problem))
                else:
                    urgent = True
                    _add_phones(phones, duty)
        if urgent is None and any(kind == "24-7" for _, kind in phones):
            urgent = True
        return urgent

    def _verification_date(self, row: _Row) -> date | None:
        header, cell = row.first("last_verified")
        if cell is None:
            return None
        try:
            last_verified = norm.parse_date(cell)
        except ValueError as problem:
            row.error(header, message_of(problem))
            return None
        # Lists are prepared ahead of their sending; a year ahead is a typo (2062).
        if last_verified > self.today + timedelta(days=366):
            row.error(header, N_("the date %(date)s is in the future"),
                      date=f"{last_verified:%d/%m/%Y}")
        elif last_verified.year < 1990:
            row.error(header, N_("the date %(date)s is too old to be a verification date"),
                      date=f"{last_verified:%d/%m/%Y}")
        return last_verified

    def _notes(self, row: _Row) -> str | None:
        notes, problem = fields.clean_text("notes", "\n".join(
            norm.cell_text(cell) for _, cell in row.values("notes")))
        if problem is not None:
            row.error(self.header("notes"), _message(problem))
        return notes or None

    def _check_counts(self, row: _Row, lists: dict[str, list[str]]) -> None:
        """Multi-valued columns within the field definition's number of values."""
        for canonical, items in lists.items():
            problem = fields.check_items(canonical, items)
            if problem is not None:
                row.error(self.header(canonical), _message(problem))

    def _check_identity(self, row: _Row, external_id: str | None, emails: list[str]) -> None:
        """An ID or an e-mail recognises the entry at the next import; one person per row: a
        repeated ID or e-mail would make two rows fight over one entry."""
        if not emails and not external_id and row.missing("emails", "external_id"):
            column = "emails" if self.columns.has("emails") else "external_id"
            row.error(self.header(column), N_("no e-mail address (nor an ID) given: one is "
                                              "needed to recognise the entry at the next "
                                              "import"))
        if external_id:
            key = external_id.casefold()
            if key in self.seen_ids:
                row.error(self.header("external_id"),
                          N_("the ID %(id)s is already used on line %(line)s"),
                          id=repr(external_id), line=str(self.seen_ids[key]))
            else:
                self.seen_ids[key] = row.line
        for email in emails:
            if email in self.seen_emails:
                row.error(self.header("emails"),
                          N_("the e-mail %(email)s is already on line %(line)s"),
                          email=email, line=str(self.seen_emails[email]))
            else:
                self.seen_emails[email] = row.line

    def _role(self, row: _Row) -> str | None:
        """The membership role: the role column, or EMJ's sub-group yes/no column."""
        role = None
        header, cell = row.first("role")
        if cell is not None:
            label = norm.cell_text(cell)
            key = fold(label)
            if self.roles:
                role = self.roles.get(key)
                if role is None:
                    expected = ", ".join(sorted(set(self.roles.values())))
                    row.error(header, N_("unknown role %(role)s for the network %(network)s "
                                         "(expected one of: %(expected)s)"),
                              role=_cut(label), network=self.network, expected=expected)
            else:
                role = key.replace(" ", "-") or None
        member = row.parsed("subgroup", norm.parse_yes_no)
        if member:
            role = "anti-trafficking-subgroup"
        elif role is None and member is False:
            role = "contact-point"
        return role


def _add_phones(phones: list[tuple[str, str]], found: list[tuple[str, str]]) -> None:
    """Add the numbers not already there (a number counts once, whatever its kind)."""
    phones.extend(phone for phone in found if all(phone[0] != number for number, _ in phones))


def _message(problem: fields.Problem) -> Message:
    return Message(problem.message, dict(problem.values))


def _cut(text: str, limit: int = 60, quote: bool = True) -> str:
    """A value quoted in a message, cut so that one cell cannot flood the report."""
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(text) if quote else text
