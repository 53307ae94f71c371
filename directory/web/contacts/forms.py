"""The entry form. WTForms checks the shape and the CSRF token; the service validates values."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from directory import fields, vocabulary


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def text_limit(name: str) -> dict[str, int]:
    """The browser's own limit on a text field, as `fields` defines it (the service checks
    it too, with a message naming the field)."""
    return {"maxlength": fields.TEXTS[name].max_length}


class ContactPointForm(FlaskForm):
    version = HiddenField()
    given_name = StringField(_l("Given name"), render_kw=text_limit("given_name"))
    family_name = StringField(_l("Family name"), render_kw=text_limit("family_name"))
    native_name = StringField(_l("Name in native script"), render_kw=text_limit("native_name"))
    name_variants = TextAreaField(_l("Other spellings of the name (one a line)"))
    title = StringField(_l("Title or function"), render_kw=text_limit("title"))
    organisation_name = StringField(_l("Organisation"), render_kw=text_limit("organisation"))
    organisation_kind = SelectField(_l("Kind of organisation"), choices=[])
    country = SelectField(_l("Country"), choices=[])
    city = StringField(_l("City"), render_kw=text_limit("city"))
    address = TextAreaField(_l("Address"), render_kw=text_limit("address"))
    emails = TextAreaField(_l("E-mail addresses (one a line)"))
    office_phones = TextAreaField(_l("Office phones (one a line)"))
    mobile_phones = TextAreaField(_l("Mobile phones (one a line)"))
    urgent_phones = TextAreaField(_l("24/7 phones (one a line)"))
    languages = MultiCheckboxField(_l("Languages"), choices=[])
    specialisms = MultiCheckboxField(_l("Specialisms"), choices=[])
    urgent = BooleanField(_l("Available 24/7 for urgent requests"))
    urgent_instructions = TextAreaField(_l("How to reach them urgently"),
                                        render_kw=text_limit("urgent_instructions"))
    notes = TextAreaField(_l("Notes"), render_kw=text_limit("notes"))
    status = SelectField(_l("Status"), choices=[])
    last_verified_on = DateField(_l("Last verified on"), validators=[Optional()])

    def fill_choices(self, locale: str, specialisms: list[Any]) -> None:
        self.country.choices = [("", "—")] + sorted(
            ((code, term.label(locale)) for code, term in vocabulary.countries().items()),
            key=lambda item: item[1])
        self.languages.choices = language_choices(locale)
        self.organisation_kind.choices = [("", "—")] + [
            (slug, term.label(locale)) for slug, term in vocabulary.ORGANISATION_KINDS.items()]
        self.status.choices = [(slug, term.label(locale))
                               for slug, term in vocabulary.STATUSES.items()]
        self.specialisms.choices = [(s.slug, s.label(locale)) for s in specialisms]


def language_choices(locale: str) -> list[tuple[str, str]]:
    """Every language by its name in `locale`, in that language's alphabetical order (accents
    folded, so that Éwé comes among the e)."""
    return sorted(((code, term.label(locale)) for code, term in vocabulary.languages().items()),
                  key=lambda item: vocabulary.fold(item[1]))


PHONE_FIELDS = {"office_phones": "office", "mobile_phones": "mobile", "urgent_phones": "24-7"}
# Where a service error about a JSON field is shown on this form.
ERROR_FIELDS = {"organisation": "organisation_name", "phones": "office_phones"}


def lines(text: str | None) -> list[str]:
    """A textarea's values, one a line (or separated by semicolons)."""
    return [line.strip() for line in (text or "").replace(";", "\n").splitlines() if line.strip()]


def phones_payload(form: FlaskForm) -> list[dict[str, str]]:
    """The phones of a form with PHONE_FIELDS, as the API takes them."""
    return [{"number": number, "kind": kind}
            for field, kind in PHONE_FIELDS.items() for number in lines(getattr(form, field).data)]


def fill_details(form: FlaskForm, contact_point: Any, names: tuple[str, ...]) -> None:
    """The fields a person's details share between the entry form and the correction form:
    `names` copied as they are, the organisation's name, e-mails, phones and languages."""
    for name in names:
        getattr(form, name).data = getattr(contact_point, name)
    if contact_point.organisation:
        form.organisation_name.data = contact_point.organisation.name
    form.emails.data = "\n".join(email.address for email in contact_point.emails)
    for field, kind in PHONE_FIELDS.items():
        getattr(form, field).data = "\n".join(
            phone.number for phone in contact_point.phones if phone.kind == kind)
    form.languages.data = list(contact_point.languages or [])


def payload_from_form(form: ContactPointForm, memberships: list[dict[str, Any]]) -> dict[str, Any]:
    """The API-shaped payload the contacts service validates."""
    phones = phones_payload(form)
    organisation = None
    if (form.organisation_name.data or "").strip():
        organisation = {"name": form.organisation_name.data,
                        "kind": form.organisation_kind.data or None}
    return {
        "given_name": form.given_name.data or "",
        "family_name": form.family_name.data or "",
        "native_name": form.native_name.data or None,
        "name_variants": lines(form.name_variants.data),
        "title": form.title.data or None,
        "organisation": organisation,
        "country": form.country.data or "",
        "city": form.city.data or None,
        "address": form.address.data or None,
        "emails": lines(form.emails.data),
        "phones": phones,
        "languages": form.languages.data or [],
        "specialisms": form.specialisms.data or [],
        "urgent": bool(form.urgent.data),
        "urgent_instructions": form.urgent_instructions.data or None,
        "notes": form.notes.data or None,
        "status": form.status.data or "active",
        "last_verified_on": form.last_verified_on.data.isoformat()
        if form.last_verified_on.data else None,
        "memberships": memberships,
    }


def fill_form(form: ContactPointForm, contact_point: Any) -> None:
    form.version.data = str(contact_point.version)
    fill_details(form, contact_point, (
        "given_name", "family_name", "native_name", "title", "city", "address", "urgent",
        "urgent_instructions", "notes", "status", "last_verified_on", "country"))
    form.name_variants.data = "\n".join(contact_point.name_variants or [])
    if contact_point.organisation:
        form.organisation_kind.data = contact_point.organisation.kind or ""
    form.specialisms.data = [specialism.slug for specialism in contact_point.specialisms]


def apply_errors(form: ContactPointForm, fields: dict[str, str]) -> dict[str, str]:
    """Put service errors on the form's fields; return those that belong to no field."""
    unplaced = {}
    for name, message in fields.items():
        field = getattr(form, ERROR_FIELDS.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            unplaced[name] = message
    return unplaced


class EraseForm(FlaskForm):
    """Erasing a person: a reason (audited) and a confirmation, for there is no undo."""

    reason = TextAreaField(_l("Reason for the erasure"), render_kw={"maxlength": 500})
    confirm = BooleanField(_l("I understand that this person's data is erased for good"))
