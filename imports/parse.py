"""From a network's spreadsheet to validated rows and a list of every problem in it.

parse_file reads the file (readers), finds the header row and what each column means
(headers), and normalises every cell (normalise). It never stops at the first bad value: the
secretariat gets every bad cell with its line and column in one report, and the importer
writes nothing unless the list is clean. It knows nothing of the database; plan.py compares
the rows with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from directory import fields

from . import normalise as norm
from . import readers
from .headers import DESCRIPTIONS, ColumnMap, header_score, map_headers, profile, role_table
from .messages import N_, Message, message_of
from .readers import HEADER_SEARCH_ROWS, ExcelError, Formula, UnusableInput, read_table

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

    def to_json(self) -> dict:
        """How an import run keeps it: the English text, and the message to translate."""
        return {"line": self.line, "column": self.column, "message": str(self.message),
                "translatable": self.message.to_json()}

    @classmethod
    def from_json(cls, data: dict) -> RowError:
        """Also reads runs stored before messages were kept (their English text only)."""
        kept = data.get("translatable")
        return cls(data["line"], data["column"],
                   Message.from_json(kept) if kept else Message(data["message"]))


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


def _parse_table(table, network: str, shown: str, roles) -> ParsedFile:
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

    def consume(line: int, cells: list) -> None:
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


def _find_header(rows, network: str, shown: str):
    """The header row: the first row naming two or more known columns among the first few
    (a title line above the table is skipped), else the first row if it names one."""
    seen: list[tuple[int, list]] = []
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


class _RowBuilder:
    """Turns one row's cells into an ImportRow and RowErrors; remembers IDs and e-mails seen."""

    def __init__(self, columns: ColumnMap, network: str, roles: dict[str, list[str]] | None):
        self.columns = columns
        self.network = network
        self.family_first = profile(network).family_first
        self.roles = role_table(network, roles)
        self.known_roles = bool(roles) or bool(self.roles)
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

    def build(self, line: int, cells: list) -> tuple[ImportRow | None, list[RowError]]:
        errors: list[RowError] = []

        def error(column: str, message: str | Message, **values) -> None:
            if not isinstance(message, Message):
                message = Message(message, values)
            errors.append(RowError(line, column, message))

        # Columns whose cell was a formula or an Excel error: reported once, not also as empty.
        unreadable: set[str] = set()

        def values(canonical: str) -> list[tuple[str, object]]:
            """(header, cell) of each source column with something in it."""
            found = []
            for index, header in self.sources.get(canonical, ()):
                cell = cells[index] if index < len(cells) else None
                if isinstance(cell, (Formula, ExcelError)):
                    if canonical in unreadable:
                        continue
                    unreadable.add(canonical)
                if isinstance(cell, Formula):
                    error(header, N_("holds a formula: %(formula)s; the importer takes values "
                                     "only: copy the column and paste it as values"),
                          formula=_cut(cell.text, quote=False))
                    continue
                if isinstance(cell, ExcelError):
                    error(header, N_("shows the Excel error %(value)s; correct the cell"),
                          value=cell.text)
                    continue
                if cell is None or (isinstance(cell, str) and not cell.strip()):
                    continue
                found.append((header, cell))
            return found

        def text(canonical: str) -> str | None:
            """A single-valued text column: cleaned, length-checked, None when empty."""
            pooled = values(canonical)
            if not pooled:
                return None
            header, cell = pooled[0]
            value, problem = fields.clean_text(_FIELD_OF.get(canonical, canonical),
                                               norm.cell_text(cell))
            if problem is not None:
                error(header, _message(problem))
            # Titles, organisations and cities repeat down a list: keep one copy of each.
            return self.shared.setdefault(value, value) if value else None

        def first(canonical: str):
            pooled = values(canonical)
            return pooled[0] if pooled else (self.header(canonical), None)

        # Country first: phones are read with it as their region.
        country = None
        header, cell = first("country")
        if cell is None:
            if "country" not in unreadable:
                error(header, N_("no country given"))
        else:
            try:
                country = norm.normalise_country(cell)
            except ValueError as problem:
                error(header, message_of(problem))

        external_id = text("external_id")
        given_name = text("given_name") or ""
        family_name = text("family_name") or ""
        full_name = text("full_name")
        if full_name and not (family_name and given_name):
            split_given, split_family = norm.split_full_name(full_name, self.family_first)
            family_name = family_name or split_family
            given_name = given_name or split_given
        if not family_name and not unreadable & {"family_name", "full_name"}:
            column = "family_name" if self.columns.has("family_name") else "full_name"
            error(self.header(column), N_("no family name given"))

        emails: list[str] = []
        for header, cell in values("emails"):
            try:
                emails.extend(email for email in norm.normalise_emails(cell) if email not in emails)
            except ValueError as problem:
                error(header, message_of(problem))

        phones: list[tuple[str, str]] = []
        for canonical, kind in (("phones", "office"), ("mobile", "mobile"),
                                ("phone_24_7", "24-7")):
            for header, cell in values(canonical):
                try:
                    for number, number_kind in norm.normalise_phones(cell, country, kind):
                        if all(number != existing for existing, _ in phones):
                            phones.append((number, number_kind))
                except norm.NeedsCountry:
                    pass  # the row's country error already says what to fix
                except ValueError as problem:
                    error(header, message_of(problem))

        languages: list[str] = []
        for header, cell in values("languages"):
            try:
                languages.extend(code for code in norm.normalise_languages(cell)
                                 if code not in languages)
            except ValueError as problem:
                error(header, message_of(problem))

        specialisms: list[str] = []
        for header, cell in values("specialisms"):
            try:
                specialisms.extend(slug for slug in norm.normalise_specialisms(cell)
                                   if slug not in specialisms)
            except ValueError as problem:
                error(header, message_of(problem))

        organisation_kind = None
        header, cell = first("organisation_kind")
        if cell is not None:
            try:
                organisation_kind = norm.normalise_organisation_kind(cell)
            except ValueError as problem:
                error(header, message_of(problem))

        role = self._role(first("role"), first("subgroup"), error)

        urgent = None
        header, cell = first("urgent")
        if cell is not None:
            try:
                urgent = norm.parse_yes_no(cell)
            except ValueError as problem:
                # A number in the 24/7 column: it is both the answer and the number to call.
                try:
                    duty = norm.normalise_phones(cell, country, "24-7")
                except ValueError:
                    duty = []
                if duty:
                    urgent = True
                    phones.extend(phone for phone in duty
                                  if all(phone[0] != existing for existing, _ in phones))
                else:
                    error(header, message_of(problem))
        if urgent is None and any(kind == "24-7" for _, kind in phones):
            urgent = True

        last_verified = None
        header, cell = first("last_verified")
        if cell is not None:
            try:
                last_verified = norm.parse_date(cell)
            except ValueError as problem:
                error(header, message_of(problem))
            else:
                # Lists are prepared ahead of their sending; a year ahead is a typo (2062).
                if last_verified > self.today + timedelta(days=366):
                    error(header, N_("the date %(date)s is in the future"),
                          date=f"{last_verified:%d/%m/%Y}")
                elif last_verified.year < 1990:
                    error(header, N_("the date %(date)s is too old to be a verification date"),
                          date=f"{last_verified:%d/%m/%Y}")

        notes, problem = fields.clean_text("notes", "\n".join(
            norm.cell_text(cell) for _, cell in values("notes")))
        if problem is not None:
            error(self.header("notes"), _message(problem))
        for canonical, items in (("emails", emails), ("phones", [n for n, _ in phones]),
                                 ("languages", languages), ("specialisms", specialisms)):
            problem = fields.check_items(canonical, items)
            if problem is not None:
                error(self.header(canonical), _message(problem))

        if not emails and not external_id and not unreadable & {"emails", "external_id"}:
            column = "emails" if self.columns.has("emails") else "external_id"
            error(self.header(column), N_("no e-mail address (nor an ID) given: one is needed "
                                          "to recognise the entry at the next import"))

        # One person per row: a repeated ID or e-mail would make two rows fight over one entry.
        if external_id:
            key = external_id.casefold()
            if key in self.seen_ids:
                error(self.header("external_id"),
                      N_("the ID %(id)s is already used on line %(line)s"),
                      id=repr(external_id), line=str(self.seen_ids[key]))
            else:
                self.seen_ids[key] = line
        for email in emails:
            if email in self.seen_emails:
                error(self.header("emails"), N_("the e-mail %(email)s is already on line %(line)s"),
                      email=email, line=str(self.seen_emails[email]))
            else:
                self.seen_emails[email] = line

        row = ImportRow(
            line=line, external_id=external_id, given_name=given_name, family_name=family_name,
            native_name=text("native_name"), title=text("title"),
            organisation=text("organisation"), organisation_kind=organisation_kind,
            country=country or "", city=text("city"), address=text("address"), emails=emails,
            phones=phones, languages=languages, specialisms=specialisms, role=role,
            urgent=urgent, notes=notes or None, last_verified=last_verified,
            urgent_instructions=text("urgent_instructions"),
        )
        return (None if errors else row), errors

    def _role(self, role_cell, subgroup_cell, error) -> str | None:
        """The membership role: the role column, or EMJ's sub-group yes/no column."""
        role = None
        header, cell = role_cell
        if cell is not None:
            label = norm.cell_text(cell)
            key = norm.fold(label)
            if self.roles:
                role = self.roles.get(key)
                if role is None:
                    expected = ", ".join(sorted({slug for slug in self.roles.values()}))
                    error(header, N_("unknown role %(role)s for the network %(network)s "
                                     "(expected one of: %(expected)s)"),
                          role=_cut(label), network=self.network, expected=expected)
            else:
                role = key.replace(" ", "-") or None
        header, cell = subgroup_cell
        if cell is not None:
            try:
                member = norm.parse_yes_no(cell)
            except ValueError as problem:
                error(header, message_of(problem))
            else:
                if member:
                    role = "anti-trafficking-subgroup"
                elif role is None and member is False:
                    role = "contact-point"
        return role


def _message(problem: fields.Problem) -> Message:
    return Message(problem.message, dict(problem.values))


def _cut(text: str, limit: int = 60, quote: bool = True) -> str:
    """A value quoted in a message, cut so that one cell cannot flood the report."""
    text = " ".join(str(text).split())
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(text) if quote else text
