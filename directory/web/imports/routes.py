"""Importing a list on the web: upload → preview → confirm (or cancel) → progress → report;
and bulk exports of a network or of the current search.

The uploaded file waits in the instance folder (`instance/imports/<run id>.<ext>`, never under
static) between the preview and the confirmation; the confirmation re-reads it and refuses it if
its SHA-256 is not the previewed one. The check (the preview) runs in a background thread, which
the upload waits for up to IMPORT_PREVIEW_WAIT_SECONDS; lists of more than IMPORT_SYNC_ROWS rows
are applied in one too. Both write their progress to `instance/imports/<run id>.progress`; the
report page shows it, polled by app.js into a live region (or a refresh link without scripts).
The changes row by row wait in `<run id>-changes.jsonl`, as messages rendered for each reader.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select, update

from directory.extensions import current_locale, db
from directory.models import ImportRun, Network, User, utcnow
from directory.services import commit, exports, permissions, rollback
from directory.services import imports as import_service
from directory.services.errors import PermissionDenied, ServiceError
from directory.web.i18n import translate
from directory.web.imports.forms import ConfirmForm, UploadForm
from imports import RowError, messages
from imports.formulas import neutralise
from imports.messages import N_, Message
from imports.parse import WHOLE_ROW

blueprint = Blueprint("imports", __name__)
log = logging.getLogger(__name__)
# Suffixes an upload keeps; any other is saved as .bin (the reader tells files by content).
EXTENSIONS = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".bin"}
SHOWN_CHANGES = 200
ERRORS_PER_PAGE = 200
# A run "running" whose progress file has not moved for this long died with its process.
STALLED_AFTER = 600
CHANGE_HEADERS = ["line", "action", "entry", "name", "changes"]
# A run being checked (the preview) or applied: its page shows the progress.
ACTIVE = ("checking", "running")


def _actor() -> User:
    return current_user._get_current_object()


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_path(run: ImportRun) -> Path | None:
    matches = sorted(_folder().glob(f"{run.id}.*"))
    matches = [path for path in matches if path.suffix.lower() in EXTENSIONS]
    return matches[0] if matches else None


def _changes_path(run_id: int) -> Path:
    return _folder() / f"{run_id}-changes.jsonl"


def _legacy_changes_path(run_id: int) -> Path:
    return _folder() / f"{run_id}-changes.csv"


def _progress_path(run_id: int) -> Path:
    return _folder() / f"{run_id}.progress"


def _replace(path: Path, write) -> None:
    """Write a file that a concurrent request may be reading: whole or not at all."""
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        write(handle)
    os.replace(temporary, path)


def _networks(actor: User) -> list[Network]:
    return [network for network in db.session.scalars(select(Network).order_by(Network.id))
            if permissions.can_maintain(actor, [network.slug])
            and (actor.role == "admin" or network.slug in actor.network_slugs)]


def _require_importer(actor: User) -> None:
    if actor.role not in ("secretariat", "admin"):
        raise PermissionDenied(_("Only network secretariats and administrators may import "
                                 "lists."))


def _write_changes(report: import_service.ImportReport) -> None:
    """The plan row by row, one JSON line each: its messages are rendered when read, in the
    reader's language."""
    def write(handle) -> None:
        for change in report.change_rows():
            change["changes"] = messages.encode(change["changes"])
            handle.write(json.dumps(change, ensure_ascii=False) + "\n")

    _replace(_changes_path(report.run_id), write)


def _read_changes(run_id: int, limit: int | None = None) -> Iterator[dict]:
    """The first `limit` changes (all when None), with "changes" as text for the reader."""
    path = _changes_path(run_id)
    if not path.exists():
        yield from _read_legacy_changes(run_id, limit)
        return
    with open(path, encoding="utf-8") as handle:
        for count, line in enumerate(handle):
            if limit is not None and count >= limit:
                return
            change = json.loads(line)
            change["changes"] = "; ".join(
                translate(part) for part in messages.decode(change["changes"]))
            yield change


def _read_legacy_changes(run_id: int, limit: int | None) -> Iterator[dict]:
    """Runs recorded before the changes were kept as messages: a CSV of English text."""
    path = _legacy_changes_path(run_id)
    if not path.exists():
        return
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for count, row in enumerate(csv.DictReader(handle)):
            if limit is not None and count >= limit:
                return
            yield {key: value.removeprefix("'") for key, value in row.items()}


def _has_changes(run_id: int) -> bool:
    return _changes_path(run_id).exists() or _legacy_changes_path(run_id).exists()


@blueprint.route("/imports", methods=["GET", "POST"])
def upload():
    actor = _actor()
    _require_importer(actor)
    networks = _networks(actor)
    form = UploadForm()
    form.network.choices = [("", "—")] + [(n.slug, n.label(current_locale())) for n in networks]
    if len(networks) == 1 and request.method == "GET":
        form.network.data = networks[0].slug
    problem = None
    if form.validate_on_submit():
        upload_file = form.file.data
        filename = Path(upload_file.filename or "list").name[:200]
        suffix = Path(filename).suffix.lower()
        if suffix not in EXTENSIONS:
            suffix = ".bin"  # the reader says what it is not
        waiting = _folder() / f"upload-{uuid.uuid4().hex}{suffix}"
        upload_file.save(waiting)
        try:
            run = import_service.start_run(actor, form.network.data, filename, status="checking")
        except ServiceError:
            waiting.unlink(missing_ok=True)
            raise
        run.sheet = (form.sheet.data or "").strip() or None
        run.archive_missing = bool(form.archive_missing.data)
        run_id, actor_id = run.id, actor.id
        path = waiting.rename(_folder() / f"{run_id}{suffix}")
        _set_progress(run_id)("read", 0, 0)
        commit()  # and no more reads while the check writes (SQLite: one writer at a time)
        outcome: dict = {}
        checking = _in_background(run_preview, run_id, actor_id, path, outcome)
        # A list checked within the wait answers this request, as if checked in it; a longer
        # one is shown on the report page with its progress (no request outlives the server's
        # timeout).
        checking.join(float(current_app.config.get("IMPORT_PREVIEW_WAIT_SECONDS", 10)))
        if checking.is_alive() or outcome.get("unusable") is None:
            return redirect(url_for("imports.report", run_id=run_id))
        problem = translate(outcome["unusable"])
    runs = import_service.recent_runs(actor)
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", form=form, runs=runs, problem=problem,
                           networks=networks, network_labels=_network_labels()), status


def _network_labels() -> dict[str, str]:
    """Each network's name in the page's language, for the runs' pages."""
    return {network.slug: network.label(current_locale())
            for network in db.session.scalars(select(Network))}


def _shown_errors(stored: list[dict]) -> list[dict]:
    """A run's problems in the reader's language."""
    shown = []
    for item in stored:
        error = RowError.from_json(item)
        column = _(WHOLE_ROW) if error.column == WHOLE_ROW else error.column
        shown.append({"line": error.line, "column": column, "message": translate(error.message)})
    return shown


def _progress(run: ImportRun) -> dict | None:
    """How far an active run got; "stalled" when its progress has not moved (or never
    appeared) for STALLED_AFTER seconds: its process ended."""
    path = _progress_path(run.id)
    try:
        progress = json.loads(path.read_text())
        moved = path.stat().st_mtime
    except (OSError, ValueError):
        started = run.at.replace(tzinfo=UTC).timestamp()
        return {"stalled": True} if time.time() - started > STALLED_AFTER else None
    progress["stalled"] = time.time() - moved > STALLED_AFTER
    return progress


@blueprint.get("/imports/<int:run_id>")
def report(run_id: int):
    actor = _actor()
    _require_importer(actor)
    run = import_service.get_run(actor, run_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    errors = list(run.errors or [])
    pages = max(1, (len(errors) + ERRORS_PER_PAGE - 1) // ERRORS_PER_PAGE)
    shown_errors = _shown_errors(errors[(page - 1) * ERRORS_PER_PAGE: page * ERRORS_PER_PAGE])
    progress = _progress(run) if run.status in ACTIVE else None
    counts = run.counts or {}
    changed = sum(counts.get(key, 0) for key in ("created", "updated", "memberships_added",
                                                  "proposals_only"))
    missing = counts.get("missing", 0)
    refresh = run.status in ACTIVE and not (progress or {}).get("stalled")
    page_html = render_template(
        "imports/report.html", run=run, network_labels=_network_labels(), counts=counts, errors=shown_errors,
        error_total=len(errors), error_page=page, error_pages=pages,
        changes=list(_read_changes(run.id, SHOWN_CHANGES)), change_total=changed + missing,
        shown_limit=SHOWN_CHANGES, progress=progress,
        may_confirm=run.status == "previewed" and not run.errors and _upload_path(run) is not None,
        form=ConfirmForm(), refresh=refresh)
    # A running import's progress is polled by app.js into a live region; without a script
    # the page offers a refresh link (an automatic reload would fail WCAG 2.2.1).
    return Response(page_html)


def _set_progress(run_id: int):
    path = _progress_path(run_id)

    def step(phase: str, done: int, total: int) -> None:
        _replace(path, lambda handle: json.dump({"phase": phase, "done": done, "total": total},
                                                handle))

    return step


def _in_background(work, run_id: int, *args) -> threading.Thread:
    """Run work(run_id, *args) in a thread with its own application context and session."""
    app = current_app._get_current_object()

    def target() -> None:
        with app.app_context():
            try:
                work(run_id, *args)
            finally:
                db.session.remove()

    thread = threading.Thread(target=target, name=f"import-{run_id}", daemon=True)
    thread.start()
    return thread


def run_preview(run_id: int, actor_id: int, path: Path, outcome: dict) -> None:
    """Check the uploaded list at `path` against the directory; writes only the run
    (previewed or refused) and its changes file, and keeps the file only when the import may
    be confirmed. `outcome["unusable"]`: why the file could not be read, if it could not."""
    keep = False
    try:
        run, actor = _run_and_actor(run_id, actor_id)
        report = import_service.preview(actor, path, run.network, sheet=run.sheet,
                                        filename=run.filename,
                                        archive_missing=run.archive_missing,
                                        progress=_set_progress(run_id), run=run,
                                        let_others_write=True)
        if not report.unusable:
            _write_changes(report)  # before the commit: the report page finds it complete
        commit()
        outcome["unusable"] = report.unusable
        keep = report.ok
    except Exception as error:  # noqa: BLE001 - recorded on the run, logged by _record_failure
        _record_failure(run_id, error)
    finally:
        _progress_path(run_id).unlink(missing_ok=True)
        if not keep:
            path.unlink(missing_ok=True)


def run_apply(run_id: int, actor_id: int) -> None:
    """Apply a previewed run (in the request or a background thread, inside an app context)."""
    path = None
    try:
        run, actor = _run_and_actor(run_id, actor_id)
        path = _upload_path(run)
        if path is None:
            raise ServiceError(N_("The uploaded file is gone; upload it again."))
        report = import_service.apply(actor, path, run.network, sheet=run.sheet,
                                      filename=run.filename, archive_missing=run.archive_missing,
                                      progress=_set_progress(run_id), run=run,
                                      expected_sha256=run.sha256, let_others_write=True)
        _write_changes(report)  # before the commit: the report page finds it complete
        if report.ok:
            import_service.commit_import(report)
        else:
            commit()
    except Exception as error:  # noqa: BLE001 - recorded on the run, logged by _record_failure
        _record_failure(run_id, error)
    finally:
        _progress_path(run_id).unlink(missing_ok=True)
        if path is not None:
            path.unlink(missing_ok=True)


def _run_and_actor(run_id: int, actor_id: int) -> tuple[ImportRun, User]:
    run = db.session.get(ImportRun, run_id)
    actor = db.session.get(User, actor_id)
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


@blueprint.post("/imports/<int:run_id>/confirm")
def confirm(run_id: int):
    actor = _actor()
    _require_importer(actor)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run = import_service.get_run(actor, run_id)
    if run.status != "previewed" or run.errors or _upload_path(run) is None:
        flash(_("This import cannot be confirmed any more (it was applied, cancelled or "
                "refused). Upload the list again."), "error")
        return redirect(url_for("imports.report", run_id=run_id))
    # One confirmation only, even if the button is pressed twice.
    claimed = db.session.execute(update(ImportRun).where(
        ImportRun.id == run_id, ImportRun.status == "previewed").values(status="running"))
    commit()
    if claimed.rowcount != 1:
        return redirect(url_for("imports.report", run_id=run_id))
    _set_progress(run_id)("read", 0, 0)
    rows = (run.counts or {}).get("rows", 0)
    if rows <= int(current_app.config.get("IMPORT_SYNC_ROWS", 2000)):
        run_apply(run_id, actor.id)
    else:
        _in_background(run_apply, run_id, actor.id)
    return redirect(url_for("imports.report", run_id=run_id))


@blueprint.post("/imports/<int:run_id>/cancel")
def cancel(run_id: int):
    actor = _actor()
    _require_importer(actor)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run = import_service.get_run(actor, run_id)
    if run.status == "previewed":
        run.status = "cancelled"
        run.finished_at = utcnow()
        path = _upload_path(run)
        if path is not None:
            path.unlink()
        commit()
        flash(_("The import is cancelled; nothing was written."), "info")
    return redirect(url_for("imports.upload"))


def _csv_response(rows: list[list[str]], filename: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(str(cell)) for cell in row])
    return Response(("\ufeff" + buffer.getvalue()).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.get("/imports/<int:run_id>/errors.csv")
def errors_csv(run_id: int):
    actor = _actor()
    _require_importer(actor)
    run = import_service.get_run(actor, run_id)
    rows = [["line", "column", "message"]] + [
        [str(error["line"]), error["column"], error["message"]]
        for error in _shown_errors(run.errors or [])]
    return _csv_response(rows, f"import-{run.id}-errors.csv")


@blueprint.get("/imports/<int:run_id>/changes.csv")
def changes_csv(run_id: int):
    actor = _actor()
    _require_importer(actor)
    run = import_service.get_run(actor, run_id)
    if not _has_changes(run.id):
        abort(404)
    rows = ([change[key] if change[key] is not None else "" for key in CHANGE_HEADERS]
            for change in _read_changes(run.id))
    return _csv_response([CHANGE_HEADERS, *rows], f"import-{run.id}-changes.csv")


@blueprint.post("/exports")
def export():
    """A network's entries (?network=) or the current search (?search=1 and the search
    page's own query arguments), as csv, xlsx or vcard. A POST with the page's CSRF token: a
    link from another site cannot start an export."""
    actor = _actor()
    output_format = request.args.get("format", "csv")
    network = request.args.get("network") if not request.args.get("search") else None
    search_args = None
    if request.args.get("search"):
        search_args = request.args.copy()
        for key in ("format", "search"):
            search_args.pop(key, None)
    try:
        result = exports.export(actor, output_format, network=network or None,
                                search_args=search_args)
    except PermissionDenied:
        raise
    except ServiceError as problem:
        rollback()
        return render_template("error.html", status=400, message=problem.message,
                               fields={}), 400
    commit()
    return Response(result.content, mimetype=result.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{result.filename}"'})
