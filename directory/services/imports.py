"""Importing a network's list: preview (a dry run) and apply, all or nothing.

`imports` reads the file and `imports.plan` compares it with the directory; this module loads
what the plan needs in bulk, checks who may import, writes the whole plan in the caller's one
transaction with bulk statements, queues every changed entry for the search index, and records
an ImportRun (also for refused and dry runs) and an audit entry. Like every service it
flushes; the caller commits, preferably through `commit_import` (which rebuilds the index
instead of catching up entry by entry when a list changed very many entries).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext
from sqlalchemy import delete, func, insert, select, update

from directory.extensions import READ_ONLY, db
from directory.models import (
    ContactPoint,
    Email,
    ImportRun,
    Membership,
    Network,
    Organisation,
    Phone,
    Specialism,
    User,
    utcnow,
)
from directory.models.contact_point import contact_point_specialism
from directory.models.import_run import ImportSnapshot
from directory.services import audit, proposals, search
from directory.services.contact_writes import EntryWrite, write_entries
from directory.services.errors import NotFound
from directory.services.networks import get_network, list_networks
from directory.services.permissions import (
    can_change_shared,
    maintained_networks,
    require_importer,
    require_network,
)
from imports import ParsedFile, RowError, UnusableInput, parse_file
from imports.messages import N_, Label, Localised, Message
from imports.plan import Directory, Entry, Member, Plan, Planned, make_plan, row_values

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
OPERATOR = "operator"
# Above this many changed entries the index is rebuilt once rather than caught up entry by
# entry (a rebuild writes one fresh segment; many small updates are slower).
REBUILD_ABOVE = 5000
CHUNK = 2000
MAX_STORED_ERRORS = 5000


@dataclass
class ImportReport:
    """What an import did or would do. `run` is the ImportRun recorded for it."""

    run: ImportRun
    network: str
    parsed: ParsedFile | None
    plan: Plan | None
    errors: list[RowError] = field(default_factory=list)
    unusable: Message | None = None
    applied: bool = False
    # Copied from the run when the report is made: still readable after the commit (a
    # rebuild of the index empties the session).
    run_id: int | None = None
    final_counts: dict[str, int] = field(default_factory=dict)
    # The index documents of the entries created, and the change sequence as the import
    # left it: a rebuild after the commit takes them rather than reading them back.
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    watermark: int | None = None

    @property
    def ok(self) -> bool:
        return self.unusable is None and not self.errors

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.final_counts)

    @property
    def changed_entries(self) -> int:
        counts = self.counts
        return sum(counts.get(key, 0) for key in
                   ("created", "updated", "memberships_added", "archived", "memberships_removed"))

    def change_rows(self) -> Iterator[dict[str, Any]]:
        """The plan row by row, for the preview, the CLI and the downloadable report;
        "changes" is a list of parts (text or Messages) to render in the reader's language."""
        if self.plan is None:
            return
        roles = {role.slug: Localised({"en": role.label_en, "fr": role.label_fr or "",
                                       "ar": role.label_ar or ""})
                 for role in get_network(self.network).roles}
        networks = {network.slug: Localised({"en": network.name, "fr": network.name_fr or "",
                                             "ar": network.name_ar or ""})
                    for network in list_networks()}
        for planned in self.plan.changes():
            yield {"line": planned.line, "action": planned.action, "entry": planned.entry_id,
                   "name": planned.name,
                   "changes": describe_changes(planned, roles, networks)}
        for missing in self.plan.missing:
            action = "missing"
            if self.plan.archive_missing:
                action = "membership-removed" if missing.shared else "archived"
            yield {"line": None, "action": action, "entry": missing.entry_id,
                   "name": missing.name,
                   "changes": [Message.of(N_("%(network)s ID %(id)s"), network=self.network,
                                          id=missing.external_id)] if missing.external_id
                   else []}


# Fields whose values are slugs of a vocabulary: shown by their label in the reader's language.
_VOCABULARY_OF = {"country": "country", "organisation_kind": "organisation_kind",
                  "status": "status", "languages": "language", "specialisms": "specialism"}


def describe_changes(planned: Planned, roles: dict[str, Localised],
                     networks: dict[str, Localised]) -> list[str | Message]:
    """What a planned row changes (and proposes), part by part; `messages.render` each to
    read it. `roles`: the labels of the network's roles; `networks`: of every network."""
    if planned.action == "create":
        row = planned.row
        return [part for part in (Label("country", row.country) if row.country else "",
                                  row.organisation or "", ", ".join(row.emails)) if part]
    parts = [_describe(name, old, new, roles) for name, (old, new) in planned.changes.items()]
    if planned.proposed:
        parts.append(Message.of(
            N_("proposed to %(networks)s: %(changes)s"),
            networks=[networks.get(slug, slug) for slug in planned.shared_with],
            changes=[_describe(name, old, new, roles)
                     for name, (old, new) in planned.proposed.items()]))
    return parts


def _describe(name: str, old: Any, new: Any, roles: dict[str, Localised]) -> Message:
    if name == "membership":
        role, external_id = new
        role = roles.get(role, role)
        return (Message.of(N_("joins as %(role)s (%(id)s)"), role=role, id=external_id)
                if external_id else Message.of(N_("joins as %(role)s"), role=role))
    return Message.of(N_("%(field)s: %(old)s → %(new)s"),
                      field=Message(audit.FIELD_LABELS.get(name, name)),
                      old=_show(name, old, roles), new=_show(name, new, roles))


def _show(name: str, value: Any, roles: dict[str, Localised]) -> Any:
    """A field's value in a change description."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "role":
        return roles.get(value, value)
    if isinstance(value, bool):
        return Message(N_("yes") if value else N_("no"))
    if name == "phones":
        return [Message.of(N_("%(number)s (%(kind)s)"), number=number,
                           kind=Label("phone_kind", kind)) for number, kind in value]
    if name in _VOCABULARY_OF:
        slugs = value if isinstance(value, list) else [value]
        return [Label(_VOCABULARY_OF[name], slug) for slug in slugs]
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return text if len(text) <= 80 else text[:79] + "…"


# --- entry points ----------------------------------------------------------------------------

def preview(actor: User | None, path: str | Path, network: str, sheet: str | None = None,
            filename: str | None = None, archive_missing: bool = False,
            progress: Progress | None = None, run: ImportRun | None = None,
            let_others_write: bool = False) -> ImportReport:
    """What importing the file would do; writes only the ImportRun (status previewed or
    refused). Raises PermissionDenied, NotFound (no such network).

    `let_others_write` (for a check in the background): commit the run's start, then read the
    file and compare it with the directory without holding the database (SQLite takes one
    writer at a time, and every transaction there begins as a writer), and write the outcome
    in a short transaction of its own. The caller commits that one as usual."""
    return _import(actor, path, network, sheet, filename, archive_missing, dry_run=True,
                   progress=progress, run=run, let_others_write=let_others_write)


def apply(actor: User | None, path: str | Path, network: str, sheet: str | None = None,
          filename: str | None = None, archive_missing: bool = False,
          progress: Progress | None = None, run: ImportRun | None = None,
          expected_sha256: str | None = None, let_others_write: bool = False) -> ImportReport:
    """Import the file: every row written, or (any row invalid) nothing but a refused
    ImportRun. `expected_sha256`: the file previewed must be the file applied.
    `let_others_write`: commit the run's start and read the file without holding the
    database; the comparison and the writing stay one transaction."""
    return _import(actor, path, network, sheet, filename, archive_missing, dry_run=False,
                   progress=progress, run=run, expected_sha256=expected_sha256,
                   let_others_write=let_others_write)


def commit_import(report: ImportReport) -> None:
    """Commit the import and bring the search index up to date."""
    from directory.services import commit

    if report.applied and report.changed_entries > REBUILD_ABOVE:
        db.session.info.pop("index_dirty", None)
        db.session.commit()
        # The rows and the plan are written: let the rebuild have their memory (100,000 rows
        # hold a few hundred MB, and the index writer wants its own 512 MB).
        report.parsed = report.plan = None
        gc.collect()
        search.rebuild(known=report.documents, watermark=report.watermark)
        report.documents = {}
    else:
        commit()


def network_roles(network: Network) -> dict[str, list[str]]:
    return {role.slug: [label for label in (role.label_en, role.label_fr, role.label_ar)
                        if label] for role in network.roles}


def start_run(actor: User | None, slug: str, filename: str,
              status: str = "previewed") -> ImportRun:
    """Record an import of `filename` into the network `slug` before its file is read (the web
    shows a long check's progress under its id). Raises PermissionDenied, NotFound."""
    if actor is not None:
        require_network(actor, slug)
    get_network(slug)
    run = ImportRun(user_id=actor.id if actor is not None else None,
                    actor=actor.email if actor is not None else OPERATOR,
                    network=slug, filename=filename[:300], sha256="", status=status)
    db.session.add(run)
    db.session.flush()  # its id names the uploaded file and the progress
    return run


def _import(actor, path, slug, sheet, filename, archive_missing, dry_run, progress, run,
            expected_sha256=None, let_others_write=False) -> ImportReport:
    shown = filename or Path(path).name
    if run is None:
        run = start_run(actor, slug, shown)
    elif actor is not None:
        require_network(actor, slug)  # rights may have changed since the run was started
    network = get_network(slug)
    roles = network_roles(network)
    run.dry_run, run.sheet, run.archive_missing = dry_run, sheet, archive_missing
    run.at = utcnow()
    if let_others_write:
        db.session.commit()
    step = progress or _no_progress
    step("read", 0, 0)
    try:
        parsed = parse_file(path, slug, sheet=sheet, filename=shown, roles=roles)
    except UnusableInput as problem:
        run.status, run.counts = "refused", {}
        run.errors = [whole_file_error(problem.message)]
        run.finished_at = utcnow()
        _audit_run(actor, run)
        db.session.flush()
        return ImportReport(run=run, network=slug, parsed=None, plan=None,
                            unusable=problem.message, run_id=run.id)
    if expected_sha256 and parsed.sha256 != expected_sha256:
        message = Message(N_("The file is not the one previewed (its SHA-256 differs): upload "
                             "it again and check the new preview."))
        run.sha256, run.status, run.errors = parsed.sha256, "refused", [whole_file_error(message)]
        run.finished_at = utcnow()
        _audit_run(actor, run)
        db.session.flush()
        return ImportReport(run=run, network=slug, parsed=parsed, plan=None, unusable=message,
                            run_id=run.id)
    with _out_of_the_collectors_way():
        return _compare_and_write(actor, network, slug, parsed, run, archive_missing, dry_run,
                                  step, reading_only=let_others_write and dry_run,
                                  progress=progress)


@contextmanager
def collector_paused() -> Iterator[None]:
    """For a process that imports and then ends (`counterpart import`): no garbage collection
    while the list is read, compared and written. Everything made then lives until the
    import ends, so the collector finds nothing, yet it scanned the growing heap again and
    again: a third of the writing and a fifth of the reading. Not for a job in a web process,
    whose other threads need the collector meanwhile; and not around `commit_import`, whose
    index writer makes and drops garbage of its own."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _no_progress(_phase: str, _done: int, _total: int) -> None:
    """Progress for a caller who does not watch it (the command line, tests)."""


@contextmanager
def _out_of_the_collectors_way() -> Iterator[None]:
    """The parsed list and then its plan live until the import ends: keep the garbage
    collector from scanning their hundreds of thousands of objects again and again while
    the import compares and writes (a fifth of a new list's writing time went to it)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _compare_and_write(actor: User | None, network: Network, slug: str, parsed: ParsedFile,
                       run: ImportRun, archive_missing: bool, dry_run: bool, step: Progress,
                       reading_only: bool, progress: Progress | None) -> ImportReport:
    """The rest of `_import`: compare the parsed list with the directory and write the plan.
    `reading_only`: the comparison reads in a transaction of its own that writes nothing
    (nothing may touch the database before it: `network` is read only inside it)."""
    step("compare", 0, len(parsed.rows))
    if reading_only:
        db.session.connection(execution_options=READ_ONLY)
    plan = make_plan(parsed, _directory(network, actor), archive_missing, progress)
    if reading_only:
        db.session.rollback()  # nothing was written; the outcome goes in a new transaction
    run.sha256 = parsed.sha256
    errors = sorted([*parsed.errors, *plan.errors], key=lambda error: error.line)
    run.counts = {"rows": parsed.total_rows, "valid_rows": len(parsed.rows) - len(plan.errors),
                  **plan.counts, "proposed_to": plan.proposed_to(), "errors": len(errors),
                  "rows_with_errors": len({error.line for error in errors})}
    run.errors = [error.to_json() for error in errors[:MAX_STORED_ERRORS]]
    report = ImportReport(run=run, network=slug, parsed=parsed, plan=plan, errors=errors)
    if errors:
        run.status = "refused"
    elif dry_run:
        run.status = "previewed"
    else:
        gc.freeze()  # the plan too
        report.documents = _write(actor, network, plan, run, step)
        report.watermark = search.latest_change()
        run.status = "applied"
        report.applied = True
    run.finished_at = utcnow()
    _audit_run(actor, run)
    db.session.flush()
    report.run_id, report.final_counts = run.id, dict(run.counts or {})
    return report


def _audit_run(actor: User | None, run: ImportRun) -> None:
    action = {"applied": "import.applied", "refused": "import.refused"}.get(
        run.status, "import.previewed")
    db.session.flush()  # the run's id
    audit.record(actor, action, "import_run", run.id,
                 {"network": run.network, "file": run.filename, "sha256": run.sha256,
                  "counts": run.counts, "errors": len(run.errors or [])},
                 actor_label=None if actor is not None else OPERATOR)


# --- what the plan reads ---------------------------------------------------------------------

def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _directory(network: Network, actor: User | None) -> Directory:
    session = db.session
    by_external_id = {
        external_id.casefold(): entry_id for external_id, entry_id in session.execute(
            select(Membership.external_id, Membership.contact_point_id).where(
                Membership.network_id == network.id, Membership.external_id.is_not(None)))
    }
    by_email = {address: entry_id for address, entry_id in session.execute(
        select(Email.address, Email.contact_point_id))}
    shared = set(session.scalars(
        select(Membership.contact_point_id).where(Membership.contact_point_id.in_(
            select(Membership.contact_point_id).where(Membership.network_id == network.id)))
        .group_by(Membership.contact_point_id).having(func.count() > 1)))
    members = {
        entry_id: Member(" ".join(part for part in (given, family) if part), external_id,
                         status, entry_id in shared)
        for entry_id, given, family, status, external_id in session.execute(
            select(ContactPoint.id, ContactPoint.given_name, ContactPoint.family_name,
                   ContactPoint.status, Membership.external_id)
            .join(Membership, Membership.contact_point_id == ContactPoint.id)
            .where(Membership.network_id == network.id))
    }
    digests = {entry_id: row_digest for entry_id, row_digest in session.execute(
        select(ImportSnapshot.contact_point_id, ImportSnapshot.digest)
        .where(ImportSnapshot.network_id == network.id))}
    return Directory(
        network=network.slug,
        default_role=network.roles[0].slug if network.roles else "member",
        by_external_id=by_external_id, by_email=by_email, members=members, digests=digests,
        load_entries=_load_entries,
        load_snapshots=lambda ids: {entry_id: row for entry_id, row in session.execute(
            select(ImportSnapshot.contact_point_id, ImportSnapshot.row).where(
                ImportSnapshot.network_id == network.id,
                ImportSnapshot.contact_point_id.in_(ids)))},
        specialisms=frozenset(session.scalars(select(Specialism.slug))),
        # The command line without --as and administrators change shared entries directly.
        may_change_shared=None if actor is None or maintained_networks(actor) is None
        else lambda networks: can_change_shared(actor, networks),
    )


def _load_entries(ids: list[int]) -> dict[int, Entry]:
    """Full entries as plain values; on PostgreSQL locked until the import commits, so an edit
    made meanwhile cannot be overwritten by a plan computed before it."""
    session = db.session
    query = (select(ContactPoint.id, ContactPoint.version, ContactPoint.status,
                    ContactPoint.given_name, ContactPoint.family_name, ContactPoint.native_name,
                    ContactPoint.title, Organisation.name, ContactPoint.country,
                    ContactPoint.city, ContactPoint.address, ContactPoint.notes,
                    ContactPoint.urgent, ContactPoint.urgent_instructions,
                    ContactPoint.last_verified_on, ContactPoint.languages)
             .outerjoin(Organisation, Organisation.id == ContactPoint.organisation_id)
             .where(ContactPoint.id.in_(ids)))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=ContactPoint.__table__)
    entries = {}
    for (entry_id, version, status, given, family, native, title, organisation, country, city,
         address, notes, urgent, instructions, verified, languages) in session.execute(query):
        entries[entry_id] = Entry(
            id=entry_id, version=version, status=status, given_name=given or "",
            family_name=family, native_name=native, title=title, organisation=organisation,
            country=country, city=city, address=address, notes=notes, urgent=bool(urgent),
            urgent_instructions=instructions, last_verified=verified,
            emails=[], phones=[], languages=list(languages or []), specialisms=[],
            memberships={})
    for entry_id, address in session.execute(
            select(Email.contact_point_id, Email.address).where(Email.contact_point_id.in_(ids))
            .order_by(Email.contact_point_id, Email.position, Email.id)):
        entries[entry_id].emails.append(address)
    for entry_id, number, kind in session.execute(
            select(Phone.contact_point_id, Phone.number, Phone.kind)
            .where(Phone.contact_point_id.in_(ids))
            .order_by(Phone.contact_point_id, Phone.position, Phone.id)):
        entries[entry_id].phones.append((number, kind))
    table = contact_point_specialism
    for entry_id, slug in session.execute(
            select(table.c.contact_point_id, table.c.specialism_slug)
            .join(Specialism, Specialism.slug == table.c.specialism_slug)
            .where(table.c.contact_point_id.in_(ids))
            .order_by(table.c.contact_point_id, Specialism.position)):
        entries[entry_id].specialisms.append(slug)
    for entry_id, slug, role, external_id in session.execute(
            select(Membership.contact_point_id, Network.slug, Membership.role,
                   Membership.external_id).join(Network, Network.id == Membership.network_id)
            .where(Membership.contact_point_id.in_(ids))):
        entries[entry_id].memberships[slug] = (role, external_id)
    return entries


# --- writing ---------------------------------------------------------------------------------

class _Organisations:
    """(country, name) → organisation id, created in bulk when new."""

    def __init__(self):
        self.ids: dict[tuple[str, str], int] = {}
        # id → (name, native name, kind) as stored, for the entries' index documents.
        self.details: dict[int, tuple[str, str | None, str | None]] = {}
        for organisation_id, country, name, native_name, kind in db.session.execute(
                select(Organisation.id, Organisation.country, Organisation.name,
                       Organisation.native_name, Organisation.kind)):
            self.ids.setdefault((country, " ".join(name.split()).casefold()), organisation_id)
            self.details[organisation_id] = (name, native_name, kind)
        self.wanted: dict[tuple[str, str], tuple[str, str | None]] = {}

    @staticmethod
    def key(country: str, name: str) -> tuple[str, str]:
        return country, " ".join(name.split()).casefold()

    def want(self, country: str, name: str | None, kind: str | None) -> None:
        if not name:
            return
        key = self.key(country, name)
        known_without_kind = key in self.wanted and kind and not self.wanted[key][1]
        if key not in self.ids and key not in self.wanted or known_without_kind:
            self.wanted[key] = (name, kind)

    def create(self) -> None:
        items = list(self.wanted.items())
        for chunk in _chunks(items):
            ids = db.session.scalars(
                insert(Organisation).returning(Organisation.id, sort_by_parameter_order=True),
                [{"name": name, "country": country, "kind": kind}
                 for (country, _), (name, kind) in chunk]).all()
            for ((key, (name, kind)), organisation_id) in zip(chunk, ids, strict=True):
                self.ids[key] = organisation_id
                self.details[organisation_id] = (name, None, kind)
        self.wanted.clear()

    def json(self, country: str, name: str | None, kind: str | None) -> dict[str, Any] | None:
        """The organisation as the entry's JSON shows it (created by `create`)."""
        if not name:
            return None
        return {"id": self.ids[self.key(country, name)], "name": name, "kind": kind}


def _write(actor: User | None, network: Network, plan: Plan, run: ImportRun,
           step: Progress) -> dict[int, dict[str, Any]]:
    """Write the plan through the entries' one write path (`contact_writes`), a chunk at a
    time; then record its proposals and what the list said about each entry. Returns the
    index documents of the entries created."""
    db.session.flush()  # the run's id, for the audit rows
    organisations = _organisations_for(plan)
    note = {"import_run": run.id}
    label = actor.email if actor is not None else OPERATOR
    created = [_created(planned, network, organisations, note) for planned in plan.created]
    changed = [*plan.updated, *plan.memberships]
    updated = [_updated(planned, network, organisations, plan.present, note)
               for planned in changed] + _missing(plan, network, note)
    for phase, writes in (("create", created), ("update", updated)):
        for start in range(0, len(writes), CHUNK):
            write_entries(actor, writes[start:start + CHUNK], actor_label=label)
            step(phase, min(start + CHUNK, len(writes)), len(writes))
    for planned, write in zip(plan.created, created, strict=True):
        planned.entry_id = write.entry_id
    step("record", 0, 0)
    proposals.propose_from_import(actor, network, run.id, [
        proposals.ImportProposal(planned.entry_id, _as_entry_changes(
            planned.proposed, planned.row, _proposed_organisation), planned.line)
        for planned in plan.proposing()])
    _record_snapshots(network, plan, changed)
    db.session.flush()
    step("done", 1, 1)
    return search.new_entry_documents(created, organisations.details)


def _organisations_for(plan: Plan) -> _Organisations:
    """The organisations the plan's rows name, those not yet in the directory created."""
    organisations = _Organisations()
    for planned in plan.created:
        organisations.want(planned.row.country, planned.row.organisation,
                           planned.row.organisation_kind)
    for planned in [*plan.updated, *plan.memberships]:
        if "organisation" in planned.changes or "country" in planned.changes:
            row = planned.row
            organisations.want(row.country, row.organisation, row.organisation_kind)
    organisations.create()
    return organisations


def _phones(phones: list[tuple[str, str]] | None) -> list[dict[str, str]]:
    return [{"number": number, "kind": kind} for number, kind in phones or []]


def _created(planned: Planned, network: Network, organisations: _Organisations,
             note: dict[str, Any]) -> EntryWrite:
    row = planned.row
    values = {
        "given_name": row.given_name or "", "family_name": row.family_name,
        "native_name": row.native_name, "name_variants": [], "title": row.title,
        "organisation": organisations.json(row.country, row.organisation,
                                           row.organisation_kind),
        "country": row.country, "city": row.city, "address": row.address,
        "emails": list(row.emails), "phones": _phones(row.phones),
        "languages": list(row.languages), "specialisms": list(row.specialisms),
        "urgent": bool(row.urgent), "urgent_instructions": row.urgent_instructions,
        "notes": row.notes, "status": "active",
        "last_verified_on": row.last_verified.isoformat() if row.last_verified else None,
    }
    membership = {"role": row.role or _default_role(network), "external_id": row.external_id}
    return EntryWrite(None, {name: (None, value) for name, value in values.items()},
                      {network.slug: (None, membership)}, action="contact_point.created",
                      note=note)


def _proposed_organisation(row, name: str | None) -> dict[str, Any] | None:
    return {"name": name, "kind": row.organisation_kind} if name else None


def _as_entry_changes(changes: dict[str, tuple], row,
                      organisation: Callable[[Any, str | None], dict[str, Any] | None]
                      ) -> dict[str, tuple]:
    """A planned row's changes of the entry's own fields in the entry's JSON shape;
    `organisation(row, name)` gives the new organisation's."""
    result: dict[str, tuple] = {}
    for name, (old, new) in changes.items():
        if name == "phones":
            result[name] = (_phones(old), _phones(new))
        elif name == "last_verified":
            result["last_verified_on"] = (old.isoformat() if old else None,
                                          new.isoformat() if new else None)
        elif name == "organisation":
            result[name] = ({"name": old} if old else None, organisation(row, new))
        elif name not in ("membership", "role", "external_id"):
            result[name] = (old, new)
    return result


def _updated(planned: Planned, network: Network, organisations: _Organisations,
             present: frozenset[str], note: dict[str, Any]) -> EntryWrite:
    row = planned.row
    def known(row, name):
        return organisations.json(row.country, name, row.organisation_kind)

    changes = _as_entry_changes(planned.changes, row, known)
    if ("country" in changes and "organisation" not in changes and "organisation" in present
            and row.organisation):
        # The same name in another country is another organisation.
        changes["organisation"] = ({"name": row.organisation}, known(row, row.organisation))
    memberships: dict[str, tuple[dict | None, dict | None]] = {}
    if "membership" in planned.changes:
        role, external_id = planned.changes["membership"][1]
        memberships[network.slug] = (None, {"role": role, "external_id": external_id})
    else:
        attributes = {name: planned.changes[name] for name in ("role", "external_id")
                      if name in planned.changes}
        if attributes:
            memberships[network.slug] = ({name: old for name, (old, _) in attributes.items()},
                                         {name: new for name, (_, new) in attributes.items()})
    return EntryWrite(planned.entry_id, changes, memberships,
                      action="contact_point.membership_added" if planned.action == "membership"
                      else "contact_point.updated", note=note)


def _missing(plan: Plan, network: Network, note: dict[str, Any]) -> list[EntryWrite]:
    """Entries of the network missing from its list, with --archive-missing: archived, or
    only out of the network when other networks list them too."""
    if not plan.archive_missing:
        return []
    because = {**note, "reason": f"missing from the {network.slug} list"}
    return [EntryWrite(item.entry_id, {}, {network.slug: ({}, None)},
                       action="contact_point.membership_removed", note=because)
            if item.shared else
            EntryWrite(item.entry_id, {"status": ("active", "archived")},
                       action="contact_point.archived", note=because)
            for item in plan.missing]


def _record_snapshots(network: Network, plan: Plan, changed: list[Planned]) -> None:
    """What this list said about each entry, for the next import of the network."""
    session = db.session
    if plan.archive_missing:
        for chunk in _chunks([item.entry_id for item in plan.missing]):
            session.execute(delete(ImportSnapshot).where(
                ImportSnapshot.network_id == network.id,
                ImportSnapshot.contact_point_id.in_(chunk)))
    snapshots = [(planned.entry_id, planned.digest, planned.row)
                 for planned in [*changed, *plan.proposals]] + plan.snapshots
    for chunk in _chunks([entry_id for entry_id, _, _ in snapshots]):
        session.execute(delete(ImportSnapshot).where(
            ImportSnapshot.network_id == network.id,
            ImportSnapshot.contact_point_id.in_(chunk)))
    snapshots += [(planned.entry_id, planned.digest, planned.row) for planned in plan.created]
    for chunk in _chunks(snapshots, 5000):
        session.execute(insert(ImportSnapshot.__table__), [
            {"network_id": network.id, "contact_point_id": entry_id, "digest": row_digest,
             "row": row_values(row, plan.present)} for entry_id, row_digest, row in chunk])


def _default_role(network: Network) -> str:
    return network.roles[0].slug if network.roles else "member"


# --- reading runs ----------------------------------------------------------------------------

def get_run(actor: User | None, run_id: int) -> ImportRun:
    """An import run as its owner (or an administrator, or a secretariat of its network)
    may see it. Raises PermissionDenied (not an importer, or not their network), NotFound."""
    if actor is not None:
        require_importer(actor)
    run = db.session.get(ImportRun, run_id)
    if run is None:
        raise NotFound(gettext("There is no import %(id)s.", id=run_id))
    if actor is not None:
        require_network(actor, run.network)
    return run


def importable_networks(actor: User) -> list[Network]:
    """The networks whose lists `actor` may import (an administrator: every network)."""
    require_importer(actor)
    return [network for network in list_networks()
            if actor.role == "admin" or network.slug in actor.network_slugs]


def claim_confirmation(run_id: int) -> bool:
    """Mark a previewed run as running, once: a second press of the button claims nothing."""
    claimed = db.session.execute(update(ImportRun).where(
        ImportRun.id == run_id, ImportRun.status == "previewed").values(status="running"))
    return claimed.rowcount == 1


def cancel_preview(run: ImportRun, upload: Path | None) -> bool:
    """Cancel a previewed run and remove its waiting file; False when it was not previewed."""
    if run.status != "previewed":
        return False
    run.status, run.finished_at = "cancelled", utcnow()
    if upload is not None:
        upload.unlink(missing_ok=True)
    return True


def recent_runs(actor: User, limit: int = 20) -> list[ImportRun]:
    query = select(ImportRun).order_by(ImportRun.id.desc()).limit(limit)
    allowed = maintained_networks(actor)
    if allowed is not None:
        query = query.where(ImportRun.network.in_(sorted(allowed)))
    return list(db.session.scalars(query))


def whole_file_error(message: Message) -> dict[str, Any]:
    """How a run keeps a problem of the whole file (line 0, no column)."""
    return RowError(0, "", message).to_json()


