"""Maintaining contact points: create, update, archive, verify (SPEC sections 2 and 5).

Pages, the API and the importer all come through here, so an entry is validated, permitted,
versioned, audited and queued for the index in exactly one way. A secretariat changes the
shared fields of an entry only when it maintains every network of the entry; its own
networks' memberships always.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext

from directory.extensions import db
from directory.models import (
    ContactPoint,
    Email,
    Membership,
    Network,
    Phone,
    User,
    utcnow,
)
from directory.services import audit
from directory.services.contact_json import audited_state
from directory.services.contact_queries import email_owners, external_id_owner, get_contact_point
from directory.services.contact_validation import (
    forget_new_organisation,
    shared_changes,
    validate,
)
from directory.services.contact_writes import record_changes
from directory.services.errors import Conflict, PermissionDenied, ValidationFailed
from directory.services.permissions import (
    can_change_shared,
    maintained_networks,
    require_maintain,
    require_network,
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
    owners = email_owners(clean.get("emails") or [])
    for address, owner in owners.items():
        if owner != contact_point_id:
            raise Conflict(gettext("The e-mail %(address)s already belongs to entry %(id)s.",
                                   address=address, id=owner),
                           {"emails": gettext("%(address)s already belongs to entry %(id)s.",
                                              address=address, id=owner)},
                           existing_id=owner)
    for network, _, external_id in clean.get("memberships") or []:
        if external_id:
            owner = external_id_owner(network, external_id)
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
    owners = set(email_owners(clean["emails"]).values())
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
        before = audited_state(existing)
        for network, role, external_id in new:
            existing.memberships.append(Membership(network=network, role=role,
                                                   external_id=external_id))
        _touch(existing)
        db.session.flush()
        audit.record(actor, "contact_point.membership_added", "contact_point", existing.id,
                     audit.diff(before, audited_state(existing)))
        record_changes([existing.id])
        return existing, False
    _check_unique(clean, None)
    contact_point = ContactPoint(name_variants=[], languages=[])
    _apply(contact_point, clean)
    db.session.add(contact_point)
    db.session.flush()
    audit.record(actor, "contact_point.created", "contact_point", contact_point.id,
                 audit.diff({}, audited_state(contact_point)))
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
        forget_new_organisation(clean)
        raise PermissionDenied(gettext(
            "This entry is shared with networks you do not maintain: only their "
            "secretariats and you together may change its details."))
    _check_unique(clean, contact_point.id)
    before = audited_state(contact_point)
    _apply(contact_point, clean)
    db.session.flush()
    changes = audit.diff(before, audited_state(contact_point))
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
    before = audited_state(contact_point)
    contact_point.memberships = [membership for membership in contact_point.memberships
                                 if membership.network.slug not in own]
    _touch(contact_point)
    db.session.flush()
    audit.record(actor, "contact_point.membership_removed", "contact_point", contact_point.id,
                 audit.diff(before, audited_state(contact_point)))
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
    before = audited_state(contact_point)
    for field, value in values.items():
        setattr(contact_point, field, value)
    _touch(contact_point)
    db.session.flush()
    audit.record(actor, action, "contact_point", contact_point.id,
                 audit.diff(before, audited_state(contact_point)))
    record_changes([contact_point.id])
    return contact_point
