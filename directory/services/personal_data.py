"""Personal data's address book: every place that stores something about a contact point, and
the subject report and the erasure that both walk it (SPEC section 13).

Each `Place` says which tables and columns name the person (`columns`, "table.column"), what
the subject report shows from it (`report`) and what the erasure does to it (`erase`): delete
the rows, detach them (an event keeps its counts without the person), or strip the values (the
audit keeps who did what when). Places outside the database (import files, the search index)
are erased once the database has committed. tests/core/test_personal_data.py fails when a table
has a column that refers to contact points and no place here covers it: a new table is added
to ADDRESS_BOOK, and the report and the erasure both know it.

On SQLite the connection sets `secure_delete`, so that deleted rows are overwritten; after an
erasure the write-ahead log is checkpointed and truncated, and the search index is rebuilt into
a new folder (the old segments are deleted), so that the erased e-mail is no longer in any file.
On PostgreSQL, dead rows stay in the table files until VACUUM reclaims them (autovacuum does).
"""

from __future__ import annotations

import json
import logging
import os
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import String, cast, delete, or_, select, update

from directory.extensions import db
from directory.models import (
    AccessLogEntry,
    AuditEntry,
    BackgroundJob,
    Change,
    ConfirmationLink,
    ContactPoint,
    Email,
    ImportRun,
    InitialContact,
    Membership,
    OutboxMessage,
    OutdatedReport,
    Phone,
    Proposal,
    User,
)
from directory.models.contact_point import contact_point_specialism
from directory.models.import_run import ImportSnapshot
from directory.services import (
    access_log,
    after_commit,
    audit,
    contact_json,
    events,
    jobs,
    mail,
    outdated_reports,
    proposals,
)
from directory.services.contact_queries import get_contact_point
from directory.services.contact_writes import record_changes
from directory.services.errors import ValidationFailed
from directory.services.permissions import require_admin

log = logging.getLogger(__name__)
REASON_LENGTH = 500
ERASED = "[erased]"
# The audit's target type of an erased entry's trail (and of the erasure itself).
ERASED_TARGET = "erased_contact_point"
# Import files read as text (the rest are spreadsheets, read inside their zip, or deleted).
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".progress", ".json", ".tmp"}
ZIP_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class Subject:
    """The person a report or an erasure is about, and what identifies them in free text."""

    contact_point: ContactPoint
    emails: list[str]
    phones: list[str]
    event_ids: list[int] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.contact_point.id

    @property
    def identifiers(self) -> list[str]:
        """Strings that name the person wherever they appear: e-mails and phone numbers."""
        return [value.lower() for value in (*self.emails, *self.phones) if len(value) >= 6]

    def mentioned_in(self, text: str) -> bool:
        folded = text.lower()
        return any(identifier in folded for identifier in self.identifiers)

    def scrub(self, value: Any) -> Any:
        """`value` (JSON) with every identifier replaced by ERASED."""
        if isinstance(value, str):
            folded = value.lower()
            for identifier in self.identifiers:
                while identifier in folded:
                    start = folded.index(identifier)
                    value = value[:start] + ERASED + value[start + len(identifier):]
                    folded = value.lower()
            return value
        if isinstance(value, list):
            return [self.scrub(item) for item in value]
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        return value


@dataclass(frozen=True)
class Place:
    """One place that stores something about a person."""

    name: str
    # "table.column" that name the person (the test that keeps this book complete reads it).
    columns: tuple[str, ...]
    report: Callable[[Subject], Any] | None
    erase: Callable[[Subject], int]
    # Outside the database: erased after the commit, so that a rollback loses nothing.
    after_commit: bool = False
    # Too slow for a request (the index is rebuilt): the command line runs it at once
    # (`finish`), pages and the API as a background job (`finish_in_background`).
    deferred: bool = False


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None


# --- the entry ---------------------------------------------------------------------------------

def _report_entry(subject: Subject) -> dict[str, Any]:
    body = contact_json.contact_point_json(subject.contact_point)
    body["created_at"] = _iso(subject.contact_point.created_at)
    body["updated_at"] = _iso(subject.contact_point.updated_at)
    return body


def _erase_entry(subject: Subject) -> int:
    entry_id = subject.id
    for table, column in ((Email.__table__, Email.contact_point_id),
                          (Phone.__table__, Phone.contact_point_id),
                          (Membership.__table__, Membership.contact_point_id),
                          (contact_point_specialism, contact_point_specialism.c.contact_point_id)):
        db.session.execute(delete(table).where(column == entry_id))
    db.session.expunge(subject.contact_point)
    return db.session.execute(
        delete(ContactPoint.__table__).where(ContactPoint.__table__.c.id == entry_id)).rowcount


# --- its history (the audit) -------------------------------------------------------------------

def _history_query(subject: Subject):
    about = [(AuditEntry.target_type == "contact_point") & (AuditEntry.target_id == subject.id)]
    if subject.event_ids:
        about.append((AuditEntry.target_type == "initial_contact")
                     & AuditEntry.target_id.in_(subject.event_ids))
    return select(AuditEntry).where(or_(*about)).order_by(AuditEntry.at, AuditEntry.id)


def _report_history(subject: Subject) -> list[dict[str, Any]]:
    return [{"at": _iso(row.at), "by": row.actor, "action": row.action,
             "label": audit.action_label(row.action), "about": row.target_type,
             "changes": row.changes}
            for row in db.session.scalars(_history_query(subject))]


def _erase_history(subject: Subject) -> int:
    """Who did what when stays; the values go (each field changed keeps its name). Rows about
    something else that quote the person's e-mail or phone have it replaced."""
    done = 0
    for row in db.session.scalars(_history_query(subject)):
        row.changes = {name: [None, None] for name in (row.changes or {})}
        if row.target_type == "contact_point":
            # SQLite may give the erased entry's id to the next new one: its trail must not
            # become the newcomer's history.
            row.target_type = ERASED_TARGET
        done += 1
    for identifier in subject.identifiers:
        for row in db.session.scalars(select(AuditEntry).where(
                cast(AuditEntry.changes, String).contains(identifier))):
            row.changes = subject.scrub(row.changes)
            done += 1
    return done


# --- proposals, events, the access log, import snapshots and runs -----------------------------

def _report_proposals(subject: Subject) -> list[dict[str, Any]]:
    return [proposals.proposal_json(row) for row in db.session.scalars(
        select(Proposal).where(Proposal.contact_point_id == subject.id).order_by(Proposal.id))]


def _erase_proposals(subject: Subject) -> int:
    return db.session.execute(delete(Proposal).where(Proposal.contact_point_id == subject.id)
                              .execution_options(synchronize_session=False)).rowcount


def _report_reports(subject: Subject) -> list[dict[str, Any]]:
    """Reports of outdated details about the person (SPEC section 11)."""
    return [outdated_reports.report_json(row) for row in db.session.scalars(
        select(OutdatedReport).where(OutdatedReport.contact_point_id == subject.id)
        .order_by(OutdatedReport.id))]


def _erase_reports(subject: Subject) -> int:
    return db.session.execute(delete(OutdatedReport).where(
        OutdatedReport.contact_point_id == subject.id)
        .execution_options(synchronize_session=False)).rowcount


def _report_confirmation_links(subject: Subject) -> list[dict[str, Any]]:
    """The personal links verification campaigns sent the person, and their answers (the
    tokens themselves are stored only as digests, and are not shown)."""
    return [{"campaign_id": row.campaign_id, "created_at": _iso(row.created_at),
             "expires_at": _iso(row.expires_at), "sent_at": _iso(row.sent_at),
             "reminded_at": _iso(row.reminded_at), "answer": row.answer,
             "answered_at": _iso(row.answered_at), "locale": row.locale}
            for row in db.session.scalars(select(ConfirmationLink).where(
                ConfirmationLink.contact_point_id == subject.id).order_by(ConfirmationLink.id))]


def _erase_confirmation_links(subject: Subject) -> int:
    return db.session.execute(delete(ConfirmationLink).where(
        ConfirmationLink.contact_point_id == subject.id)
        .execution_options(synchronize_session=False)).rowcount


def _report_events(subject: Subject) -> list[dict[str, Any]]:
    return [{**events.event_json(row), "logged_by": row.user.email} for row in db.session.scalars(
        select(InitialContact).where(InitialContact.contact_point_id == subject.id)
        .order_by(InitialContact.occurred_on, InitialContact.id))]


def _erase_events(subject: Subject) -> int:
    """The events stay, and count (dates, countries, networks, matters), without the person:
    their link and the free-text note (which may describe them) go."""
    for row in db.session.scalars(select(InitialContact).where(
            InitialContact.id.in_(subject.event_ids))):
        if row.void_reason:
            row.void_reason = subject.scrub(row.void_reason)
    return db.session.execute(
        update(InitialContact).where(InitialContact.contact_point_id == subject.id)
        .values(contact_point_id=None, note=None)
        .execution_options(synchronize_session=False)).rowcount


def _report_access_log(subject: Subject) -> list[dict[str, Any]]:
    access_log.flush()
    return [access_log.entry_json(row) for row in db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.contact_point_id == subject.id)
        .order_by(AccessLogEntry.at, AccessLogEntry.id))]


def _erase_access_log(subject: Subject) -> int:
    access_log.flush()
    return db.session.execute(delete(AccessLogEntry).where(
        AccessLogEntry.contact_point_id == subject.id)).rowcount


def _report_snapshots(subject: Subject) -> list[dict[str, Any]]:
    """What each network's list said about the person at its last import."""
    return [{"network_id": row.network_id, "row": row.row} for row in db.session.scalars(
        select(ImportSnapshot).where(ImportSnapshot.contact_point_id == subject.id))]


def _erase_snapshots(subject: Subject) -> int:
    return db.session.execute(delete(ImportSnapshot).where(
        ImportSnapshot.contact_point_id == subject.id)).rowcount


def _quoting(subject: Subject, model, column) -> list:
    """Rows of `model` whose JSON `column` quotes one of the person's e-mails or phones."""
    if not subject.identifiers:
        return []
    return list(db.session.scalars(select(model).where(or_(*(
        cast(column, String).contains(identifier)
        for identifier in subject.identifiers))).order_by(model.id)))


def _runs_quoting(subject: Subject) -> list[ImportRun]:
    return _quoting(subject, ImportRun, ImportRun.errors)


def _report_import_runs(subject: Subject) -> list[dict[str, Any]]:
    """Imports whose error report quotes the person (a refused line of a list)."""
    return [{"id": run.id, "at": _iso(run.at), "network": run.network, "file": run.filename,
             "errors": [error for error in run.errors or []
                        if subject.mentioned_in(json.dumps(error, ensure_ascii=False))]}
            for run in _runs_quoting(subject)]


def _erase_import_runs(subject: Subject) -> int:
    runs = _runs_quoting(subject)
    for run in runs:
        run.errors = subject.scrub(run.errors)
    return len(runs)


def _mail_query(subject: Subject):
    """Mail about the person (by its entry) or to them (by address, or by the hash of the
    address that stays once the retention period has emptied a sent message)."""
    hashes = [mail.recipient_hash(address) for address in subject.emails]
    return select(OutboxMessage).where(or_(OutboxMessage.contact_point_id == subject.id,
                                           OutboxMessage.recipient_hash.in_(hashes)))


def _report_mails(subject: Subject) -> list[dict[str, Any]]:
    return [{"id": row.id, "created_at": _iso(row.created_at), "to": row.recipient,
             "template": row.template, "subject": row.subject, "status": row.status,
             "sent_at": _iso(row.sent_at), "text": row.body_text, "campaign_id": row.campaign_id}
            for row in db.session.scalars(_mail_query(subject).order_by(OutboxMessage.id))]


def _erase_mails(subject: Subject) -> int:
    """The outbox rows go, queued ones included (nothing more is sent to the person), with
    their .eml copies (mail.erase); any other .eml file naming them follows after the commit
    (`_erase_mail_files`)."""
    done = mail.erase(contact_point_id=subject.id)
    for address in subject.emails:
        done += mail.erase(recipient=address)
    return done


def _jobs_quoting(subject: Subject) -> list[BackgroundJob]:
    return _quoting(subject, BackgroundJob, BackgroundJob.arguments)


def _report_jobs(subject: Subject) -> list[dict[str, Any]]:
    return [{"id": job.id, "name": job.name, "created_at": _iso(job.created_at),
             "arguments": job.arguments} for job in _jobs_quoting(subject)]


def _erase_jobs(subject: Subject) -> int:
    jobs = _jobs_quoting(subject)
    for job in jobs:
        job.arguments = subject.scrub(job.arguments)
    return len(jobs)


def _erase_changes(subject: Subject) -> int:
    """The entry's old places in the change sequence go; one new change names its id, so that
    every node's search index drops the document when it catches up."""
    db.session.execute(delete(Change).where(Change.contact_point_id == subject.id))
    record_changes([subject.id])
    return 1


# --- outside the database: import files and the search index -----------------------------------

def import_folder() -> Path:
    """Where uploaded lists and their change reports wait (services/import_jobs.py)."""
    from directory.services import import_jobs

    return import_jobs.folder()


def _file_text(path: Path) -> str:
    """What a file says, as text: a spreadsheet's XML parts, or the bytes decoded."""
    if path.suffix.lower() in ZIP_SUFFIXES and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist())
    raw = path.read_bytes()
    # UTF-16 (an .xls's strings, a spreadsheet's "Unicode text") read both ways too.
    return "\n".join((raw.decode("utf-8", "replace"), raw.decode("latin-1"),
                      raw.decode("utf-16-le", "replace")))


def _files_naming(subject: Subject) -> list[Path]:
    return _files_in(import_folder(), subject)


def _report_import_files(subject: Subject) -> list[str]:
    folder = import_folder()
    return [str(path.relative_to(folder)) for path in _files_naming(subject)]


def _erase_import_files(subject: Subject) -> int:
    """A text file loses the lines that name the person; any other file (a spreadsheet) that
    names them is deleted, as its run's page then says."""
    done = 0
    for path in _files_naming(subject):
        if path.suffix.lower() in TEXT_SUFFIXES:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
            kept = [line for line in lines if not subject.mentioned_in(line)]
            temporary = path.with_name(path.name + ".erasing")
            temporary.write_text("".join(kept), encoding="utf-8")
            os.replace(temporary, path)
        else:
            path.unlink()
        done += 1
    return done


def _files_in(folder: Path, subject: Subject) -> list[Path]:
    if not folder.is_dir() or not subject.identifiers:
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        try:
            if path.is_file() and subject.mentioned_in(_file_text(path)):
                found.append(path)
        except (OSError, zipfile.BadZipFile):
            found.append(path)  # unreadable: erased rather than kept unchecked
    return found


def _report_mail_files(subject: Subject) -> list[str]:
    folder = mail.mail_dir()
    return [str(path.relative_to(folder)) for path in _files_in(folder, subject)]


def _erase_mail_files(subject: Subject) -> int:
    """The .eml files (COUNTERPART_MAIL_DIR) written to or about the person."""
    found = _files_in(mail.mail_dir(), subject)
    for path in found:
        path.unlink()
    return len(found)


def _report_index(_subject: Subject) -> dict[str, Any]:
    return {"holds": gettext("The search index holds a copy of the entry's searchable fields "
                             "(names, organisation, e-mails, notes), rebuilt from the database.")}


def _erase_index(_subject: Subject) -> int:
    """A rebuild writes a new index from the database (without the person) and deletes the
    old folders: the erasure's change removed the document, but its terms stay in the old
    segments until they are rewritten."""
    _rewrite_index()
    return 1


def _rewrite_index() -> None:
    from directory.services import search

    search.rebuild()
    _checkpoint()


@jobs.job("personal_data.rewrite_index")
def rewrite_index(contact_point_id: int) -> None:
    """After an erasure made on a page or through the API: the index's rewrite (as long as a
    reindex) as background work, not in the web process that answered."""
    log.info("Rewriting the search index after the erasure of entry %s", contact_point_id)
    _rewrite_index()


def _checkpoint() -> None:
    """SQLite: copy the write-ahead log into the file and truncate it, so that the pages
    written before the erasure (which hold the person's data) are no longer in the -wal file."""
    if db.engine.dialect.name != "sqlite":
        return
    # The driver's own connection: SQLAlchemy's would begin a transaction first (see
    # create_app), and a checkpoint cannot run inside one.
    connection = db.engine.raw_connection()
    try:
        busy, _frames, _copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    if busy:
        log.warning("After an erasure, readers kept the write-ahead log from being truncated; "
                    "it is truncated at the next checkpoint.")


# --- the address book ---------------------------------------------------------------------------

# In the erasure's order: what refers to the entry first, the entry, then what is outside the
# database. Add a place here for every new table that stores something about a person.
ADDRESS_BOOK: list[Place] = [
    Place("history", (), _report_history, _erase_history),
    Place("reports", ("outdated_report.contact_point_id",), _report_reports, _erase_reports),
    Place("confirmation_links", ("confirmation_link.contact_point_id",),
          _report_confirmation_links, _erase_confirmation_links),
    Place("proposals", ("proposal.contact_point_id",), _report_proposals, _erase_proposals),
    Place("events", ("initial_contact.contact_point_id",), _report_events, _erase_events),
    Place("access_log", ("access_log.contact_point_id",), _report_access_log, _erase_access_log),
    Place("import_snapshots", ("import_snapshot.contact_point_id",), _report_snapshots,
          _erase_snapshots),
    Place("import_runs", (), _report_import_runs, _erase_import_runs),
    Place("mails", ("outbox_message.contact_point_id",), _report_mails, _erase_mails),
    Place("jobs", (), _report_jobs, _erase_jobs),
    Place("entry", ("contact_point.id", "email.contact_point_id", "phone.contact_point_id",
                    "membership.contact_point_id", "contact_point_specialism.contact_point_id"),
          _report_entry, _erase_entry),
    Place("index_changes", ("change.contact_point_id",), None, _erase_changes),
    Place("import_files", (), _report_import_files, _erase_import_files, after_commit=True),
    Place("mail_files", (), _report_mail_files, _erase_mail_files, after_commit=True),
    Place("search_index", (), _report_index, _erase_index, deferred=True),
]


def covered_columns() -> set[str]:
    return {column for place in ADDRESS_BOOK for column in place.columns}


def _subject(contact_point_id: int) -> Subject:
    contact_point = get_contact_point(contact_point_id)
    event_ids = list(db.session.scalars(select(InitialContact.id).where(
        InitialContact.contact_point_id == contact_point_id)))
    return Subject(contact_point=contact_point,
                   emails=[email.address for email in contact_point.emails],
                   phones=[phone.number for phone in contact_point.phones],
                   event_ids=event_ids)


def subject_report(actor: User | None, contact_point_id: int) -> dict[str, Any]:
    """Everything the directory holds about one person, as JSON (admins; None: the command
    line). Producing it is audited."""
    if actor is not None:
        require_admin(actor)
    subject = _subject(contact_point_id)
    report: dict[str, Any] = {
        "subject_report": {"contact_point_id": subject.id,
                           "generated_at": _iso(datetime.now(UTC).replace(tzinfo=None)),
                           "generated_by": actor.email if actor is not None else "operator"}}
    for place in ADDRESS_BOOK:
        if place.report is not None:
            report[place.name] = place.report(subject)
    audit.record(actor, "contact_point.subject_report", "contact_point", subject.id,
                 actor_label=None if actor is not None else "operator")
    return report


def report_text(report: dict[str, Any]) -> str:
    """The report as a file people and programs can read: indented JSON, UTF-8."""
    return json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"


@dataclass
class Erasure:
    contact_point_id: int
    # Place name -> rows (or files) erased.
    counts: dict[str, int] = field(default_factory=dict)
    # Places outside the database that could not be erased after the commit (logged): the
    # import files or the index (`counterpart reindex` rebuilds it).
    unfinished: list[str] = field(default_factory=list)
    # Places `finish` erases (the search index's folder), and their work.
    pending: list[str] = field(default_factory=list)
    deferred: list[Callable[[], None]] = field(default_factory=list, repr=False)


def clean_reason(reason: Any) -> str:
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise ValidationFailed({"reason": gettext("Say why this person's data is erased.")})
    if len(text) > REASON_LENGTH:
        raise ValidationFailed({"reason": ngettext("At most %(num)s character.",
                                                   "At most %(num)s characters.",
                                                   REASON_LENGTH)})
    return text


def erase(actor: User | None, contact_point_id: int, reason: Any) -> Erasure:
    """Erase everything the directory holds about one person (admins; None: the command line).
    The database's part happens in the caller's transaction; files and the index follow its
    commit (`services.commit`). Audited with the reason, without the person's data."""
    if actor is not None:
        require_admin(actor)
    text = clean_reason(reason)
    subject = _subject(contact_point_id)
    outcome = Erasure(subject.id)
    for place in ADDRESS_BOOK:
        if place.deferred:
            outcome.deferred.append(_later(place, subject, outcome))
            outcome.pending.append(place.name)
        elif place.after_commit:
            after_commit(_later(place, subject, outcome))
        else:
            outcome.counts[place.name] = place.erase(subject)
    audit.record(actor, "contact_point.erased", ERASED_TARGET, subject.id,
                 {"reason": [None, text]},
                 actor_label=None if actor is not None else "operator")
    db.session.flush()
    return outcome


def finish(erasure: Erasure) -> None:
    """After the commit: what is too slow for a request. The person is already out of search
    results (the index caught up with the erasure's change); this rewrites the index folder
    so that no old segment keeps their words, and truncates SQLite's write-ahead log."""
    for step in erasure.deferred:
        step()
    erasure.deferred, erasure.pending = [], []


def finish_in_background(erasure: Erasure) -> None:
    """Queue what `finish` does, in the caller's transaction, for a page or an API call: the
    index is rewritten by a background job once the answer has gone."""
    if erasure.pending:
        jobs.enqueue("personal_data.rewrite_index", contact_point_id=erasure.contact_point_id)
        erasure.deferred = []


def _later(place: Place, subject: Subject, outcome: Erasure) -> Callable[[], None]:
    def run() -> None:
        try:
            outcome.counts[place.name] = place.erase(subject)
        except Exception:  # the database part is committed: say what is left, never hide it
            log.exception("Erasure of entry %s: could not erase %s", subject.id, place.name)
            outcome.unfinished.append(place.name)

    return run


def places() -> Iterable[str]:
    return [place.name for place in ADDRESS_BOOK]
