"""Validating what a form or the API sends for a contact point, and what it would change.

`validate` turns a JSON-like payload into clean values, or raises ValidationFailed naming every
bad field; `shared_changes` says which of the shared fields (all but the memberships) a clean
payload would change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from directory import fields, vocabulary
from directory.extensions import db
from directory.models import ContactPoint, Network, Organisation, Specialism
from directory.services.contact_json import contact_point_json
from directory.services.contact_writes import record_changes
from directory.services.errors import ValidationFailed
from directory.services.numbers import parse_whole_number
from imports.normalise import normalise_email, normalise_phone

STATUSES = tuple(vocabulary.STATUSES)


EDITABLE_FIELDS = (
    "given_name", "family_name", "native_name", "name_variants", "title", "organisation",
    "country", "city", "address", "emails", "phones", "languages", "specialisms", "urgent",
    "urgent_instructions", "notes", "status", "last_verified_on", "memberships",
)


def problem_text(problem: fields.Problem) -> str:
    """A field's problem in the reader's language (the field itself is named by the caller)."""
    return gettext(problem.message, **problem.values)


def _text(value: Any, field: str, errors: dict[str, str], required: bool = False) -> str | None:
    """A text field as `fields` defines it: normalised, measured, its characters checked."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = gettext("Must be text.")
        return None
    text, problem = fields.clean_text(field, value)
    if problem is not None:
        errors[field] = problem_text(problem)
        return None
    if required and not text:
        errors[field] = gettext("This field is required.")
        return None
    return text or None


def _string_list(value: Any, field: str, errors: dict[str, str]) -> list[str] | None:
    """Lists may come as JSON lists or, from forms, as text with one value a line or `;`;
    `fields` says how many values and how long each."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(";", "\n").splitlines()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors[field] = gettext("Must be a list of text values.")
        return None
    items = [" ".join(item.split()) if field == "name_variants" else item.strip()
             for item in value]
    items = [item for item in items if item]
    problem = fields.check_items(field, items)
    if problem is not None:
        errors[field] = problem_text(problem)
        return None
    return items


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
            isinstance(organisation_id, int) and parse_whole_number(organisation_id)) else None
        if organisation is None:
            errors["organisation"] = gettext("There is no organisation %(id)s.",
                                              id=repr(value["id"]))
        return organisation
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["organisation"] = gettext("An organisation needs an id or a name.")
        return None
    name, problem = fields.clean_text("organisation", name)
    if problem is not None:
        errors["organisation"] = problem_text(problem)
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


def _phones(value: Any, country: str | None,
            errors: dict[str, str]) -> list[tuple[str, str]] | None:
    items = _phone_items(value, errors)
    if items is None:
        return None
    problem = fields.check_items("phones", [number for number, _ in items])
    if problem is not None:
        errors["phones"] = problem_text(problem)
        return None
    cleaned: list[tuple[str, str]] = []
    for text, kind in items:
        try:
            number = normalise_phone(text, country)
        except ValueError:
            errors["phones"] = gettext("'%(value)s' is not a valid phone number.", value=text)
            return None
        if (number, kind) not in cleaned:
            cleaned.append((number, kind))
    return cleaned


def _phone_items(value: Any, errors: dict[str, str]) -> list[tuple[str, str]] | None:
    """(number as written, kind) of each phone: a JSON list of {"number", "kind"} (or of
    numbers), or text with one number a line."""
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(";", "\n").splitlines() if part.strip()]
    if not isinstance(value, list):
        errors["phones"] = gettext('Must be a list of {"number": "...", "kind": "office"}.')
        return None
    items = []
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
        items.append((item["number"].strip(), kind))
    return items


def _codes(value: Any, field: str, vocabulary_name: str,
           errors: dict[str, str]) -> list[str] | None:
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


def _memberships(value: Any,
                 errors: dict[str, str]) -> list[tuple[Network, str, str | None]] | None:
    if value is None:
        return []
    if not isinstance(value, list):
        errors["memberships"] = gettext(
            'Must be a list of {"network": "...", "role": "...", "external_id": "..."}.')
        return None
    networks = {network.slug: network for network in db.session.scalars(select(Network))}
    cleaned: list[tuple[Network, str, str | None]] = []
    for item in value:
        problem = _membership_problem(item, networks)
        if problem is None and any(network.slug == item["network"] for network, _, _ in cleaned):
            problem = gettext("The network %(network)s is listed twice.",
                              network=item["network"])
        external_id, id_problem = _external_id(item.get("external_id") if isinstance(
            item, dict) else None)
        problem = problem or id_problem
        if problem is not None:
            errors["memberships"] = problem
            return None
        network = networks[item["network"]]
        cleaned.append((network, item.get("role") or _default_role(network), external_id))
    return cleaned


def _default_role(network: Network) -> str:
    return network.roles[0].slug if network.roles else ""


def _membership_problem(item: Any, networks: dict[str, Network]) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("network"), str):
        return gettext('Each membership needs a "network".')
    network = networks.get(item["network"])
    if network is None:
        return gettext("'%(value)s' is not a network; use one of %(choices)s.",
                       value=item["network"], choices=", ".join(networks))
    role = item.get("role") or _default_role(network)
    if not isinstance(role, str) or network.role(role) is None:
        return gettext("'%(role)s' is not a role of %(network)s; use one of %(choices)s.",
                       role=role, network=network.slug,
                       choices=", ".join(r.slug for r in network.roles))
    return None


def _external_id(value: Any) -> tuple[str | None, str | None]:
    """(the network's own id for the entry, or the problem with it)."""
    if value is None:
        return None, None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None, gettext("An external id must be text.")
    text, problem = fields.clean_text("external_id", str(value))
    return text or None, problem_text(problem) if problem is not None else None


def _status(value: Any, errors: dict[str, str]) -> str | None:
    status = value or "active"
    if status not in STATUSES:
        errors["status"] = gettext("'%(value)s' is not a status; use one of %(choices)s.",
                                   value=status, choices=", ".join(STATUSES))
        return None
    return status


def _optional_text(field: str, value: Any, errors: dict[str, str], _country: str | None):
    return _text(value, field, errors)


# How each field is cleaned: (value, errors, the entry's country) → clean value.
_CLEANERS: dict[str, Callable[[Any, dict[str, str], str | None], Any]] = {
    "given_name": lambda value, errors, _: _text(value, "given_name", errors) or "",
    "family_name": lambda value, errors, _: _text(value, "family_name", errors, required=True),
    **{name: partial(_optional_text, name) for name in (
        "native_name", "title", "city", "address", "urgent_instructions", "notes")},
    "name_variants": lambda value, errors, _: _string_list(value, "name_variants", errors),
    "organisation": lambda value, errors, country: _organisation(value, country, errors),
    "emails": lambda value, errors, _: _emails(value, errors),
    "phones": lambda value, errors, country: _phones(value, country, errors),
    "languages": lambda value, errors, _: _codes(value, "languages", "language", errors),
    "specialisms": lambda value, errors, _: _specialisms(value, errors),
    "urgent": lambda value, errors, _: _boolean(value, "urgent", errors),
    "status": lambda value, errors, _: _status(value, errors),
    "last_verified_on": lambda value, errors, _: _date(value, "last_verified_on", errors),
    "memberships": lambda value, errors, _: _memberships(value, errors),
}


def validate(payload: Any, partial: bool, current_country: str | None = None) -> dict[str, Any]:
    """Turn a JSON-like payload into clean values; raise ValidationFailed naming every field.
    `partial`: only the fields present (a PATCH); `current_country`: the entry's, which reads
    national phone numbers when the payload does not change it."""
    if not isinstance(payload, dict):
        raise ValidationFailed({"": gettext("The body must be a JSON object.")})
    errors = {field: gettext("Unknown field.") for field in
              sorted(set(payload) - set(EDITABLE_FIELDS) - {"id", "version", "stale"})}
    clean: dict[str, Any] = {}
    if not partial or "country" in payload:
        clean["country"] = _country(payload.get("country"), errors)
    country = clean.get("country") or current_country
    for field, cleaner in _CLEANERS.items():
        if not partial or field in payload:
            clean[field] = cleaner(payload.get(field), errors, country)
    if errors:
        forget_new_organisation(clean)  # nothing half-made may reach the database
        raise ValidationFailed(errors)
    return clean


SHARED_FIELDS = tuple(field for field in EDITABLE_FIELDS if field != "memberships")


def as_json(field: str, value: Any) -> Any:
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


def _same(field: str, old: Any, new: Any) -> bool:
    if field == "organisation":  # the same row; a new organisation is a change
        return (old and old["id"]) == (new and new["id"]) and (
            new is None or new["id"] is not None)
    return old == new


def shared_changes(contact_point: ContactPoint, clean: dict[str, Any]) -> dict[str, tuple]:
    """The shared fields (all but the memberships) that `clean` would change:
    field → (current, new), both in the entry's JSON shape."""
    current = contact_point_json(contact_point)
    changes = {}
    for field in SHARED_FIELDS:
        if field in clean:
            new = as_json(field, clean[field])
            if not _same(field, current[field], new):
                changes[field] = (current[field], new)
    return changes


def offered_changes(contact_point: ContactPoint, clean: dict[str, Any]) -> dict[str, tuple]:
    """What a new entry's values (a POST for a person already in the directory) would add
    to the entry: the fields it fills that differ, lists merged (what it adds is added,
    nothing is removed). Status and verification stay the entry's own."""
    current = contact_point_json(contact_point)
    changes = {}
    for field in SHARED_FIELDS:
        new = as_json(field, clean.get(field))
        if field in ("status", "last_verified_on") or new in (None, "", [], False):
            continue
        old = current[field]
        if isinstance(new, list):
            new = old + [item for item in new if item not in old]
        if not _same(field, old, new):
            changes[field] = (old, new)
    return changes


def membership_changes(contact_point: ContactPoint,
                       memberships: list[tuple[Network, str, str | None]]
                       ) -> dict[str, tuple[dict | None, dict | None]]:
    """The memberships that differ from the entry's: network slug → (before, after)."""
    before = {m.network.slug: {"role": m.role, "external_id": m.external_id}
              for m in contact_point.memberships}
    after = {network.slug: {"role": role, "external_id": external_id}
             for network, role, external_id in memberships}
    return {slug: (before.get(slug), after.get(slug)) for slug in [*before, *after]
            if before.get(slug) != after.get(slug)}


def forget_new_organisation(clean: dict[str, Any]) -> None:
    """Nothing is written: an organisation that validation created just now goes too."""
    organisation = clean.get("organisation")
    if organisation is not None and organisation.id is None:
        db.session.expunge(organisation)
