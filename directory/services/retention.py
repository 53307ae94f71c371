"""Retention (SPEC section 13): what is kept how long, applied by `counterpart purge` and by
the daily job (services/jobs.py queues `retention.purge` once a day).

- sign-in attempts: 90 days (LOGIN_ATTEMPT_DAYS);
- the access log: ACCESS_LOG_DAYS (365);
- mail: 30 days after it was queued (MAIL_BODY_DAYS), a sent or given-up message keeps its status,
  dates, template and the hash of its recipient; its address, subject and bodies are dropped,
  and its `.eml` copy in the mail folder is deleted;
- notes of initial contacts (events): NOTE_RETENTION_DAYS (730) after the contact, the note is
  emptied (the event and its counts stay);
- an import checked but never confirmed: after IMPORT_PREVIEW_HOURS (24) its uploaded file and
  its row-by-row changes are deleted and the run is cancelled; refused and cancelled runs lose
  their files too, and so do uploads that never became a run;
- finished background jobs: 30 days.

Each period is counted back from `now`; the purge is idempotent (a second run removes nothing).
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from directory.extensions import db
from directory.models import (
    AccessLogEntry,
    BackgroundJob,
    ImportRun,
    InitialContact,
    LoginAttempt,
    OutboxMessage,
    utcnow,
)
from directory.services import audit, import_jobs, jobs, mail

JOB_DAYS = 30
# Files of a run: its upload (<id>.<ext>), its changes (<id>-changes.jsonl).
RUN_FILES = ("{id}.*", "{id}-changes.*")


def purge(now: datetime | None = None) -> dict[str, int]:
    """Remove what has outlived its period; returns how many of each kind were removed.
    Flushes; the caller commits."""
    now = now or utcnow()
    config = current_app.config
    removed = {
        "login_attempts": db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.at < now - timedelta(days=int(config["LOGIN_ATTEMPT_DAYS"])))).rowcount,
        "access_log": db.session.execute(delete(AccessLogEntry).where(
            AccessLogEntry.at < now - timedelta(days=int(config["ACCESS_LOG_DAYS"])))).rowcount,
        "mail_bodies": _mail(now - timedelta(days=int(config["MAIL_BODY_DAYS"]))),
        "event_notes": db.session.execute(update(InitialContact).where(
            InitialContact.note.is_not(None),
            InitialContact.occurred_on < (now - timedelta(
                days=int(config["NOTE_RETENTION_DAYS"]))).date()).values(note=None)).rowcount,
        "import_previews": _imports(timedelta(hours=int(config["IMPORT_PREVIEW_HOURS"])), now),
        "finished_jobs": db.session.execute(delete(BackgroundJob).where(
            BackgroundJob.status.in_(("done", "failed")),
            BackgroundJob.finished_at < now - timedelta(days=JOB_DAYS))).rowcount,
    }
    if any(removed.values()):
        audit.record(None, "retention.purged", changes={"removed": removed})
    db.session.flush()
    return removed


def _mail(before: datetime) -> int:
    """Sent (or given-up) messages older than `before` keep only their status, dates,
    template and recipient hash."""
    old = (OutboxMessage.bodies_purged_at.is_(None),
           OutboxMessage.status.in_(("sent", "failed")),
           OutboxMessage.created_at < before)
    message_ids = list(db.session.scalars(select(OutboxMessage.message_id).where(*old)))
    if not message_ids:
        return 0
    count = db.session.execute(update(OutboxMessage).where(*old).values(
        recipient="", subject="", body_text=None, body_html=None,
        bodies_purged_at=utcnow())).rowcount
    transport = mail.FileTransport(mail.mail_dir())
    for message_id in message_ids:
        transport.path(message_id).unlink(missing_ok=True)
    return count


def _imports(period: timedelta, now: datetime) -> int:
    """Runs never confirmed, checked more than `period` ago: their files go; a previewed one
    is cancelled (it can no longer be confirmed). Counts the runs whose data was removed."""
    before = now - period
    folder = import_jobs.folder()
    runs = db.session.execute(select(ImportRun.id, ImportRun.status).where(
        ImportRun.status.in_(("previewed", "refused", "cancelled", "failed")),
        ImportRun.at < before)).all()
    count = 0
    for run_id, status in runs:
        files = [path for pattern in RUN_FILES for path in folder.glob(pattern.format(id=run_id))]
        for path in files:
            path.unlink(missing_ok=True)
        if status == "previewed":
            db.session.execute(update(ImportRun).where(
                ImportRun.id == run_id, ImportRun.status == "previewed").values(
                status="cancelled", finished_at=utcnow()))
        if files or status == "previewed":
            count += 1
    # Uploads saved before their run was recorded, by a request that then failed.
    cutoff = time.time() - period.total_seconds()
    for path in folder.glob("upload-*"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
    return count


@jobs.job("retention.purge")
def purge_job() -> None:
    from directory.services import commit

    jobs.progress("purge")
    purge()
    commit()

