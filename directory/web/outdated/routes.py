"""Reporting an entry's outdated details, and resolving a report (SPEC section 11)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField

from directory.services import commit, contact_queries, outdated_reports, rollback
from directory.services.errors import Conflict, ValidationFailed
from directory.web.security import safe_next

blueprint = Blueprint("outdated", __name__)


class ReportForm(FlaskForm):
    reason = RadioField(_l("What is out of date?"), choices=[])
    note = TextAreaField(_l("A short note (optional)"),
                         render_kw={"maxlength": outdated_reports.MAX_NOTE, "rows": 3})

    def fill_choices(self) -> None:
        self.reason.choices = [(slug, str(label))
                               for slug, label in outdated_reports.REASONS.items()]


def _actor():
    return current_user._get_current_object()


@blueprint.route("/contact-points/<int:contact_point_id>/report", methods=["GET", "POST"])
def report(contact_point_id: int):
    """Report outdated details: open to everyone signed in."""
    form = ReportForm()
    form.fill_choices()
    contact_point = contact_queries.get_visible_contact_point(_actor(), contact_point_id)
    if form.validate_on_submit():
        try:
            outdated_reports.report(_actor(), contact_point_id, {
                "reason": form.reason.data, "note": form.note.data or None})
        except (ValidationFailed, Conflict) as error:
            rollback()
            for name, message in error.fields.items():
                field = getattr(form, name, None)
                if field is not None:
                    field.errors = list(field.errors or []) + [message]
            if isinstance(error, Conflict):
                form.reason.errors = list(form.reason.errors or []) + [error.message]
        else:
            commit()
            flash(_("Thank you: the network's secretariat will check this entry."), "success")
            return redirect(url_for("contacts.view", contact_point_id=contact_point_id))
    status = 422 if request.method == "POST" else 200
    return render_template("outdated/report.html", form=form,
                           contact_point=contact_point), status


@blueprint.post("/outdated-reports/<int:report_id>/resolve")
def resolve(report_id: int):
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        outdated_reports.resolve(_actor(), report_id, request.form.get("resolution"))
    except (ValidationFailed, Conflict) as error:
        rollback()
        flash(error.message if isinstance(error, Conflict)
              else "; ".join(error.fields.values()), "error")
    else:
        commit()
        flash(_("The report is resolved."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("proposals.queue")))
