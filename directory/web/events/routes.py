"""Pages for initial contacts: logging one from an entry, and "My contacts" (mark established
later, void with a reason)."""

from __future__ import annotations

import uuid
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from directory import vocabulary
from directory.extensions import current_locale
from directory.services import commit, contact_queries, events, networks, permissions, rollback
from directory.services.errors import Conflict, ValidationFailed
from directory.services.numbers import parse_whole_number
from directory.web.events.forms import EstablishedForm, LogContactForm, VoidForm, apply_errors

blueprint = Blueprint("events", __name__)
PER_PAGE = 50


def _actor():
    return current_user._get_current_object()


def _preselect(form: LogContactForm, contact_point, matters: dict) -> None:
    """What a prosecutor most likely means, so that logging takes seconds: the matter and the
    network of the search they came from (see templating.log_url), else what fits."""
    form.occurred_on.data = date.today().isoformat()
    form.idempotency_key.data = uuid.uuid4().hex
    matter = request.args.get("matter")
    if matter not in matters:
        own = [s.slug for s in contact_point.specialisms if s.slug in matters]
        matter = own[0] if len(own) == 1 else ""
    form.matter.data = matter
    form.plan.data = vocabulary.PLAN_OF_MATTER.get(matter, "")
    network = request.args.get("network")
    if network not in contact_point.network_slugs:
        network = events.fitting_network(contact_point.network_slugs, matter, first=True)
    form.network.data = network or ""


@blueprint.route("/contact-points/<int:contact_point_id>/log-contact", methods=["GET", "POST"])
def log(contact_point_id: int):
    actor = _actor()
    permissions.require_log_contacts(actor)
    contact_point = contact_queries.get_contact_point(contact_point_id)
    if contact_point.status == "archived":
        raise Conflict(_("This entry is archived: find the counterpart's current entry to log "
                         "a contact."))
    matters = events.matters()
    networks = [membership.network for membership in contact_point.memberships]
    form = LogContactForm()
    form.fill_choices(current_locale(), matters, networks)
    extra_errors: dict[str, str] = {}
    if request.method == "GET":
        _preselect(form, contact_point, matters)
    elif form.validate_on_submit():
        try:
            event, created = events.log_contact(actor, form.payload(contact_point.id))
        except ValidationFailed as error:
            rollback()
            extra_errors = apply_errors(form, error.fields)
        else:
            commit()
            flash(_("The initial contact is logged.") if created else
                  _("This initial contact was already logged: it is counted once."), "success")
            return redirect(url_for("events.mine", _anchor=f"event-{event.id}"))
    return render_template(
        "events/log.html", form=form, contact_point=contact_point, extra_errors=extra_errors,
        today_iso=date.today().isoformat(),
        plan_of_matter=vocabulary.PLAN_OF_MATTER,
        networks_for_matter={matter: [slug for slug in slugs
                                      if slug in contact_point.network_slugs]
                             for matter, slugs in vocabulary.NETWORKS_FOR_MATTER.items()},
    ), 422 if request.method == "POST" else 200


def _page() -> int:
    return parse_whole_number(request.args.get("page")) or 1


def _render_mine(forms: dict | None = None, status: int = 200):
    """The list; `forms` carries the one form that failed, to show its errors in place."""
    actor = _actor()
    page = _page()
    total, rows = events.list_own(actor, page=page, per_page=PER_PAGE)
    forms = forms or {}
    row_forms = {}
    for event in rows:
        row_forms[event.id] = {
            "established": forms.get(("established", event.id))
            or EstablishedForm(prefix=f"established-{event.id}", formdata=None,
                               data={"established_on": date.today().isoformat()}),
            "void": forms.get(("void", event.id))
            or VoidForm(prefix=f"void-{event.id}", formdata=None),
        }
    failed = list(forms.values())
    return render_template(
        "events/mine.html", events=rows, total=total, page=page, per_page=PER_PAGE,
        row_forms=row_forms, failed_forms=failed, today_iso=date.today().isoformat(),
        networks={network.slug: network for network in networks.list_networks()},
        pages=(total + PER_PAGE - 1) // PER_PAGE), status


@blueprint.get("/my-contacts")
def mine():
    permissions.require_log_contacts(_actor())
    return _render_mine()


def _row_action(event_id: int, kind: str, form_class, change, message: str):
    """A form of one row of My contacts: apply `change(actor, form)`, or show why not."""
    actor = _actor()
    permissions.require_log_contacts(actor)
    form = form_class(prefix=f"{kind}-{event_id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        change(actor, form)
    except Conflict as error:
        rollback()
        flash(error.message, "error")
        return redirect(url_for("events.mine", _anchor=f"event-{event_id}"))
    except ValidationFailed as error:
        rollback()
        apply_errors(form, error.fields)
        return _render_mine({(kind, event_id): form}, 422)
    commit()
    flash(message, "success")
    return redirect(url_for("events.mine", page=_page() if _page() > 1 else None,
                            _anchor=f"event-{event_id}"))


@blueprint.post("/my-contacts/<int:event_id>/established")
def established(event_id: int):
    return _row_action(
        event_id, "established", EstablishedForm,
        lambda actor, form: events.mark_established(actor, event_id,
                                                    form.established_on.data or None),
        _("The contact is marked established."))


@blueprint.post("/my-contacts/<int:event_id>/void")
def void(event_id: int):
    return _row_action(
        event_id, "void", VoidForm,
        lambda actor, form: events.void(actor, event_id, form.reason.data),
        _("The contact is voided: it stays in your list and no longer counts."))
