"""The JSON shape of contact points (SPEC section 5), one at a time or many from a cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from directory.extensions import db
from directory.models import (
    ContactPoint,
    Email,
    Membership,
    Network,
    Organisation,
    Phone,
    Specialism,
)
from directory.models.contact_point import contact_point_specialism
from directory.services.contact_queries import is_stale, stale_cutoff


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
    cutoff = stale_cutoff(today)
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


def audited_state(contact_point: ContactPoint) -> dict[str, Any]:
    """The audited state: the JSON shape minus what every change bumps anyway."""
    state = contact_point_json(contact_point)
    for key in ("id", "version", "stale"):
        state.pop(key)
    return state
