"""Bulk exports of entries: CSV, XLSX and vCard, of a network or of the current search.

For secretariats (their networks' entries only) and administrators; every export is audited.
Spreadsheet cells are text, and any cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage
return gets a leading apostrophe, so that a spreadsheet never runs a cell as a formula
("CSV injection"). That includes E.164 phone numbers (`'+212537123456`): the importer reads the
apostrophe away, so an export can be corrected and imported back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select

from directory.extensions import db
from directory.models import ContactPoint, Membership, Network, User
from directory.services import access_log, audit, vcard
from directory.services.contact_queries import contact_point_query
from directory.services.errors import PermissionDenied, ServiceError
from directory.services.networks import get_network
from directory.services.permissions import maintained_networks, require_network
from imports.formulas import neutralise

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "vcard": ("text/vcard; charset=utf-8", "vcf"),
}
# Characters XML 1.0 (hence XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_EXPORT = 200_000
BATCH = 1000
# Headers the importer recognises, so that an export can be corrected and imported back.
COLUMNS = ("Entry", "ID", "Role", "Given name", "Family name", "Native name", "Title",
           "Organisation", "Organisation kind", "Country", "City", "Address", "E-mail", "Phone",
           "Mobile", "24/7 phone", "Languages", "Specialisms", "Urgent", "Urgent instructions",
           "Notes", "Status", "Last verified", "Networks")


@dataclass
class ExportResult:
    content: bytes
    mimetype: str
    filename: str
    count: int


def may_export(actor: User | None) -> bool:
    return actor is None or actor.role in ("secretariat", "admin")


def _allowed_networks(actor: User | None, network: str | None) -> list[str] | None:
    """The networks whose entries go out; None means every entry."""
    if actor is not None and not may_export(actor):
        raise PermissionDenied(
            gettext("Only network secretariats and administrators may export entries."))
    if network:
        get_network(network)
        if actor is not None:
            require_network(actor, network)
        return [network]
    allowed = maintained_networks(actor) if actor is not None else None
    return sorted(allowed) if allowed is not None else None


def _network_ids(networks: list[str]) -> Any:
    return (select(Membership.contact_point_id).join(Network)
            .where(Network.slug.in_(networks)))


def _entries_of(networks: list[str] | None) -> Iterator[ContactPoint]:
    """Every non-archived entry (of these networks), by id, a batch at a time."""
    last_id = 0
    while True:
        query = contact_point_query().where(ContactPoint.id > last_id,
                                            ContactPoint.status != "archived")
        if networks is not None:
            query = query.where(ContactPoint.id.in_(_network_ids(networks)))
        rows = db.session.scalars(query.order_by(ContactPoint.id).limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        db.session.expunge_all()


def _entries_of_search(actor: User | None, args: Any, networks: list[str] | None
                       ) -> Iterator[ContactPoint]:
    """The entries of the search that `args` (the search page's query string) describes, in
    its order, restricted to `networks`."""
    from dataclasses import replace

    from directory.services import search

    wanted = search.parse_request(args)
    if networks is not None:
        asked = set(wanted.filters.get("network") or networks)
        wanted.filters["network"] = sorted(asked & set(networks)) or ["\x00none"]
    page, seen = 1, 0
    while True:
        found = search.search(actor, replace(wanted, page=page, per_page=BATCH), count_use=False)
        for contact_point, _, _ in found.results:
            if networks is None or set(contact_point.network_slugs) & set(networks):
                seen += 1
                yield contact_point
        if page * BATCH >= min(found.total, MAX_EXPORT) or not found.results:
            return
        page += 1


def export(actor: User | None, output_format: str, network: str | None = None,
           search_args: Any = None, channel: str = "web") -> ExportResult:
    """Export entries of `network` (or every entry the actor may export, or those of the
    search described by `search_args`) as csv, xlsx or vcard. Audited, and every entry
    exported is in the access log."""
    if output_format not in FORMATS:
        raise ServiceError(gettext("'%(value)s' is not an export format; use csv, xlsx or "
                                   "vcard.", value=output_format),
                           {"format": gettext("Unknown format.")})
    networks = _allowed_networks(actor, network)
    entries = (_entries_of_search(actor, search_args, networks) if search_args is not None
               else _entries_of(networks))
    counter = _Counter(entries)
    if output_format == "csv":
        content = to_csv(counter, network)
    elif output_format == "xlsx":
        content = to_xlsx(counter, network)
    else:
        content = vcard.vcards(counter).encode("utf-8")
    access_log.record(actor, "export", channel, counter.ids)
    mimetype, extension = FORMATS[output_format]
    scope = network or ("search" if search_args is not None else "all")
    audit.record(actor, "export", "network" if network else "", None, {
        "format": [None, output_format], "network": [None, network],
        "search": [None, _search_text(search_args)], "entries": [None, counter.count]},
        actor_label=None if actor is not None else "operator")
    db.session.flush()
    return ExportResult(content=content, mimetype=mimetype,
                        filename=f"counterpart-{scope}-{date.today().isoformat()}.{extension}",
                        count=counter.count)


def _search_text(args: Any) -> str | None:
    if args is None:
        return None
    return "&".join(f"{key}={value}" for key, value in args.items(multi=True)
                    if key not in ("page", "per_page"))[:500]


class _Counter:
    def __init__(self, entries: Iterable[ContactPoint]):
        self.entries = entries
        self.count = 0
        self.ids: list[int] = []

    def __iter__(self):
        for entry in self.entries:
            self.count += 1
            self.ids.append(entry.id)
            if self.count > MAX_EXPORT:
                raise ServiceError(ngettext(
                    "At most %(num)s entry can be exported at once; choose a network or narrow "
                    "the search.", "At most %(num)s entries can be exported at once; choose a "
                    "network or narrow the search.", MAX_EXPORT))
            yield entry


def rows(entries: Iterable[ContactPoint], network: str | None) -> Iterator[list[str]]:
    """The header, then one row of text cells per entry (not yet neutralised)."""
    yield list(COLUMNS)
    for entry in entries:
        membership = next((m for m in entry.memberships if m.network.slug == network), None)
        phones = {"office": [], "mobile": [], "24-7": []}
        for phone in entry.phones:
            phones.setdefault(phone.kind, []).append(phone.number)
        organisation = entry.organisation
        yield [
            str(entry.id),
            (membership.external_id or "") if membership else "",
            membership.role if membership else "",
            entry.given_name or "", entry.family_name or "", entry.native_name or "",
            entry.title or "", organisation.name if organisation else "",
            (organisation.kind or "") if organisation else "",
            entry.country, entry.city or "", entry.address or "",
            "; ".join(email.address for email in entry.emails),
            "; ".join(phones["office"]), "; ".join(phones["mobile"]), "; ".join(phones["24-7"]),
            ", ".join(entry.languages or []),
            ", ".join(specialism.slug for specialism in entry.specialisms),
            "yes" if entry.urgent else "no", entry.urgent_instructions or "", entry.notes or "",
            entry.status,
            entry.last_verified_on.isoformat() if entry.last_verified_on else "",
            "; ".join(f"{m.network.slug}: {m.role}" + (f" ({m.external_id})" if m.external_id
                                                         else "")
                      for m in entry.memberships),
        ]


def to_csv(entries: Iterable[ContactPoint], network: str | None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows(entries, network):
        writer.writerow([neutralise(cell) for cell in row])
    # With a BOM, Excel opens UTF-8 (Arabic names) correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(entries: Iterable[ContactPoint], network: str | None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contact points")
    for row in rows(entries, network):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=neutralise(_ILLEGAL_XML.sub(" ", value)))
            cell.data_type = "s"  # text, always: never a number, a date or a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
