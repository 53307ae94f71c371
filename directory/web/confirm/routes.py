"""A contact point's own confirmation page (SPEC section 11), reached from a campaign's
e-mail without signing in: it shows that one entry and nothing else of the directory, and
takes one answer — still correct, corrected (a proposal), or no longer in this post (a
proposal to leave the network). A link that does not work gets a plain page in the
browser's language: 404 unknown or tampered, 410 expired or its entry archived, 429 throttled.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from directory.extensions import current_locale
from directory.services import campaigns, commit, rollback
from directory.services.errors import Conflict, ServiceError, ValidationFailed
from directory.web.contacts.forms import (
    MultiCheckboxField,
    apply_errors,
    fill_details,
    language_choices,
    lines,
    phones_payload,
    text_limit,
)

blueprint = Blueprint("confirm", __name__, url_prefix="/confirm")


class CorrectionForm(FlaskForm):
    """What the person may correct themselves: their details, not their networks or status."""

    given_name = StringField(_l("Given name"), render_kw=text_limit("given_name"))
    family_name = StringField(_l("Family name"), render_kw=text_limit("family_name"))
    native_name = StringField(_l("Name in native script"), render_kw=text_limit("native_name"))
    title = StringField(_l("Title or function"), render_kw=text_limit("title"))
    organisation_name = StringField(_l("Organisation"), render_kw=text_limit("organisation"))
    city = StringField(_l("City"), render_kw=text_limit("city"))
    address = TextAreaField(_l("Address"), render_kw=text_limit("address"))
    emails = TextAreaField(_l("E-mail addresses (one a line)"))
    office_phones = TextAreaField(_l("Office phones (one a line)"))
    mobile_phones = TextAreaField(_l("Mobile phones (one a line)"))
    urgent_phones = TextAreaField(_l("24/7 phones (one a line)"))
    languages = MultiCheckboxField(_l("Languages"), choices=[])
    urgent_instructions = TextAreaField(_l("How to reach them urgently"),
                                        render_kw=text_limit("urgent_instructions"))

    def fill(self, contact_point) -> None:
        fill_details(self, contact_point, ("given_name", "family_name", "native_name", "title",
                                           "city", "address", "urgent_instructions"))

    def payload(self, contact_point) -> dict:
        """The API-shaped corrections (the organisation keeps its kind)."""
        organisation = None
        if (self.organisation_name.data or "").strip():
            kind = contact_point.organisation.kind if contact_point.organisation else None
            organisation = {"name": self.organisation_name.data, "kind": kind}
        return {
            "given_name": self.given_name.data or "",
            "family_name": self.family_name.data or "",
            "native_name": self.native_name.data or None,
            "title": self.title.data or None, "organisation": organisation,
            "city": self.city.data or None, "address": self.address.data or None,
            "emails": lines(self.emails.data),
            "phones": phones_payload(self),
            "languages": self.languages.data or [],
            "urgent_instructions": self.urgent_instructions.data or None,
        }


def _gone(error: ServiceError):
    """A link that does not work: its page, and the count of unknown links kept."""
    commit()
    return render_template("confirm/unusable.html", message=error.message,
                           status=error.status), error.status


def _link(token: str):
    return campaigns.open_link(token, request.remote_addr)


@blueprint.route("/<token>", methods=["GET", "POST"])
def page(token: str):
    """The entry and the three answers; POST `answer`: confirmed or left."""
    link, problem = _link(token)
    if problem is not None:
        return _gone(problem)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        answer = request.form.get("answer")
        try:
            if answer == "confirmed":
                campaigns.still_correct(link)
            elif answer == "left":
                campaigns.leave(link)
            else:
                abort(400)
        except Conflict:
            rollback()
        except ServiceError as error:
            rollback()
            return _gone(error)
        else:
            commit()
        return redirect(url_for("confirm.page", token=token))
    return render_template("confirm/page.html", link=link, entry=link.contact_point,
                           network=link.campaign.network, form=form, token=token)


@blueprint.route("/<token>/correct", methods=["GET", "POST"])
def correct(token: str):
    """The correction form: a proposal to the network's secretariat; invalid values show the
    error summary and nothing is stored."""
    link, problem = _link(token)
    if problem is not None:
        return _gone(problem)
    if link.answer is not None:
        return redirect(url_for("confirm.page", token=token))
    entry = link.contact_point
    form = CorrectionForm()
    form.languages.choices = language_choices(current_locale())
    extra: dict[str, str] = {}
    if request.method == "GET":
        form.fill(entry)
    elif form.validate_on_submit():
        try:
            campaigns.correct(link, form.payload(entry))
        except (ValidationFailed, Conflict) as error:
            rollback()
            campaigns.refused(link.id)
            commit()
            extra = apply_errors(form, error.fields) or (
                {"": error.message} if isinstance(error, Conflict) else {})
        except ServiceError as error:
            rollback()
            return _gone(error)
        else:
            commit()
            return redirect(url_for("confirm.page", token=token))
    status = 422 if request.method == "POST" else 200
    return render_template("confirm/correct.html", form=form, entry=entry, token=token,
                           extra_errors=extra), status
