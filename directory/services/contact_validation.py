"""Validating what a form or the API sends for a contact point, and what it would change.

`validate` turns a JSON-like payload into clean values, or raises ValidationFailed naming every
bad field; `shared_changes` says which of the shared fields (all but the memberships) a clean
payload would change.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from directory import vocabulary
from directory.extensions import db
from directory.models import ContactPoint, Network, Organisation, Specialism
from directory.services.contact_json import contact_point_json
from directory.services.contact_writes import record_changes
from directory.services.errors import ValidationFailed
from imports.normalise import normalise_email, normalise_phone

TEXT_LIMITS = {
    "given_name": 200, "family_name": 200, "native_name": 300, "title": 300, "city": 200,
    "address": 500, "urgent_instructions": 2000, "notes": 5000,
}


STATUSES = tuple(vocabulary.STATUSES)


EDITABLE_FIELDS = (
    "given_name", "family_name", "native_name", "name_variants", "title", "organisation",
    "country", "city", "address", "emails", "phones", "languages", "specialisms", "urgent",
    "urgent_instructions", "notes", "status", "last_verified_on", "memberships",
)


def _text(value: Any, field: str, errors: dict[str, str], required: bool = False) -> str | None:
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = gettext("Must be text.")
        return None
    value = value.strip()
    if required and not value:
        errors[field] = gettext("This field is required.")
        return None
    if len(value) > TEXT_LIMITS.get(field, 300):
        errors[field] = ngettext("At most %(num)s character.", "At most %(num)s characters.",
                                 TEXT_LIMITS.get(field, 300))
        return None
    return value or None


def _string_list(value: Any, field: str, errors: dict[str, str]) -> list[str] | None:
    """Lists may come as JSON lists or, from forms, as text with one value a line or `;`."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for line in value.replace(";", "\n").splitlines() for part in [line]]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors[field] = gettext("Must be a list of text values.")
        return None
    return [item.strip() for item in value if item.strip()]


def _country(value: Any, errors: dict[str, str], field: str = "country") -> str | None:
    if not isinstance(value, str) or not value.strip():
        errors[field] = gettext("This field is required: an ISO 3166-1 country code such as MA.")
        return None
    code = vocabulary.lookup("country", value)
    if code is None:
        errors[field] = gettext("'%(value)s' is not a known country (use an ISO code such as MA).",
                                value=value)
    return code


def _organisation(value: Any, country: str | None, errors: dict[str, str]) -> Organisation | None:
    if value in (None, "", {}):
        return None
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        errors["organisation"] = gettext('Must be {"id": N} or {"name": "...", "kind": "..."}.')
        return None
    if value.get("id") is not None:
        organisation_id = value["id"]
        organisation = db.session.get(Organisation, organisation_id) if (
            isinstance(organisation_id, int) and not isinstance(organisation_id, bool)) else None
        if organisation is None:
            errors["organisation"] = gettext("There is no organisation %(id)s.",
                                              id=repr(value["id"]))
        return organisation
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["organisation"] = gettext("An organisation needs an id or a name.")
        return None
    name = " ".join(name.split())
    if len(name) > 300:
        errors["organisation"] = ngettext("At most %(num)s character.",
                                          "At most %(num)s characters.", 300)
        return None
    kind = value.get("kind")
    if kind:
        kind = vocabulary.lookup("organisation_kind", str(kind))
        if kind is None:
            errors["organisation"] = gettext(
                "'%(value)s' is not an organisation kind; use one of %(choices)s.",
                value=value.get("kind"), choices=", ".join(vocabulary.ORGANISATION_KINDS))
            return None
    if country is None:
        return None  # the country error is already reported
    return find_or_create_organisation(name, country, kind)


def find_or_create_organisation(name: str, country: str, kind: str | None = None) -> Organisation:
    organisation = db.session.scalars(
        select(Organisation).where(
            Organisation.country == country, func.lower(Organisation.name) == name.lower()
        )
    ).first()
    if organisation is None:
        organisation = Organisation(name=name, country=country, kind=kind)
        db.session.add(organisation)
    elif kind and not organisation.kind:
        organisation.kind = kind
        # The kind is a search filter of every entry of that organisation: re-index them.
        record_changes(db.session.scalars(
            select(ContactPoint.id).where(ContactPoint.organisation_id == organisation.id)))
    return organisation


def _emails(value: Any, errors: dict[str, str]) -> list[str] | None:
    items = _string_list(value, "emails", errors)
    if items is None:
        return None
    cleaned: list[str] = []
    for item in items:
        try:
            address = normalise_email(item)
        except ValueError:
            errors["emails"] = gettext("'%(value)s' is not a valid e-mail address.", value=item)
            return None
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def _phones(value: Any, country: str | None, errors: dict[str, str]) -> list[tuple[str, str]] | None:
    if value is None:
        return []
    if isinstance(value, str):
        value = [{"number": part} for part in value.replace(";", "\n").splitlines() if part.strip()]
    if not isinstance(value, list):
        errors["phones"] = gettext('Must be a list of {"number": "...", "kind": "office"}.')
        return None
    cleaned: list[tuple[str, str]] = []
    for item in value:
        if isinstance(item, str):
            item = {"number": item}
        if not isinstance(item, dict) or not isinstance(item.get("number"), str):
            errors["phones"] = gettext('Each phone must be {"number": "...", "kind": "office"}.')
            return None
        kind = item.get("kind") or "office"
        if not isinstance(kind, str) or kind not in vocabulary.PHONE_KINDS:
            errors["phones"] = gettext("'%(value)s' is not a phone kind; use one of %(choices)s.",
                                       value=kind, choices=", ".join(vocabulary.PHONE_KINDS))
            return None
        try:
            number = normalise_phone(item["number"], country)
        except ValueError:
            errors["phones"] = gettext("'%(value)s' is not a valid phone number.",
                                       value=item["number"])
            return None
        if (number, kind) not in cleaned:
            cleaned.append((number, kind))
    return cleaned


def _codes(value: Any, field: str, vocabulary_name: str, errors: dict[str, str]) -> list[str] | None:
    items = _string_list(value, field, errors)
    if items is None:
        return None
    codes: list[str] = []
    for item in items:
        code = vocabulary.lookup(vocabulary_name, item)
        if code is None:
            errors[field] = (gettext("'%(value)s' is not a known language.", value=item)
                             if vocabulary_name == "language"
                             else f"'{item}' is not a known {vocabulary_name}.")
            return None
        if code not in codes:
            codes.append(code)
    return codes


def _specialisms(value: Any, errors: dict[str, str]) -> list[Specialism] | None:
    slugs = _string_list(value, "specialisms", errors)
    if slugs is None:
        return None
    known = {specialism.slug: specialism for specialism in db.session.scalars(select(Specialism))}
    chosen: list[Specialism] = []
    for item in slugs:
        slug = item if item in known else vocabulary.lookup("specialism", item)
        if slug not in known:
            errors["specialisms"] = gettext(
                "'%(value)s' is not a known specialism; use one of %(choices)s.",
                value=item, choices=", ".join(known))
            return None
        if known[slug] not in chosen:
            chosen.append(known[slug])
    return chosen


def _boolean(value: Any, field: str, errors: dict[str, str]) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (None, ""):
        return False
    if isinstance(value, str) and value.lower() in ("true", "yes", "on", "1", "y", "false",
                                                    "no", "off", "0", "n"):
        return value.lower() in ("true", "yes", "on", "1", "y")
    errors[field] = gettext("Must be true or false.")
    return None


def _date(value: Any, field: str, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        parsed = value
    elif not isinstance(value, str):
        errors[field] = gettext("Must be a date as text, YYYY-MM-DD.")
        return None
    else:
        try:
            parsed = date.fromisoformat(str(value))
        except ValueError:
            errors[field] = gettext("'%(value)s' is not a date (use YYYY-MM-DD).", value=value)
            return None
    if parsed > date.today():
        errors[field] = gettext("Cannot be in the future.")
        return None
    return parsed


def _memberships(value: Any, errors: dict[str, str]) -> list[tuple[Network, str, str | None]] | None:
    if value is None:
        return []
    if not isinstance(value, list):
        errors["memberships"] = gettext(
            'Must be a list of {"network": "...", "role": "...", "external_id": "..."}.')
        return None
    networks = {network.slug: network for network in db.session.scalars(select(Network))}
    cleaned: list[tuple[Network, str, str | None]] = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("network"), str):
            errors["memberships"] = gettext('Each membership needs a "network".')
            return None
        network = networks.get(item["network"])
        if network is None:
            errors["memberships"] = gettext(
                "'%(value)s' is not a network; use one of %(choices)s.",
                value=item["network"], choices=", ".join(networks))
            return None
        role = item.get("role") or (network.roles[0].slug if network.roles else "")
        if network.role(role) is None:
            errors["memberships"] = gettext(
                "'%(role)s' is not a role of %(network)s; use one of %(choices)s.",
                role=role, network=network.slug, choices=", ".join(r.slug for r in network.roles))
            return None
        external_id = item.get("external_id")
        if external_id is not None and (not isinstance(external_id, (str, int))
                                        or isinstance(external_id, bool)):
            errors["memberships"] = gettext("An external id must be text.")
            return None
        external_id = str(external_id).strip() or None if external_id is not None else None
        if any(existing.slug == network.slug for existing, _, _ in cleaned):
            errors["memberships"] = gettext("The network %(network)s is listed twice.",
                                             network=network.slug)
            return None
        cleaned.append((network, role, external_id))
    return cleaned


def validate(payload: Any, partial: bool, current_country: str | None = None) -> dict[str, Any]:
    """Turn a JSON-like payload into clean values; raise ValidationFailed naming every field."""
    if not isinstance(payload, dict):
        raise ValidationFailed({"": gettext("The body must be a JSON object.")})
    errors: dict[str, str] = {}
    unknown = set(payload) - set(EDITABLE_FIELDS) - {"id", "version", "stale"}
    for field in sorted(unknown):
        errors[field] = gettext("Unknown field.")
    clean: dict[str, Any] = {}

    def wanted(field: str) -> bool:
        return not partial or field in payload

    if wanted("country"):
        clean["country"] = _country(payload.get("country"), errors)
    country = clean.get("country") or current_country
    if wanted("family_name"):
        clean["family_name"] = _text(payload.get("family_name"), "family_name", errors,
                                     required=True)
    for field in ("given_name", "native_name", "title", "city", "address",
                  "urgent_instructions", "notes"):
        if wanted(field):
            clean[field] = _text(payload.get(field), field, errors)
    if wanted("given_name"):
        clean["given_name"] = clean.get("given_name") or ""
    if wanted("name_variants"):
        clean["name_variants"] = _string_list(payload.get("name_variants"), "name_variants", errors)
    if wanted("organisation"):
        clean["organisation"] = _organisation(payload.get("organisation"), country, errors)
    if wanted("emails"):
        clean["emails"] = _emails(payload.get("emails"), errors)
    if wanted("phones"):
        clean["phones"] = _phones(payload.get("phones"), country, errors)
    if wanted("languages"):
        clean["languages"] = _codes(payload.get("languages"), "languages", "language", errors)
    if wanted("specialisms"):
        clean["specialisms"] = _specialisms(payload.get("specialisms"), errors)
    if wanted("urgent"):
        clean["urgent"] = _boolean(payload.get("urgent"), "urgent", errors)
    if wanted("status"):
        status = payload.get("status") or "active"
        if status not in STATUSES:
            errors["status"] = gettext("'%(value)s' is not a status; use one of %(choices)s.",
                                       value=status, choices=", ".join(STATUSES))
        clean["status"] = status
    if wanted("last_verified_on"):
        clean["last_verified_on"] = _date(payload.get("last_verified_on"), "last_verified_on",
                                          errors)
    if wanted("memberships"):
        clean["memberships"] = _memberships(payload.get("memberships"), errors)
    if errors:
        forget_new_organisation(clean)  # nothing half-made may reach the database
        raise ValidationFailed(errors)
    return clean


SHARED_FIELDS = tuple(field for field in EDITABLE_FIELDS if field != "memberships")


def _json_value(field: str, value: Any) -> Any:
    """A validated value in the shape of the entry's JSON."""
    if field == "organisation":
        return None if value is None else {"id": value.id, "name": value.name,
                                           "kind": value.kind}
    if field == "specialisms":
        return [specialism.slug for specialism in value]
    if field == "phones":
        return [{"number": number, "kind": kind} for number, kind in value]
    if field == "last_verified_on":
        return value.isoformat() if value else None
    return value


def shared_changes(contact_point: ContactPoint, clean: dict[str, Any]) -> dict[str, tuple]:
    """The shared fields (all but the memberships) that `clean` would change:
    field → (current, new), both in the entry's JSON shape."""
    current = contact_point_json(contact_point)
    changes = {}
    for field in SHARED_FIELDS:
        if field not in clean:
            continue
        new = _json_value(field, clean[field])
        old = current[field]
        if field == "organisation":  # one organisation is the same row, or a new one
            same = (old and old["id"]) == (new and new["id"]) and (
                new is None or new["id"] is not None)
        else:
            same = old == new
        if not same:
            changes[field] = (old, new)
    return changes


def forget_new_organisation(clean: dict[str, Any]) -> None:
    """Nothing is written: an organisation that validation created just now goes too."""
    organisation = clean.get("organisation")
    if organisation is not None and organisation.id is None:
        db.session.expunge(organisation)
