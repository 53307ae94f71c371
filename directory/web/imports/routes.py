"""Importing a list on the web: upload → preview → confirm (or cancel) → progress → report;
and bulk exports of a network or of the current search.

The uploaded file waits in the instance folder (services/import_jobs.py), never under static,
between the preview and the confirmation; the confirmation re-reads it and refuses it if its
SHA-256 is not the previewed one. The check (the preview) is a background job, which the upload
waits for up to IMPORT_PREVIEW_WAIT_SECONDS; lists of more than IMPORT_SYNC_ROWS rows are applied
by one too. The report page shows a job's progress, polled by app.js into a live region (or a
refresh link without scripts).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import uuid
from collections.abc import Iterator
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

from directory.extensions import current_locale
from directory.models import User
from directory.services import commit, exports, import_jobs, networks, rollback
from directory.services import imports as import_service
from directory.services.errors import PermissionDenied, ServiceError
from directory.services.import_jobs import EXTENSIONS, changes_path, upload_path
from directory.web.i18n import translate
from directory.web.imports.forms import ConfirmForm, UploadForm
from imports import RowError, messages
from imports.formulas import neutralise
from imports.parse import WHOLE_ROW

blueprint = Blueprint("imports", __name__)
log = logging.getLogger(__name__)
SHOWN_CHANGES = 200
ERRORS_PER_PAGE = 200
CHANGE_HEADERS = ["line", "action", "entry", "name", "changes"]
# A run being checked (the preview) or applied: its page shows the progress.
ACTIVE = import_jobs.ACTIVE


def _actor() -> User:
    return current_user._get_current_object()


def _read_changes(run_id: int, limit: int | None = None) -> Iterator[dict]:
    """The first `limit` changes (all when None), with "changes" as text for the reader."""
    path = changes_path(run_id)
    if not path.exists():
        return
    with open(path, encoding="utf-8") as handle:
        for count, line in enumerate(handle):
            if limit is not None and count >= limit:
                return
            change = json.loads(line)
            change["changes"] = "; ".join(
                translate(part) for part in messages.decode(change["changes"]))
            yield change


@blueprint.route("/imports", methods=["GET", "POST"])
def upload():
    actor = _actor()
    importable = import_service.importable_networks(actor)
    form = UploadForm()
    form.network.choices = [("", "—")] + [(n.slug, n.label(current_locale())) for n in importable]
    if len(importable) == 1 and request.method == "GET":
        form.network.data = importable[0].slug
    problem = None
    if form.validate_on_submit():
        upload_file = form.file.data
        filename = Path(upload_file.filename or "list").name[:200]
        suffix = Path(filename).suffix.lower()
        if suffix not in EXTENSIONS:
            suffix = ".bin"  # the reader says what it is not
        waiting = import_jobs.folder() / f"upload-{uuid.uuid4().hex}{suffix}"
        upload_file.save(waiting)
        try:
            run = import_service.start_run(actor, form.network.data, filename, status="checking")
        except ServiceError:
            waiting.unlink(missing_ok=True)
            raise
        run.sheet = (form.sheet.data or "").strip() or None
        run.archive_missing = bool(form.archive_missing.data)
        run_id = run.id
        path = waiting.rename(import_jobs.folder() / f"{run_id}{suffix}")
        import_jobs.queue_check(run, actor, path)
        commit()  # and the check starts, in whichever process runs the jobs
        # A list checked within the wait answers this request, as if checked in it; a longer
        # one is shown on the report page with its progress (no request outlives the server's
        # timeout).
        run = import_jobs.wait_for_check(
            run_id, float(current_app.config.get("IMPORT_PREVIEW_WAIT_SECONDS", 10)))
        unusable = import_jobs.unusable_problem(run)
        if unusable is None:
            return redirect(url_for("imports.report", run_id=run_id))
        problem = translate(unusable)
    runs = import_service.recent_runs(actor)
    status = 422 if request.method == "POST" else 200
    return render_template("imports/upload.html", form=form, runs=runs, problem=problem,
                           networks=importable, network_labels=_network_labels()), status


def _network_labels() -> dict[str, str]:
    """Each network's name in the page's language, for the runs' pages."""
    return {network.slug: network.label(current_locale())
            for network in networks.list_networks()}


def _shown_errors(stored: list[dict]) -> list[dict]:
    """A run's problems in the reader's language."""
    shown = []
    for item in stored:
        error = RowError.from_json(item)
        column = _(WHOLE_ROW) if error.column == WHOLE_ROW else error.column
        shown.append({"line": error.line, "column": column, "message": translate(error.message)})
    return shown


@blueprint.get("/imports/<int:run_id>")
def report(run_id: int):
    actor = _actor()
    run = import_service.get_run(actor, run_id)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    errors = list(run.errors or [])
    pages = max(1, (len(errors) + ERRORS_PER_PAGE - 1) // ERRORS_PER_PAGE)
    shown_errors = _shown_errors(errors[(page - 1) * ERRORS_PER_PAGE: page * ERRORS_PER_PAGE])
    progress = import_jobs.progress(run)
    counts = run.counts or {}
    changed = sum(counts.get(key, 0) for key in ("created", "updated", "memberships_added",
                                                  "proposals_only"))
    missing = counts.get("missing", 0)
    refresh = run.status in ACTIVE and not (progress or {}).get("stalled")
    page_html = render_template(
        "imports/report.html", run=run, network_labels=_network_labels(), counts=counts,
        errors=shown_errors,
        error_total=len(errors), error_page=page, error_pages=pages,
        changes=list(_read_changes(run.id, SHOWN_CHANGES)), change_total=changed + missing,
        shown_limit=SHOWN_CHANGES, progress=progress,
        may_confirm=run.status == "previewed" and not run.errors and upload_path(run) is not None,
        form=ConfirmForm(), refresh=refresh)
    # A running import's progress is polled by app.js into a live region; without a script
    # the page offers a refresh link (an automatic reload would fail WCAG 2.2.1).
    return Response(page_html)


@blueprint.post("/imports/<int:run_id>/confirm")
def confirm(run_id: int):
    actor = _actor()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run = import_service.get_run(actor, run_id)
    if run.status != "previewed" or run.errors or upload_path(run) is None:
        flash(_("This import cannot be confirmed any more (it was applied, cancelled or "
                "refused). Upload the list again."), "error")
        return redirect(url_for("imports.report", run_id=run_id))
    # One confirmation only, even if the button is pressed twice.
    claimed = import_service.claim_confirmation(run_id)
    rows = (run.counts or {}).get("rows", 0)
    in_background = rows > int(current_app.config.get("IMPORT_SYNC_ROWS", 2000))
    if claimed and in_background:
        import_jobs.queue_apply(run, actor)
    commit()
    if not claimed:
        return redirect(url_for("imports.report", run_id=run_id))
    if not in_background:
        import_jobs.run_apply(run_id, actor.id)
    return redirect(url_for("imports.report", run_id=run_id))


@blueprint.post("/imports/<int:run_id>/cancel")
def cancel(run_id: int):
    actor = _actor()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run = import_service.get_run(actor, run_id)
    if import_service.cancel_preview(run, upload_path(run)):
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
    run = import_service.get_run(actor, run_id)
    rows = [["line", "column", "message"]] + [
        [str(error["line"]), error["column"], error["message"]]
        for error in _shown_errors(run.errors or [])]
    return _csv_response(rows, f"import-{run.id}-errors.csv")


@blueprint.get("/imports/<int:run_id>/changes.csv")
def changes_csv(run_id: int):
    actor = _actor()
    run = import_service.get_run(actor, run_id)
    if not changes_path(run.id).exists():
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
