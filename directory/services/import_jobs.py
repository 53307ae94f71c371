"""Checking and applying an uploaded list as background jobs (services/jobs.py).

The uploaded file waits in the instance folder (`instance/imports/<run id>.<ext>`) between the
preview and the confirmation; the changes row by row wait in `<run id>-changes.jsonl`, as
messages rendered for each reader. The check (`imports.check`) and a long apply
(`imports.apply`) are jobs: they run once, in whichever process consumes, report their progress
through `jobs.progress`, and a job whose process died is run again (a check reads only; an
apply writes in one transaction, which the death rolled back). When it has died too often the
run is marked failed, with a message that says so.
"""

from __future__ import annotations

import json
import logging
import os
import time
from datetime import UTC
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from directory.extensions import READ_ONLY, db
from directory.models import ImportRun, User, utcnow
from directory.services import commit, jobs, rollback
from directory.services import imports as import_service
from directory.services.errors import ServiceError
from imports import RowError, messages
from imports.messages import N_, Message

log = logging.getLogger(__name__)
# Suffixes an upload keeps; any other is saved as .bin (the reader tells files by content).
EXTENSIONS = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".bin"}
# A run checking or running without a job (made before jobs, or lost) this long: it died.
STALLED_AFTER = 600
ACTIVE = ("checking", "running")
STOPPED = N_("The import stopped because the process running it ended, more than once; "
             "nothing was written. Upload the list again.")


def folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def upload_path(run: ImportRun) -> Path | None:
    matches = sorted(folder().glob(f"{run.id}.*"))
    matches = [path for path in matches if path.suffix.lower() in EXTENSIONS]
    return matches[0] if matches else None


def changes_path(run_id: int) -> Path:
    return folder() / f"{run_id}-changes.jsonl"


def replace_file(path: Path, write) -> None:
    """Write a file that a concurrent request may be reading: whole or not at all."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        write(handle)
    os.replace(temporary, path)


def write_changes(report: import_service.ImportReport) -> None:
    """The plan row by row, one JSON line each: its messages are rendered when read, in the
    reader's language."""
    def write(handle) -> None:
        for change in report.change_rows():
            change["changes"] = messages.encode(change["changes"])
            handle.write(json.dumps(change, ensure_ascii=False) + "\n")

    replace_file(changes_path(report.run_id), write)


# --- the jobs -----------------------------------------------------------------------------------

def _stopped(run_id: int, reason: str, **_arguments) -> None:
    """A check or apply given up: the run says so instead of "running" for ever."""
    log.warning("Import %s given up: %s", run_id, reason)
    db.session.execute(update(ImportRun).where(
        ImportRun.id == run_id, ImportRun.status.in_(ACTIVE)).values(
        status="failed", finished_at=utcnow(),
        errors=[import_service.whole_file_error(Message(STOPPED))]))


def queue_check(run: ImportRun, actor: User, path: Path) -> None:
    """Queue the check of an uploaded list (in the caller's transaction)."""
    jobs.enqueue("imports.check", unique_key=f"import-check:{run.id}", run_id=run.id,
                 actor_id=actor.id, path=str(path))


def queue_apply(run: ImportRun, actor: User) -> None:
    jobs.enqueue("imports.apply", unique_key=f"import-apply:{run.id}", run_id=run.id,
                 actor_id=actor.id)


@jobs.job("imports.check", gave_up=_stopped)
def check(run_id: int, actor_id: int, path: str) -> None:
    run_preview(run_id, actor_id, Path(path))


@jobs.job("imports.apply", gave_up=_stopped)
def apply(run_id: int, actor_id: int) -> None:
    run_apply(run_id, actor_id)


def run_preview(run_id: int, actor_id: int, path: Path) -> None:
    """Check the uploaded list at `path` against the directory; writes only the run
    (previewed or refused) and its changes file, and keeps the file only when the import may
    be confirmed."""
    keep = False
    try:
        run, actor = _run_and_actor(run_id, actor_id)
        if run.status != "checking":
            keep = True  # checked already (a second copy of the job): leave all as it is
            return
        if not path.exists():
            raise ServiceError(N_("The uploaded file is gone; upload it again."))
        report = import_service.preview(actor, path, run.network, sheet=run.sheet,
                                        filename=run.filename,
                                        archive_missing=run.archive_missing,
                                        progress=jobs.progress, run=run,
                                        let_others_write=True)
        if not report.unusable:
            write_changes(report)  # before the commit: the report page finds it complete
        commit()
        keep = report.ok
    except Exception as error:  # noqa: BLE001 - recorded on the run, logged by _record_failure
        _record_failure(run_id, error)
    finally:
        if not keep:
            path.unlink(missing_ok=True)


def run_apply(run_id: int, actor_id: int) -> None:
    """Apply a previewed run whose status the confirmation set to running (in the request
    for a short list, else as the `imports.apply` job)."""
    path = None
    try:
        run, actor = _run_and_actor(run_id, actor_id)
        if run.status != "running":
            return  # applied already (a second copy of the job)
        path = upload_path(run)
        if path is None:
            raise ServiceError(N_("The uploaded file is gone; upload it again."))
        report = import_service.apply(actor, path, run.network, sheet=run.sheet,
                                      filename=run.filename, archive_missing=run.archive_missing,
                                      progress=jobs.progress, run=run,
                                      expected_sha256=run.sha256, let_others_write=True)
        write_changes(report)  # before the commit: the report page finds it complete
        if report.ok:
            import_service.commit_import(report)
        else:
            commit()
    except Exception as error:  # noqa: BLE001 - recorded on the run, logged by _record_failure
        _record_failure(run_id, error)
    finally:
        if path is not None:
            path.unlink(missing_ok=True)


def _run_and_actor(run_id: int, actor_id: int) -> tuple[ImportRun, User]:
    run = db.session.get(ImportRun, run_id)
    actor = db.session.get(User, actor_id)
    if run is None:
        raise ServiceError(N_("The import was removed before it ran."))
    if actor is None or not actor.active:
        raise ServiceError(N_("The account that started this import no longer exists or is "
                              "deactivated; nothing was written."))
    return run, actor


def _record_failure(run_id: int, error: Exception) -> None:
    """Mark the run failed, with a message its readers see in their language."""
    try:
        rollback()
        if not isinstance(error, ServiceError):
            log.exception("Import %s failed", run_id, exc_info=error)
        # A ServiceError's text is its English msgid here (no request chose a language).
        message = Message(error.message) if isinstance(error, ServiceError) else Message.of(
            N_("The import failed and nothing was written: %(error)s"),
            error=type(error).__name__)
        db.session.execute(update(ImportRun).where(ImportRun.id == run_id).values(
            status="failed", finished_at=utcnow(),
            errors=[import_service.whole_file_error(message)]))
        commit()
    except Exception:  # the database itself failing: the run stays as it was, logged
        log.exception("Import %s: its failure could not be recorded", run_id)
        rollback()


# --- what the pages ask -------------------------------------------------------------------------

def wait_for_check(run_id: int, seconds: float) -> ImportRun:
    """The run once its check has ended, or as it is after `seconds` (a list checked within
    the wait answers the upload itself, as if checked in its request)."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.commit()  # each look is a transaction of its own, reading only
        db.session.connection(execution_options=READ_ONLY)
        status = db.session.scalar(select(ImportRun.status).where(ImportRun.id == run_id))
        db.session.commit()
        if status != "checking" or time.monotonic() >= deadline:
            return db.session.get_one(ImportRun, run_id)
        time.sleep(0.1)


def unusable_problem(run: ImportRun) -> Message | None:
    """Why the file of a refused run could not be read at all, if that is why it was."""
    errors = run.errors or []
    if run.status == "refused" and len(errors) == 1 and errors[0].get("line") == 0 \
            and not (run.counts or {}):
        return RowError.from_json(errors[0]).message
    return None


def progress(run: ImportRun) -> dict | None:
    """How far an active run got: phase, done, total; "queued" while it waits for a consumer,
    "resumed" when its process died and it was started again; "stalled" when it stopped with
    no job to run it again (runs from before jobs, or lost)."""
    if run.status not in ACTIVE:
        return None
    kind = "check" if run.status == "checking" else "apply"
    job = jobs.find(f"import-{kind}:{run.id}")
    if job is None:
        started = run.at.replace(tzinfo=UTC).timestamp()
        return {"stalled": True} if time.time() - started > STALLED_AFTER else None
    state = jobs.status(job)
    if state.status in ("done", "failed"):
        return {"stalled": True}
    return {"phase": state.phase if state.status == "running" else "queued",
            "done": state.done, "total": state.total, "stalled": False,
            "resumed": state.resumed}
