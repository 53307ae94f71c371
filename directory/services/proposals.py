"""Proposals (SPEC section 10): changes to an entry that their proposer may not make alone.

Made by `contacts` (a secretariat editing an entry it shares with networks it does not
maintain), by `imports` (a row for such an entry, in bulk: `propose_from_import`) and, with the
freshness work, by the contact point themselves (`propose_change` or `propose_leave` with no
user, a proposer label and a campaign). The secretariats of the entry's other networks and the
administrators decide: `accept` applies the change as the decider's own edit, through the
entries' one write path; `reject` keeps it with a reason. Each proposal keeps every field's
value when proposed, so that one whose fields changed meanwhile is refused (409), never
applied blindly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from directory import fields
from directory.extensions import db
from directory.models import ContactPoint, Membership, Network, Proposal, User, utcnow
from directory.services import audit, contacts
from directory.services.contact_json import contact_point_json
from directory.services.contact_queries import get_contact_point
from directory.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from directory.services.permissions import can_decide, maintained_networks

SOURCES = ("secretariat", "import", "contact-point")
STATUSES = ("pending", "accepted", "rejected", "superseded")
MAX_REASON = 1000
MAX_LISTED = 1000


# --- values ----------------------------------------------------------------------------------

def proposed_value(name: str, value: Any) -> Any:
    """A value as a proposal keeps it: the entry's JSON shape, an organisation by name and
    kind (a proposed organisation may not exist yet)."""
    if name == "organisation" and value is not None:
        return {"name": value["name"], "kind": value.get("kind")}
    return value


def _comparable(name: str, value: Any) -> Any:
    if name == "organisation":
        return " ".join(value["name"].split()).casefold() if value else None
    if value == "" or value == []:
        return None
    return value


def _digest(contact_point_id: int, kind: str, network_id: int | None,
            changes: dict[str, dict]) -> str:
    text = json.dumps([contact_point_id, kind, network_id, changes], sort_keys=True,
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def as_changes(changes: dict[str, tuple]) -> dict[str, dict]:
    """field → (old, new) in the entry's JSON shape, as a proposal keeps it."""
    return {name: {"from": proposed_value(name, old), "to": proposed_value(name, new)}
            for name, (old, new) in changes.items()}


# --- proposing -------------------------------------------------------------------------------

def propose_change(actor: User | None, contact_point: ContactPoint,
                   changes: dict[str, tuple], source: str = "secretariat",
                   proposer: str | None = None, campaign_id: int | None = None) -> Proposal:
    """Record a proposal to change `contact_point`'s fields (field → (current, proposed), in
    the entry's JSON shape). `actor` None: the contact point themselves, named by `proposer`
    and `campaign_id`. The same proposal already pending is returned as it is; an older
    pending proposal of the same proposer for the entry is superseded."""
    own = maintained_networks(actor) if actor is not None else set()
    on_behalf_of = sorted(set(contact_point.network_slugs) & own) if own is not None else []
    return _record(actor, contact_point, "change", as_changes(changes), source,
                   on_behalf_of=on_behalf_of, proposer=proposer, campaign_id=campaign_id)


def propose_leave(contact_point: ContactPoint, network: Network, proposer: str,
                  campaign_id: int | None = None) -> Proposal:
    """The contact point says they are no longer in this post: a proposal that they leave
    `network`, decided by the entry's networks' secretariats."""
    return _record(None, contact_point, "leave", {}, "contact-point", on_behalf_of=[],
                   proposer=proposer, campaign_id=campaign_id, network=network)


def _record(actor: User | None, contact_point: ContactPoint, kind: str, changes: dict,
            source: str, on_behalf_of: list[str], proposer: str | None,
            campaign_id: int | None, network: Network | None = None) -> Proposal:
    network_id = network.id if network is not None else None
    digest = _digest(contact_point.id, kind, network_id, changes)
    pending = db.session.scalars(select(Proposal).where(
        Proposal.contact_point_id == contact_point.id, Proposal.status == "pending",
        Proposal.kind == kind, Proposal.source == source)).all()
    for older in pending:
        if not _same_side(older, actor, campaign_id, network_id):
            continue
        if older.digest == digest:
            return older
        older.status = "superseded"
    proposal = Proposal(
        contact_point_id=contact_point.id, kind=kind, source=source, changes=changes,
        network_id=network_id, on_behalf_of=on_behalf_of,
        proposed_by_id=actor.id if actor is not None else None,
        proposer=proposer or (actor.email if actor is not None else ""),
        campaign_id=campaign_id, digest=digest, status="pending")
    db.session.add(proposal)
    db.session.flush()
    audit.record(actor, "contact_point.leave_proposed" if kind == "leave"
                 else "contact_point.change_proposed", "contact_point", contact_point.id,
                 _audited(proposal), actor_label=None if actor is not None else proposal.proposer)
    return proposal


def _same_side(older: Proposal, actor: User | None, campaign_id: int | None,
               network_id: int | None) -> bool:
    if actor is not None:
        return older.proposed_by_id == actor.id
    return older.campaign_id == campaign_id and older.network_id == network_id


def _audited(proposal: Proposal) -> dict[str, list]:
    """The audit row's changes: the fields as [from, to], and the proposal's id."""
    return {**{name: [change["from"], change["to"]] for name, change in proposal.changes.items()},
            **({"network": [None, proposal.network.slug]} if proposal.network else {}),
            "proposal": [None, proposal.id]}


@dataclass
class ImportProposal:
    """What one import row proposes for a shared entry."""

    contact_point_id: int
    changes: dict[str, tuple]  # field → (current, proposed), in the entry's JSON shape
    line: int


def propose_from_import(actor: User | None, network: Network, import_run_id: int,
                        rows: list[ImportProposal]) -> int:
    """Record the proposals of an import in bulk (thousands: a few statements). A proposal
    the network's list made already and that is still pending is not made again; an older
    pending one of this network's lists for the same entry is superseded. Returns how many
    proposals were recorded."""
    if not rows:
        return 0
    session = db.session
    label = actor.email if actor is not None else "operator"
    wanted = [(row, as_changes(row.changes)) for row in rows]
    digests = {row.contact_point_id: _digest(row.contact_point_id, "change", network.id, changes)
               for row, changes in wanted}
    ids = list(digests)
    pending = {}
    for chunk in _chunks(ids):
        pending.update({(entry_id, digest): proposal_id for proposal_id, entry_id, digest in
                        session.execute(select(Proposal.id, Proposal.contact_point_id,
                                               Proposal.digest).where(
                            Proposal.contact_point_id.in_(chunk), Proposal.status == "pending",
                            Proposal.source == "import", Proposal.network_id == network.id))})
    fresh = [(row, changes) for row, changes in wanted
             if (row.contact_point_id, digests[row.contact_point_id]) not in pending]
    superseded = [proposal_id for (entry_id, digest), proposal_id in pending.items()
                  if digest != digests[entry_id]]
    for chunk in _chunks(superseded):
        session.execute(update(Proposal).where(Proposal.id.in_(chunk))
                        .values(status="superseded"))
    now = utcnow()
    new_ids = session.scalars(
        insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True),
        [{"contact_point_id": row.contact_point_id, "kind": "change", "source": "import",
          "changes": changes, "network_id": network.id, "on_behalf_of": [network.slug],
          "proposed_by_id": actor.id if actor is not None else None, "proposer": label,
          "campaign_id": None, "import_run_id": import_run_id,
          "digest": digests[row.contact_point_id], "status": "pending", "created_at": now}
         for row, changes in fresh]).all() if fresh else []
    audit.record_many(actor, [
        ("contact_point.change_proposed", "contact_point", row.contact_point_id,
         {**{name: [change["from"], change["to"]] for name, change in changes.items()},
          "proposal": [None, proposal_id], "import_run": [None, import_run_id]})
        for (row, changes), proposal_id in zip(fresh, new_ids, strict=True)],
        actor_label=label)
    return len(new_ids)


def _chunks(items: list, size: int = 2000) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- reading ---------------------------------------------------------------------------------

def _query():
    return select(Proposal).options(
        selectinload(Proposal.contact_point).selectinload(ContactPoint.memberships)
        .joinedload(Membership.network))


def may_decide(actor: User, proposal: Proposal) -> bool:
    return proposal.status == "pending" and _decides(actor, proposal)


def _decides(actor: User, proposal: Proposal) -> bool:
    """Whether the actor is (or, once decided, was) among those who decide the proposal."""
    return can_decide(actor, proposal.contact_point.network_slugs, proposal.on_behalf_of,
                      proposal.proposed_by_id)


def _may_read(actor: User, proposal: Proposal) -> bool:
    allowed = maintained_networks(actor)
    return (allowed is None or proposal.proposed_by_id == actor.id
            or bool(allowed & set(proposal.contact_point.network_slugs)))


def get_proposal(actor: User, proposal_id: int) -> Proposal:
    """A proposal its reader may see: theirs, or one about an entry of a network they
    maintain (any, for an administrator)."""
    proposal = db.session.scalars(_query().where(Proposal.id == proposal_id)).first()
    if proposal is None or not _may_read(actor, proposal):
        raise NotFound(gettext("There is no proposal %(id)s.", id=proposal_id))
    return proposal


def _readable(actor: User, query):
    """Only the proposals the actor made or that concern entries of networks it maintains."""
    allowed = maintained_networks(actor)
    if allowed is None:
        return query
    return query.where(or_(
        Proposal.proposed_by_id == actor.id,
        Proposal.contact_point_id.in_(
            select(Membership.contact_point_id).join(Network)
            .where(Network.slug.in_(sorted(allowed))))))


def _proposals(actor: User, status: str | None = None, network: str | None = None,
               contact_point_id: int | None = None) -> list[Proposal]:
    """The proposals the actor may read, the newest first."""
    if status is not None and status not in STATUSES:
        raise ValidationFailed({"status": gettext(
            "'%(value)s' is not a status; use one of %(choices)s.", value=status,
            choices=", ".join(STATUSES))})
    query = _readable(actor, _query())
    if status is not None:
        query = query.where(Proposal.status == status)
    if network:
        query = query.where(Proposal.contact_point_id.in_(
            select(Membership.contact_point_id).join(Network).where(Network.slug == network)))
    if contact_point_id is not None:
        query = query.where(Proposal.contact_point_id == contact_point_id)
    return list(db.session.scalars(query.order_by(Proposal.id.desc()).limit(MAX_LISTED)))


def list_proposals(actor: User, status: str | None = None, network: str | None = None,
                   contact_point_id: int | None = None) -> list[Proposal]:
    """The proposals the actor made or may decide (or decided, or could have), the newest
    first; `network`: only those about entries of that network."""
    return [proposal for proposal in _proposals(actor, status, network, contact_point_id)
            if proposal.proposed_by_id == actor.id or _decides(actor, proposal)]


@dataclass
class Queue:
    """What the proposals page shows its reader."""

    to_decide: list[Proposal] = field(default_factory=list)
    # pending, proposed for the reader's side by someone else: the other networks decide
    waiting: list[Proposal] = field(default_factory=list)
    mine: list[Proposal] = field(default_factory=list)  # the reader's own, with the outcome


def queue(actor: User, network: str | None = None) -> Queue:
    """Pending proposals about the entries of the networks the actor maintains (`network`:
    of that one), those it may decide apart; and its own proposals, the newest first."""
    if maintained_networks(actor) == set():
        raise PermissionDenied(gettext("Only network secretariats and administrators decide "
                                       "proposals."))
    result = Queue()
    for proposal in _proposals(actor, network=network):
        if proposal.proposed_by_id == actor.id:
            result.mine.append(proposal)
        elif proposal.status == "pending":
            (result.to_decide if _decides(actor, proposal) else result.waiting).append(
                proposal)
    return result


def pending_on_entry(actor: User, contact_point: ContactPoint) -> list[Proposal]:
    """The entry's pending proposals, for those who maintain one of its networks and for
    their proposers."""
    return _proposals(actor, status="pending", contact_point_id=contact_point.id)


def count_to_decide(actor: User) -> int:
    """How many pending proposals wait for the actor's decision (the menu shows it on every
    page: read as plain rows, not as proposals with their entries)."""
    allowed = maintained_networks(actor)
    pending = select(Proposal.id).where(Proposal.status == "pending")
    if allowed is None:
        return db.session.scalar(select(func.count()).select_from(pending.subquery())) or 0
    if not allowed:
        return 0
    networks: dict[int, set[str]] = {}
    on_behalf_of: dict[int, list[str]] = {}
    for proposal_id, speaks_for, slug in db.session.execute(
            select(Proposal.id, Proposal.on_behalf_of, Network.slug)
            .join(Membership, Membership.contact_point_id == Proposal.contact_point_id)
            .join(Network, Network.id == Membership.network_id)
            .where(Proposal.status == "pending",
                   or_(Proposal.proposed_by_id.is_(None), Proposal.proposed_by_id != actor.id),
                   Proposal.contact_point_id.in_(
                       select(Membership.contact_point_id).join(Network)
                       .where(Network.slug.in_(sorted(allowed)))))):
        networks.setdefault(proposal_id, set()).add(slug)
        on_behalf_of[proposal_id] = speaks_for or []
    return sum(1 for proposal_id, slugs in networks.items()
               if can_decide(actor, slugs, on_behalf_of[proposal_id], None))


def count_pending(contact_point_ids: Iterable[int] | None = None) -> int:
    """Pending proposals (of these entries)."""
    query = select(func.count(Proposal.id)).where(Proposal.status == "pending")
    if contact_point_ids is not None:
        query = query.where(Proposal.contact_point_id.in_(list(contact_point_ids)))
    return db.session.scalar(query) or 0


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    return {
        "id": proposal.id, "contact_point_id": proposal.contact_point_id,
        "kind": proposal.kind,
        "changes": proposal.changes,
        "network": proposal.network.slug if proposal.network else None,
        "source": proposal.source, "status": proposal.status,
        "proposed_by": proposal.proposer,
        "on_behalf_of": list(proposal.on_behalf_of or []),
        "created_at": proposal.created_at.isoformat() + "Z",
        "decided_by": proposal.decider,
        "decided_at": proposal.decided_at.isoformat() + "Z" if proposal.decided_at else None,
        "reason": proposal.reason,
    }


# --- deciding --------------------------------------------------------------------------------

def _for_decision(actor: User, proposal_id: int) -> Proposal:
    proposal = get_proposal(actor, proposal_id)
    if proposal.status != "pending":
        raise Conflict(gettext("This proposal was already decided (%(status)s).",
                               status=_status_label(proposal.status)))
    if proposal.proposed_by_id is not None and proposal.proposed_by_id == actor.id:
        raise PermissionDenied(gettext("You cannot decide your own proposal: the other "
                                       "networks' secretariats do."))
    if not may_decide(actor, proposal):
        raise PermissionDenied(gettext("Only the secretariats of the entry's other networks "
                                       "and administrators decide this proposal."))
    return proposal


def _status_label(status: str) -> str:
    return {"accepted": gettext("accepted"), "rejected": gettext("rejected"),
            "superseded": gettext("replaced by a newer proposal"),
            "pending": gettext("pending")}[status]


def _decided(actor: User, proposal: Proposal, status: str, reason: str | None = None) -> None:
    proposal.status, proposal.reason = status, reason
    proposal.decided_at = utcnow()
    proposal.decided_by_id, proposal.decider = actor.id, actor.email


def accept(actor: User, proposal_id: int) -> Proposal:
    """Apply the proposal as the actor's own edit (audited, versioned, searchable after the
    commit). Refused with Conflict when a field changed since it was proposed: it may be
    proposed again."""
    proposal = _for_decision(actor, proposal_id)
    contact_point = get_contact_point(proposal.contact_point_id, for_update=True)
    if proposal.kind == "leave":
        if proposal.network.slug not in contact_point.network_slugs:
            raise Conflict(gettext("Entry %(id)s is no longer in %(network)s.",
                                   id=contact_point.id, network=proposal.network.slug))
        contacts.remove_memberships(actor, contact_point, [proposal.network.slug],
                                    "contact_point.proposal_accepted",
                                    {"proposal": [None, proposal.id]})
    else:
        _require_unchanged(proposal, contact_point)
        contacts.apply_proposal(actor, contact_point,
                                {name: change["to"] for name, change in proposal.changes.items()},
                                proposal.id)
    _decided(actor, proposal, "accepted")
    db.session.flush()
    return proposal


def _require_unchanged(proposal: Proposal, contact_point: ContactPoint) -> None:
    current = contact_point_json(contact_point)
    changed = [name for name, change in proposal.changes.items()
               if _comparable(name, proposed_value(name, current[name]))
               != _comparable(name, change["from"])]
    if changed:
        labels = ", ".join(gettext(fields.LABELS.get(name, name)) for name in changed)
        raise Conflict(
            gettext("Entry %(id)s changed since this proposal was made (%(fields)s): it "
                    "cannot be accepted as it is. Reject it, and propose the change again "
                    "if it is still wanted.", id=contact_point.id, fields=labels),
            {name: gettext("Changed since the proposal.") for name in changed},
            existing_id=contact_point.id)


def reject(actor: User, proposal_id: int, reason: Any) -> Proposal:
    """Keep the proposal as rejected, with the reason its proposer will read."""
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationFailed({"reason": gettext("Say why, for the proposer.")})
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise ValidationFailed({"reason": ngettext("At most %(num)s character.",
                                                   "At most %(num)s characters.", MAX_REASON)})
    problem = fields.forbidden_character(reason.replace("\n", " ").replace("\r", " "))
    if problem is not None:
        raise ValidationFailed({"reason": gettext(problem.message, **problem.values)})
    proposal = _for_decision(actor, proposal_id)
    _decided(actor, proposal, "rejected", reason)
    audit.record(actor, "contact_point.proposal_rejected", "contact_point",
                 proposal.contact_point_id,
                 {"proposal": [None, proposal.id], "reason": [None, reason]})
    db.session.flush()
    return proposal
