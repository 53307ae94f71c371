"""Maintaining contact points: create, update, archive, verify (SPEC sections 2 and 5).

Pages and the API come through here; every change is written by `contact_writes`, the path
the importer and accepted proposals take too. Who may change what is decided here (with
`permissions`): a secretariat changes an entry's shared fields (all but the memberships) only
when it maintains every network of the entry, else its change becomes a proposal to the other
networks' secretariats; the role and id of its own networks' memberships it always changes;
archiving a shared entry removes only its own networks' memberships.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from flask_babel import gettext

from directory.extensions import db
from directory.models import ContactPoint, Network, Proposal, User
from directory.services import proposals
from directory.services.contact_json import contact_point_json
from directory.services.contact_queries import (
    email_owners,
    external_id_owner,
    get_contact_point,
)
from directory.services.contact_validation import (
    EDITABLE_FIELDS,
    as_json,
    forget_new_organisation,
    membership_changes,
    offered_changes,
    shared_changes,
    validate,
)
from directory.services.contact_writes import EntryWrite, write_entries
from directory.services.errors import Conflict, ValidationFailed
from directory.services.permissions import (
    can_change_shared,
    maintained_networks,
    require_maintain,
    require_network,
)


class Saved(NamedTuple):
    """What a create or an update did: the entry as it is now, whether it is new, and the
    proposal made instead of changing what the actor may not change alone."""

    contact_point: ContactPoint
    created: bool = False
    proposal: Proposal | None = None


def create_contact_point(actor: User, payload: Any) -> Saved:
    """Create an entry, or add a network to the existing entry with the same e-mail.

    A person already in the directory who comes with a network they are not yet a member of
    becomes a new membership of the existing entry, never a duplicate; the details the
    payload adds or spells differently are applied by those who may change the entry's
    shared fields, and proposed by others.
    """
    clean = validate(payload, partial=False)
    _require_may_create(actor, clean["memberships"])
    owners = set(email_owners(clean["emails"]).values())
    if owners:
        return _join_existing(actor, get_contact_point(owners.pop(), for_update=True), clean)
    _check_unique(clean, None)
    db.session.flush()  # a new organisation's id
    changes = {field: (None, as_json(field, clean[field]))
               for field in EDITABLE_FIELDS if field != "memberships"}
    entry_id = _write(actor, None, changes, _new_memberships(clean["memberships"]),
                      action="contact_point.created")
    return Saved(get_contact_point(entry_id), created=True)


def _new_memberships(memberships: list[tuple[Network, str, str | None]]
                     ) -> dict[str, tuple[None, dict]]:
    return {network.slug: (None, {"role": role, "external_id": external_id})
            for network, role, external_id in memberships}


def _write(actor: User, contact_point: ContactPoint | None, changes: dict[str, tuple],
           memberships: dict[str, tuple[dict | None, dict | None]] | None = None,
           action: str = "contact_point.updated", note: dict[str, Any] | None = None) -> int:
    """One entry through the write path; its memberships audited as whole lists, before
    and after. The entry's id."""
    memberships = memberships or {}
    if memberships:
        before = contact_point_json(contact_point)["memberships"] if contact_point else []
        unchanged = (None, {})
        after = [{**item, **memberships.get(item["network"], unchanged)[1]} for item in before
                 if memberships.get(item["network"], unchanged)[1] is not None]
        after += [{"network": slug, **new} for slug, (old, new) in memberships.items()
                  if old is None and new is not None]
        changes = {**changes, "memberships": (before or None, after)}
    [entry_id] = write_entries(actor, [EntryWrite(
        contact_point.id if contact_point else None, changes, memberships, action=action,
        note=note or {})])
    return entry_id


def _require_may_create(actor: User, memberships: list[tuple[Network, str, str | None]]) -> None:
    """A secretariat creates entries of its own networks, and names at least one."""
    allowed = maintained_networks(actor)
    if allowed is None:
        return
    require_maintain(actor)
    if not memberships:
        raise ValidationFailed({"memberships": gettext(
            "Name at least one of your networks: %(networks)s.",
            networks=", ".join(sorted(allowed)))})
    for network, _, _ in memberships:
        require_network(actor, network.slug)


def _join_existing(actor: User, existing: ContactPoint, clean: dict[str, Any]) -> Saved:
    """Add the payload's new networks to the person's entry; its differing details are
    applied or proposed."""
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
    _check_unique({"memberships": new, "emails": clean["emails"]}, existing.id)
    offered = offered_changes(existing, clean)
    direct = can_change_shared(actor, [*have, *(network.slug for network, _, _ in new)])
    if direct:
        db.session.flush()  # a new organisation's id
        offered = offered_changes(existing, clean)
    else:
        forget_new_organisation(clean)
    _write(actor, existing, offered if direct else {}, _new_memberships(new),
           action="contact_point.membership_added")
    joined = get_contact_point(existing.id)
    proposal = None if direct or not offered else proposals.propose_change(actor, joined,
                                                                             offered)
    return Saved(joined, proposal=proposal)


def update_contact_point(actor: User, contact_point_id: int, payload: Any,
                         version: Any = None) -> Saved:
    """Change the fields the payload names. A secretariat's change to the shared fields of
    an entry it shares with networks it does not maintain becomes a proposal (its own
    memberships still change)."""
    contact_point = get_contact_point(contact_point_id, for_update=True)
    require_maintain(actor, contact_point.network_slugs)
    if isinstance(payload, dict) and "version" in payload:
        version = payload["version"]
    _require_version(contact_point, version)
    clean = validate(payload, partial=True, current_country=contact_point.country)
    memberships = {}
    if "memberships" in clean:
        memberships = membership_changes(contact_point, clean["memberships"])
        for slug in memberships:
            require_network(actor, slug)
    _check_unique(clean, contact_point.id)
    changes = shared_changes(contact_point, clean)
    proposal = None
    if changes and not can_change_shared(actor, contact_point.network_slugs):
        forget_new_organisation(clean)
        proposal = proposals.propose_change(actor, contact_point, changes)
        changes = {}
    elif changes:
        db.session.flush()  # a new organisation's id
        changes = shared_changes(contact_point, clean)
    if changes or memberships:
        _write(actor, contact_point, changes, memberships)
    return Saved(get_contact_point(contact_point_id), proposal=proposal)


# What the contact point themselves may correct: their details, not their networks, status
# or verification (confirming is a campaign's "still correct").
_NOT_FOR_THE_PERSON = ("memberships", "status", "last_verified_on")


def propose_correction(contact_point_id: int, payload: Any, proposer: str,
                       campaign_id: int | None = None) -> Proposal | None:
    """The contact point themselves correcting their details (from a verification
    campaign's link): validated like an edit, proposed to the entry's networks'
    secretariats. None when nothing differs from the entry."""
    contact_point = get_contact_point(contact_point_id)
    refused = sorted(set(payload) & set(_NOT_FOR_THE_PERSON)) if isinstance(payload, dict) else []
    if refused:
        raise ValidationFailed({field: gettext("Only the network's secretariat changes this.")
                                for field in refused})
    clean = validate(payload, partial=True, current_country=contact_point.country)
    _check_unique(clean, contact_point.id)
    changes = shared_changes(contact_point, clean)
    forget_new_organisation(clean)
    if not changes:
        return None
    return proposals.propose_change(None, contact_point, changes, source="contact-point",
                                    proposer=proposer, campaign_id=campaign_id)


def apply_proposal(actor: User, contact_point: ContactPoint, payload: dict[str, Any],
                   proposal_id: int) -> None:
    """Apply an accepted proposal's values as the actor's edit (the proposal service has
    checked who decides and that the fields did not change since)."""
    clean = validate(payload, partial=True, current_country=contact_point.country)
    _check_unique(clean, contact_point.id)
    db.session.flush()  # a new organisation's id
    _write(actor, contact_point, shared_changes(contact_point, clean),
           action="contact_point.proposal_accepted", note={"proposal": proposal_id})


def remove_memberships(actor: User | None, contact_point: ContactPoint, slugs: list[str],
                       action: str = "contact_point.membership_removed",
                       note: dict[str, Any] | None = None) -> None:
    """Take the entry out of these networks; archived when no network is left."""
    memberships = {membership.network.slug: ({"role": membership.role,
                                              "external_id": membership.external_id}, None)
                   for membership in contact_point.memberships if membership.network.slug in slugs}
    changes = {}
    if len(memberships) == len(contact_point.memberships) and contact_point.status != "archived":
        changes["status"] = (contact_point.status, "archived")
    _write(actor, contact_point, changes, memberships, action=action, note=note)


def archive_contact_point(actor: User, contact_point_id: int, version: Any = None) -> ContactPoint:
    """Archive an entry; a secretariat that shares it with networks it does not maintain
    removes its own networks' memberships only, and the entry stays for the others."""
    contact_point = _for_state_change(actor, contact_point_id, version)
    if can_change_shared(actor, contact_point.network_slugs):
        _write(actor, contact_point, {"status": (contact_point.status, "archived")},
               action="contact_point.archived")
    else:
        own = maintained_networks(actor) or set()
        remove_memberships(actor, contact_point,
                           [slug for slug in contact_point.network_slugs if slug in own])
    return get_contact_point(contact_point_id)


def verify_contact_point(actor: User, contact_point_id: int, version: Any = None) -> ContactPoint:
    """Still correct: last verified today. Any network of a shared entry may say so."""
    contact_point = _for_state_change(actor, contact_point_id, version)
    old = contact_point_json(contact_point)["last_verified_on"]
    _write(actor, contact_point, {"last_verified_on": (old, date.today().isoformat())},
           action="contact_point.verified")
    return get_contact_point(contact_point_id)


def confirm_by_person(contact_point_id: int, label: str, campaign_id: int) -> None:
    """The contact point themselves says their entry is right (a campaign's "Still
    correct"): last verified today, audited as confirmed by the person."""
    contact_point = get_contact_point(contact_point_id, for_update=True)
    old = contact_point_json(contact_point)["last_verified_on"]
    write_entries(None, [EntryWrite(contact_point.id,
                                    {"last_verified_on": (old, date.today().isoformat())},
                                    action="contact_point.confirmed_by_person",
                                    note={"campaign": campaign_id})], actor_label=label)


def _for_state_change(actor: User, contact_point_id: int, version: Any) -> ContactPoint:
    contact_point = get_contact_point(contact_point_id, for_update=True)
    require_maintain(actor, contact_point.network_slugs)
    _require_version(contact_point, version)
    return contact_point


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
