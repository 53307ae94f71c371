"""Maintaining contact points: validation, create, patch, archive, verify, and their JSON shape.

Pages, the API and the importer all come through here, so an entry is validated, permitted,
versioned, audited and queued for the index in exactly one way.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    Change,
    ChangeCounter,
    ContactPoint,
    Email,
    Membership,
    Network,
    Organisation,
    Phone,
    Specialism,
    User,
    utcnow,
)
from directory.models.contact_point import contact_point_specialism
from directory.services import audit
from directory.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from directory.services.permissions import (
    can_change_shared,
    can_maintain,
    maintained_networks,
    require_maintain,
    require_network,
)
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


# --- reading ---------------------------------------------------------------------------------

def contact_point_query():
    """A select() that loads everything an entry's JSON or page needs in a few queries."""
    return select(ContactPoint).options(
        selectinload(ContactPoint.emails),
        selectinload(ContactPoint.phones),
        selectinload(ContactPoint.memberships).joinedload(Membership.network),
        selectinload(ContactPoint.specialisms),
    )


def get_contact_point(contact_point_id: int) -> ContactPoint:
    contact_point = db.session.scalars(
        contact_point_query().where(ContactPoint.id == contact_point_id)
    ).first()
    if contact_point is None:
        raise NotFound(gettext("There is no entry %(id)s.", id=contact_point_id))
    return contact_point


def stale_after_days() -> int:
    return int(current_app.config["STALE_AFTER_DAYS"])


def is_stale(contact_point: ContactPoint, today: date | None = None) -> bool:
    if contact_point.last_verified_on is None:
        return True
    today = today or date.today()
    return contact_point.last_verified_on < today - timedelta(days=stale_after_days())


def list_contact_points(actor: User, network: list[str] | None = None,
                        country: list[str] | None = None, status: list[str] | None = None,
                        page: int = 1, per_page: int = 50) -> tuple[int, list[ContactPoint]]:
    """A plain listing ordered by id. Archived entries only when asked for by status, and
    only those of the networks the actor maintains (all for an administrator)."""
    query = select(ContactPoint.id)
    if network:
        query = query.where(ContactPoint.id.in_(
            select(Membership.contact_point_id).join(Network).where(Network.slug.in_(network))
        ))
    if country:
        query = query.where(ContactPoint.country.in_([code.upper() for code in country]))
    if status:
        query = query.where(ContactPoint.status.in_(status))
    else:
        query = query.where(ContactPoint.status != "archived")
    if status and "archived" in status:
        query = _archived_only_of_own_networks(actor, query)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    ids = query.order_by(ContactPoint.id).limit(per_page).offset((page - 1) * per_page)
    rows = db.session.scalars(
        contact_point_query().where(ContactPoint.id.in_(ids)).order_by(ContactPoint.id)
    ).all()
    return total or 0, list(rows)


def _archived_only_of_own_networks(actor: User, query):
    allowed = maintained_networks(actor)
    if allowed is None:
        return query
    if not allowed:
        raise PermissionDenied(gettext("Only those who maintain entries may list archived ones."))
    return query.where(or_(ContactPoint.status != "archived", ContactPoint.id.in_(
        select(Membership.contact_point_id).join(Network).where(Network.slug.in_(allowed)))))


def contact_point_json(contact_point: ContactPoint, today: date | None = None) -> dict[str, Any]:
    organisation = contact_point.organisation
    return {
        "id": contact_point.id,
        "given_name": contact_point.given_name,
        "family_name": contact_point.family_name,
        "native_name": contact_point.native_name,
        "name_variants": list(contact_point.name_variants or []),
        "title": contact_point.title,
        "organisation": (
            {"id": organisation.id, "name": organisation.name, "kind": organisation.kind}
            if organisation else None
        ),
        "country": contact_point.country,
        "city": contact_point.city,
        "address": contact_point.address,
        "emails": [email.address for email in contact_point.emails],
        "phones": [{"number": phone.number, "kind": phone.kind} for phone in contact_point.phones],
        "languages": list(contact_point.languages or []),
        "specialisms": [specialism.slug for specialism in contact_point.specialisms],
        "urgent": contact_point.urgent,
        "urgent_instructions": contact_point.urgent_instructions,
        "notes": contact_point.notes,
        "status": contact_point.status,
        "last_verified_on": (
            contact_point.last_verified_on.isoformat() if contact_point.last_verified_on else None
        ),
        "stale": is_stale(contact_point, today),
        "version": contact_point.version,
        "memberships": [
            {"network": membership.network.slug, "role": membership.role,
             "external_id": membership.external_id}
            for membership in contact_point.memberships
        ],
    }


# JSON of entries by (id, version), per app in each process: a search page answers without
# loading 20 entries with their e-mails, phones, memberships and specialisms. Every change to
# those bumps the version; the organisation and `stale` are read fresh each time, as they
# change without it.
_JSON_CACHE_SIZE = 20_000
_json_cache_lock = threading.Lock()


def _json_cache() -> OrderedDict[tuple[int, int], dict[str, Any]]:
    return current_app.extensions.setdefault("counterpart_json_cache", OrderedDict())


def _bodies_without_organisation(ids: list[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """contact_point_json of several entries by (id, version), read with plain queries (the
    ORM's loading was most of a search's time); `organisation` and `stale` are filled in by
    the caller."""
    bodies: dict[int, dict[str, Any]] = {}
    versions: dict[int, int] = {}
    for row in db.session.execute(
            select(ContactPoint.id, ContactPoint.version, ContactPoint.given_name,
                   ContactPoint.family_name, ContactPoint.native_name,
                   ContactPoint.name_variants, ContactPoint.title, ContactPoint.country,
                   ContactPoint.city, ContactPoint.address, ContactPoint.languages,
                   ContactPoint.urgent, ContactPoint.urgent_instructions, ContactPoint.notes,
                   ContactPoint.status, ContactPoint.last_verified_on)
            .where(ContactPoint.id.in_(ids))):
        versions[row.id] = row.version
        bodies[row.id] = {
            "id": row.id, "given_name": row.given_name, "family_name": row.family_name,
            "native_name": row.native_name, "name_variants": list(row.name_variants or []),
            "title": row.title, "organisation": None, "country": row.country,
            "city": row.city, "address": row.address, "emails": [], "phones": [],
            "languages": list(row.languages or []), "specialisms": [], "urgent": row.urgent,
            "urgent_instructions": row.urgent_instructions, "notes": row.notes,
            "status": row.status,
            "last_verified_on": row.last_verified_on.isoformat() if row.last_verified_on else None,
            "stale": None, "version": row.version, "memberships": [],
        }
    found = list(bodies)
    for entry_id, address in db.session.execute(
            select(Email.contact_point_id, Email.address)
            .where(Email.contact_point_id.in_(found)).order_by(Email.position, Email.id)):
        bodies[entry_id]["emails"].append(address)
    for entry_id, number, kind in db.session.execute(
            select(Phone.contact_point_id, Phone.number, Phone.kind)
            .where(Phone.contact_point_id.in_(found)).order_by(Phone.position, Phone.id)):
        bodies[entry_id]["phones"].append({"number": number, "kind": kind})
    for entry_id, slug in db.session.execute(
            select(contact_point_specialism.c.contact_point_id, Specialism.slug)
            .join(Specialism, Specialism.slug == contact_point_specialism.c.specialism_slug)
            .where(contact_point_specialism.c.contact_point_id.in_(found))
            .order_by(Specialism.position)):
        bodies[entry_id]["specialisms"].append(slug)
    for entry_id, network, role, external_id in db.session.execute(
            select(Membership.contact_point_id, Network.slug, Membership.role,
                   Membership.external_id)
            .join(Network, Network.id == Membership.network_id)
            .where(Membership.contact_point_id.in_(found)).order_by(Membership.id)):
        bodies[entry_id]["memberships"].append(
            {"network": network, "role": role, "external_id": external_id})
    return {(entry_id, versions[entry_id]): body for entry_id, body in bodies.items()}


def contact_points_json(ids: list[int], today: date | None = None) -> dict[int, dict[str, Any]]:
    """The JSON of several entries (archived ones included: callers decide), by id."""
    if not ids:
        return {}
    today = today or date.today()
    cutoff = today - timedelta(days=stale_after_days())
    heads = db.session.execute(
        select(ContactPoint.id, ContactPoint.version, ContactPoint.last_verified_on,
               Organisation.id, Organisation.name, Organisation.kind)
        .outerjoin(Organisation, Organisation.id == ContactPoint.organisation_id)
        .where(ContactPoint.id.in_(ids))
    ).all()
    cache = _json_cache()
    with _json_cache_lock:
        cached = {key: cache.get(key) for key in ((row[0], row[1]) for row in heads)}
    missing = [entry_id for (entry_id, version), body in cached.items() if body is None]
    if missing:
        loaded = _bodies_without_organisation(missing)
        # Read committed: an entry may have changed since `heads`; its newer body serves.
        newer = {key[0]: body for key, body in loaded.items()}
        for key in [key for key, body in cached.items() if body is None]:
            cached[key] = newer.get(key[0])
        with _json_cache_lock:
            for key, body in loaded.items():
                cache[key] = body
                cache.move_to_end(key)
            while len(cache) > _JSON_CACHE_SIZE:
                cache.popitem(last=False)
    bodies = {}
    for entry_id, version, verified, organisation_id, organisation, kind in heads:
        body = cached.get((entry_id, version))
        if body is None:  # not there any more (cannot happen: entries are archived, not deleted)
            continue
        bodies[entry_id] = {
            **body,
            "organisation": {"id": organisation_id, "name": organisation, "kind": kind}
            if organisation_id is not None else None,
            "stale": verified is None or verified < cutoff,
        }
    return bodies


def _snapshot(contact_point: ContactPoint) -> dict[str, Any]:
    """The audited state: the JSON shape minus what every change bumps anyway."""
    state = contact_point_json(contact_point)
    for key in ("id", "version", "stale"):
        state.pop(key)
    return state


# --- validation ------------------------------------------------------------------------------

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
        _forget_new_organisation(clean)  # nothing half-made may reach the database
        raise ValidationFailed(errors)
    return clean


# --- writing ---------------------------------------------------------------------------------

def record_changes(contact_point_ids: Iterable[int]) -> None:
    """Queue entries for the index: one change-sequence number each, in commit order."""
    ids = list(contact_point_ids)
    if not ids:
        return
    last = db.session.execute(
        update(ChangeCounter).where(ChangeCounter.id == 1)
        .values(value=ChangeCounter.value + len(ids)).returning(ChangeCounter.value)
    ).scalar_one()
    first = last - len(ids) + 1
    db.session.add_all(
        Change(seq=first + offset, contact_point_id=contact_point_id)
        for offset, contact_point_id in enumerate(ids)
    )
    db.session.info["index_dirty"] = True


def _email_owners(addresses: list[str]) -> dict[str, int]:
    if not addresses:
        return {}
    rows = db.session.execute(
        select(Email.address, Email.contact_point_id).where(Email.address.in_(addresses))
    )
    return {address: owner for address, owner in rows}


def _external_id_owner(network: Network, external_id: str) -> int | None:
    return db.session.scalar(
        select(Membership.contact_point_id).where(
            Membership.network_id == network.id, Membership.external_id == external_id
        )
    )


def _apply(contact_point: ContactPoint, clean: dict[str, Any]) -> None:
    for field in ("given_name", "family_name", "native_name", "title", "country", "city",
                  "address", "urgent", "urgent_instructions", "notes", "status",
                  "last_verified_on"):
        if field in clean:
            setattr(contact_point, field, clean[field])
    if "name_variants" in clean:
        contact_point.name_variants = clean["name_variants"]
    if "languages" in clean:
        contact_point.languages = clean["languages"]
    if "organisation" in clean:
        contact_point.organisation = clean["organisation"]
    if "specialisms" in clean:
        contact_point.specialisms = clean["specialisms"]
    if "emails" in clean:
        existing = {email.address: email for email in contact_point.emails}
        contact_point.emails = [
            existing.get(address) or Email(address=address) for address in clean["emails"]
        ]
        for position, email in enumerate(contact_point.emails):
            email.position = position
    if "phones" in clean:
        contact_point.phones = [
            Phone(number=number, kind=kind, position=position)
            for position, (number, kind) in enumerate(clean["phones"])
        ]
    if "memberships" in clean:
        existing = {membership.network.slug: membership for membership in contact_point.memberships}
        memberships = []
        for network, role, external_id in clean["memberships"]:
            membership = existing.get(network.slug) or Membership(network=network)
            membership.role = role
            membership.external_id = external_id
            memberships.append(membership)
        contact_point.memberships = memberships


def _check_unique(clean: dict[str, Any], contact_point_id: int | None) -> None:
    owners = _email_owners(clean.get("emails") or [])
    for address, owner in owners.items():
        if owner != contact_point_id:
            raise Conflict(gettext("The e-mail %(address)s already belongs to entry %(id)s.",
                                   address=address, id=owner),
                           {"emails": gettext("%(address)s already belongs to entry %(id)s.",
                                              address=address, id=owner)},
                           existing_id=owner)
    for network, _, external_id in clean.get("memberships") or []:
        if external_id:
            owner = _external_id_owner(network, external_id)
            if owner is not None and owner != contact_point_id:
                message = gettext("%(network)s id %(external_id)s already belongs to entry "
                                  "%(id)s.", network=network.slug, external_id=external_id,
                                  id=owner)
                raise Conflict(message, {"memberships": message}, existing_id=owner)


def create_contact_point(actor: User, payload: Any) -> tuple[ContactPoint, bool]:
    """Create an entry, or add a network to the existing entry with the same e-mail.

    Returns (entry, created). A person already in the directory who comes with a network they
    are not yet a member of becomes a new membership of the existing entry, never a duplicate.
    """
    clean = validate(payload, partial=False)
    allowed = maintained_networks(actor)
    requested = [network.slug for network, _, _ in clean["memberships"]]
    if allowed is not None:
        require_maintain(actor)
        if not requested:
            raise ValidationFailed({"memberships": gettext(
                "Name at least one of your networks: %(networks)s.",
                networks=", ".join(sorted(allowed)))})
        for slug in requested:
            require_network(actor, slug)
    owners = set(_email_owners(clean["emails"]).values())
    if owners:
        existing = get_contact_point(owners.pop())
        if existing.status == "archived":
            raise Conflict(
                gettext("This person is in the directory as entry %(id)s, which is archived: "
                        "restore that entry (set its status to active) instead of creating a "
                        "new one.", id=existing.id),
                {"emails": gettext("Belongs to the archived entry %(id)s.", id=existing.id)},
                existing_id=existing.id)
        have = set(existing.network_slugs)
        new = [item for item in clean["memberships"] if item[0].slug not in have]
        if not new:
            raise Conflict(
                gettext("This person is already in the directory as entry %(id)s.",
                        id=existing.id),
                {"emails": gettext("Already belongs to entry %(id)s.", id=existing.id)},
                existing_id=existing.id)
        _check_unique({"memberships": new}, existing.id)
        before = _snapshot(existing)
        for network, role, external_id in new:
            existing.memberships.append(Membership(network=network, role=role,
                                                   external_id=external_id))
        _touch(existing)
        db.session.flush()
        audit.record(actor, "contact_point.membership_added", "contact_point", existing.id,
                     audit.diff(before, _snapshot(existing)))
        record_changes([existing.id])
        return existing, False
    _check_unique(clean, None)
    contact_point = ContactPoint(name_variants=[], languages=[])
    _apply(contact_point, clean)
    db.session.add(contact_point)
    db.session.flush()
    audit.record(actor, "contact_point.created", "contact_point", contact_point.id,
                 audit.diff({}, _snapshot(contact_point)))
    record_changes([contact_point.id])
    return contact_point, True


def _touch(contact_point: ContactPoint) -> None:
    contact_point.version += 1
    contact_point.updated_at = utcnow()


def _require_entry_access(actor: User, contact_point: ContactPoint) -> None:
    require_maintain(actor, contact_point.network_slugs)


def _require_version(contact_point: ContactPoint, version: Any) -> None:
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationFailed({"version": gettext("Must be the entry's version number.")})
    if version != contact_point.version:
        raise Conflict(
            gettext("Entry %(id)s was changed by someone else (your version %(version)s, "
                    "current version %(current)s). Reload it and apply your change again.",
                    id=contact_point.id, version=version, current=contact_point.version),
            {"version": gettext("Stale: the current version is %(current)s.",
                                current=contact_point.version)},
            existing_id=contact_point.id)


def update_contact_point(actor: User, contact_point_id: int, payload: Any,
                         version: Any = None) -> ContactPoint:
    contact_point = get_contact_point(contact_point_id)
    _require_entry_access(actor, contact_point)
    if isinstance(payload, dict) and "version" in payload:
        version = payload["version"]
    _require_version(contact_point, version)
    clean = validate(payload, partial=True, current_country=contact_point.country)
    if "memberships" in clean:
        _require_own_memberships(actor, contact_point, clean["memberships"])
    if shared_changes(contact_point, clean) and not can_change_shared(
            actor, contact_point.network_slugs):
        _forget_new_organisation(clean)
        raise PermissionDenied(gettext(
            "This entry is shared with networks you do not maintain: only their "
            "secretariats and you together may change its details."))
    _check_unique(clean, contact_point.id)
    before = _snapshot(contact_point)
    _apply(contact_point, clean)
    db.session.flush()
    changes = audit.diff(before, _snapshot(contact_point))
    if changes:
        _touch(contact_point)
        db.session.flush()
        audit.record(actor, "contact_point.updated", "contact_point", contact_point.id, changes)
        record_changes([contact_point.id])
    return contact_point


def _require_own_memberships(actor: User, contact_point: ContactPoint,
                             memberships: list[tuple[Network, str, str | None]]) -> None:
    """A secretariat adds, changes or removes the memberships of its own networks only."""
    if maintained_networks(actor) is None:
        return
    before = {m.network.slug: (m.role, m.external_id) for m in contact_point.memberships}
    after = {network.slug: (role, external_id) for network, role, external_id in memberships}
    for slug in set(before) | set(after):
        if before.get(slug) != after.get(slug):
            require_network(actor, slug)


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


def _forget_new_organisation(clean: dict[str, Any]) -> None:
    """Nothing is written: an organisation that validation created just now goes too."""
    organisation = clean.get("organisation")
    if organisation is not None and organisation.id is None:
        db.session.expunge(organisation)


def archive_contact_point(actor: User, contact_point_id: int, version: Any = None) -> ContactPoint:
    """Archive an entry; a secretariat that shares it with networks it does not maintain
    removes its own networks' memberships only, and the entry stays for the others."""
    contact_point = get_contact_point(contact_point_id)
    _require_entry_access(actor, contact_point)
    if can_change_shared(actor, contact_point.network_slugs):
        return _set_state(actor, contact_point_id, version, "contact_point.archived",
                          status="archived")
    _require_version(contact_point, version)
    own = maintained_networks(actor) or set()
    before = _snapshot(contact_point)
    contact_point.memberships = [membership for membership in contact_point.memberships
                                 if membership.network.slug not in own]
    _touch(contact_point)
    db.session.flush()
    audit.record(actor, "contact_point.membership_removed", "contact_point", contact_point.id,
                 audit.diff(before, _snapshot(contact_point)))
    record_changes([contact_point.id])
    return contact_point


def verify_contact_point(actor: User, contact_point_id: int, version: Any = None) -> ContactPoint:
    return _set_state(actor, contact_point_id, version, "contact_point.verified",
                      last_verified_on=date.today())


def _set_state(actor: User, contact_point_id: int, version: Any, action: str,
               **values: Any) -> ContactPoint:
    contact_point = get_contact_point(contact_point_id)
    _require_entry_access(actor, contact_point)
    _require_version(contact_point, version)
    before = _snapshot(contact_point)
    for field, value in values.items():
        setattr(contact_point, field, value)
    _touch(contact_point)
    db.session.flush()
    audit.record(actor, action, "contact_point", contact_point.id,
                 audit.diff(before, _snapshot(contact_point)))
    record_changes([contact_point.id])
    return contact_point


def may_edit(actor: User, contact_point: ContactPoint) -> bool:
    return can_maintain(actor, contact_point.network_slugs)


def get_visible_contact_point(actor: User, contact_point_id: int) -> ContactPoint:
    """An entry as the actor may read it: archived entries only for those who may restore them."""
    contact_point = get_contact_point(contact_point_id)
    if contact_point.status == "archived" and not may_edit(actor, contact_point):
        raise NotFound(gettext("There is no entry %(id)s.", id=contact_point_id))
    return contact_point
