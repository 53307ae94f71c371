"""Entry pages: view, create, edit, archive, verify, vCard, history, and stale entries."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from directory.extensions import current_locale
from directory.models import ContactPoint, Network
from directory.services import (
    access_log,
    commit,
    contact_queries,
    contacts,
    networks,
    outdated_reports,
    permissions,
    personal_data,
    proposals,
    rollback,
    usage,
    vcard,
)
from directory.services.errors import Conflict, ValidationFailed
from directory.services.numbers import parse_whole_number
from directory.web import reads
from directory.web.contacts.forms import (
    ContactPointForm,
    EraseForm,
    apply_errors,
    fill_form,
    payload_from_form,
)
from directory.web.security import safe_next

blueprint = Blueprint("contacts", __name__, url_prefix="/contact-points")


def _actor():
    return current_user._get_current_object()




def _form() -> ContactPointForm:
    form = ContactPointForm()
    form.fill_choices(current_locale(), networks.list_specialisms())
    return form


def _memberships_from_request(networks: list[Network]) -> list[dict]:
    chosen = []
    for network in networks:
        if request.form.get(f"member-{network.slug}"):
            chosen.append({"network": network.slug,
                           "role": request.form.get(f"role-{network.slug}") or None,
                           "external_id": request.form.get(f"external-{network.slug}") or None})
    return chosen


def _membership_state(contact_point: ContactPoint | None, networks: list[Network]) -> dict:
    """What the membership fieldset shows: from the submitted form, else from the entry."""
    if request.method == "POST":
        return {m["network"]: m for m in _memberships_from_request(networks)}
    if contact_point is None:
        return {}
    return {m.network.slug: {"network": m.network.slug, "role": m.role,
                             "external_id": m.external_id} for m in contact_point.memberships}


@blueprint.get("/<int:contact_point_id>")
def view(contact_point_id: int):
    contact_point = contact_queries.get_visible_contact_point(_actor(), contact_point_id)
    history = contact_queries.entry_history(contact_point)
    pending = [(proposal, proposals.may_decide(_actor(), proposal))
               for proposal in proposals.pending_on_entry(_actor(), contact_point)]
    reports = outdated_reports.open_on_entry(_actor(), contact_point)
    usage.count("view", contact_point.network_slugs)
    reads.note("page", [contact_point.id])
    commit()
    return render_template(
        "contacts/view.html", contact_point=contact_point,
        stale=contact_queries.is_stale(contact_point),
        may_edit=contact_queries.may_edit(_actor(), contact_point),
        may_log=permissions.can_log_contacts(_actor()), history=history, pending=pending,
        reports=reports, action_form=FlaskForm())


def _save(form: ContactPointForm, networks: list[Network], contact_point: ContactPoint | None):
    payload = payload_from_form(form, _memberships_from_request(networks))
    try:
        if contact_point is None:
            saved = contacts.create_contact_point(_actor(), payload)
        else:
            version = parse_whole_number(form.version.data)
            saved = contacts.update_contact_point(_actor(), contact_point.id, payload, version)
    except (ValidationFailed, Conflict) as error:
        rollback()
        return None, apply_errors(form, error.fields) or (
            {"": error.message} if isinstance(error, Conflict) else {})
    entry_id = saved.contact_point.id
    commit()
    if contact_point is None and not saved.created:
        flash(_("This person was already in the directory: the network was added to their entry."),
              "info")
    elif saved.proposal is None:
        flash(_("The entry is saved."), "success")
    if saved.proposal is not None:
        flash(_("This entry is shared with networks you do not maintain: your change is "
                "proposed to their secretariats, and applies once one of them accepts it."),
              "info")
    return entry_id, {}


@blueprint.route("/new", methods=["GET", "POST"])
def create():
    own = contact_queries.networks_of(_actor())
    form = _form()
    extra_errors: dict[str, str] = {}
    if request.method == "GET":
        form.status.data = "active"
        form.last_verified_on.data = date.today()
    if form.validate_on_submit():
        saved, extra_errors = _save(form, own, None)
        if saved is not None:
            return redirect(url_for("contacts.view", contact_point_id=saved))
    status = 422 if request.method == "POST" else 200
    return render_template("contacts/edit.html", form=form, contact_point=None,
                           networks=own, memberships=_membership_state(None, own),
                           extra_errors=extra_errors), status


@blueprint.route("/<int:contact_point_id>/edit", methods=["GET", "POST"])
def edit(contact_point_id: int):
    contact_point = contact_queries.get_editable_contact_point(_actor(), contact_point_id)
    every = networks.list_networks()
    form = _form()
    extra_errors: dict[str, str] = {}
    if request.method == "GET":
        fill_form(form, contact_point)
    if form.validate_on_submit():
        saved, extra_errors = _save(form, every, contact_point)
        if saved is not None:
            return redirect(url_for("contacts.view", contact_point_id=saved))
        contact_point = contact_queries.get_contact_point(contact_point_id)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "contacts/edit.html", form=form, contact_point=contact_point, networks=every,
        memberships=_membership_state(contact_point, every), extra_errors=extra_errors,
        editable_networks={n.slug for n in contact_queries.networks_of(_actor())},
        deciding=contact_queries.deciding_networks(_actor(), contact_point)), status


def _state_change(contact_point_id: int, action, message):
    """Run a state change; `message(entry)` says what happened."""
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    version = request.form.get("version")
    try:
        entry = action(_actor(), contact_point_id, parse_whole_number(version))
    except Conflict as error:
        rollback()
        flash(error.message, "error")
        return redirect(url_for("contacts.view", contact_point_id=contact_point_id))
    text = message(entry)
    commit()
    flash(text, "success")
    return redirect(safe_next(request.form.get("next"),
                              url_for("contacts.view", contact_point_id=contact_point_id)))


@blueprint.post("/<int:contact_point_id>/archive")
def archive(contact_point_id: int):
    return _state_change(
        contact_point_id, contacts.archive_contact_point,
        lambda entry: _("The entry is archived.") if entry.status == "archived" else _(
            "The entry is removed from your networks; it stays in the directory for its "
            "other networks."))


@blueprint.post("/<int:contact_point_id>/verify")
def verify(contact_point_id: int):
    return _state_change(contact_point_id, contacts.verify_contact_point,
                         lambda _entry: _("The entry is marked verified today."))


@blueprint.get("/<int:contact_point_id>/vcard")
def download_vcard(contact_point_id: int):
    contact_point = contact_queries.get_visible_contact_point(_actor(), contact_point_id)
    reads.note("vcard", [contact_point.id])
    return Response(vcard.vcard(contact_point), mimetype="text/vcard", headers={
        "Content-Disposition": f'attachment; filename="contact-point-{contact_point.id}.vcf"'})


@blueprint.get("/<int:contact_point_id>/access-log")
def entry_access_log(contact_point_id: int):
    """Admins: who read this entry, when and how."""
    page = access_log.page_arg(request.args.get("page"))
    total, rows = access_log.reads_of_entry(_actor(), contact_point_id, page)
    contact_point = contact_queries.get_contact_point(contact_point_id)
    html = render_template("admin/access_log.html", rows=rows, total=total, page=page,
                           per_page=access_log.PER_PAGE, by_user=False,
                           subject=f"{contact_point.given_name} {contact_point.family_name}")
    commit()
    return html


@blueprint.post("/<int:contact_point_id>/subject-report")
def subject_report(contact_point_id: int):
    """Admins: everything held about this person, as a JSON file (a POST with the CSRF token,
    as exports are: a link from another site must not produce one)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    report = personal_data.subject_report(_actor(), contact_point_id)
    commit()
    return Response(personal_data.report_text(report), mimetype="application/json", headers={
        "Content-Disposition":
            f'attachment; filename="subject-report-{contact_point_id}.json"'})


@blueprint.route("/<int:contact_point_id>/erase", methods=["GET", "POST"])
def erase(contact_point_id: int):
    """Admins: erase this person, with a reason and a confirmation."""
    permissions.require_admin(_actor())
    contact_point = contact_queries.get_contact_point(contact_point_id)
    form = EraseForm()
    if form.validate_on_submit():
        if not form.confirm.data:
            form.confirm.errors = [_("Tick this box to confirm the erasure.")]
        else:
            try:
                erasure = personal_data.erase(_actor(), contact_point_id, form.reason.data)
                personal_data.finish_in_background(erasure)
            except ValidationFailed as error:
                rollback()
                form.reason.errors = [error.fields.get("reason", error.message)]
            else:
                commit()
                flash(_("The person's data is erased."), "success")
                if erasure.unfinished:
                    flash(_("Not everything outside the database could be erased (%(places)s): "
                            "see the log, and run `counterpart reindex`.",
                            places=", ".join(erasure.unfinished)), "error")
                return redirect(url_for("search.index"))
    status = 422 if request.method == "POST" else 200
    return render_template("contacts/erase.html", form=form, contact_point=contact_point), status


@blueprint.get("/stale")
def stale():
    """Entries to re-verify: those of the networks the user maintains, oldest first."""
    rows = contact_queries.stale_contact_points(_actor())
    reads.note("listing", [row.id for row in rows])
    return render_template("contacts/stale.html", contact_points=rows, action_form=FlaskForm())
