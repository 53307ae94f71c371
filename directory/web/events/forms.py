"""The forms of initial contacts. WTForms checks the shape and the CSRF token; the events
service validates the values, so the page and the API refuse the same things the same way."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.widgets import DateInput

from directory import vocabulary


class LogContactForm(FlaskForm):
    # A fresh key per form shown: submitting the same form twice logs one contact.
    idempotency_key = HiddenField()
    occurred_on = StringField(_l("Date of the contact"), widget=DateInput())
    matter = SelectField(_l("Matter"), choices=[], validate_choice=False)
    plan = RadioField(_l("Action plan"), choices=[], validate_choice=False, default="")
    network = SelectField(_l("Network used"), choices=[], validate_choice=False)
    channel = RadioField(_l("Channel"), choices=[], validate_choice=False, default="email")
    purpose = SelectField(_l("Purpose"), choices=[], validate_choice=False)
    established = BooleanField(_l("The counterpart answered: the contact is established"))
    established_on = StringField(_l("Date of the answer"), widget=DateInput())
    note = TextAreaField(_l("Short note"))

    def fill_choices(self, locale: str, matters: dict[str, Any], networks: list[Any]) -> None:
        self.matter.choices = [("", "—")] + [(slug, s.label(locale)) for slug, s in matters.items()]
        self.plan.choices = [("", _l("From the matter"))] + [
            (slug, term.label(locale)) for slug, term in vocabulary.PLANS.items()]
        self.network.choices = ([] if len(networks) == 1 else [("", "—")]) + [
            (network.slug, network.label(locale)) for network in networks]
        self.channel.choices = [(slug, term.label(locale))
                                for slug, term in vocabulary.CHANNELS.items()]
        self.purpose.choices = [("", "—")] + [(slug, term.label(locale))
                                              for slug, term in vocabulary.PURPOSES.items()]

    def payload(self, contact_point_id: int) -> dict[str, Any]:
        """The API-shaped payload the events service validates."""
        return {
            "contact_point_id": contact_point_id,
            "occurred_on": self.occurred_on.data or None,
            "matter": self.matter.data or None,
            "plan": self.plan.data or None,
            "network": self.network.data or None,
            "channel": self.channel.data or None,
            "purpose": self.purpose.data or None,
            "established": bool(self.established.data),
            "established_on": self.established_on.data or None,
            "note": self.note.data or None,
            "idempotency_key": self.idempotency_key.data or None,
        }


class EstablishedForm(FlaskForm):
    established_on = StringField(_l("Date of the answer"), widget=DateInput())


class VoidForm(FlaskForm):
    reason = StringField(_l("Reason for voiding"))


def apply_errors(form: FlaskForm, fields: dict[str, str]) -> dict[str, str]:
    """Put service errors on the form's fields; the rest become one message without a field."""
    unplaced = []
    for name, message in fields.items():
        if name in form._fields:
            form[name].errors = list(form[name].errors or []) + [message]
        else:
            unplaced.append(message)
    return {"": " ".join(unplaced)} if unplaced else {}
