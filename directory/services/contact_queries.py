"""Reading contact points: one entry, a listing, stale entries, who owns an e-mail or an id.

Who may read what is decided here: archived entries are shown only to those who maintain one
of their networks (all of them to administrators).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import AuditEntry, ContactPoint, Email, Membership, Network, User
from directory.services.errors import NotFound, PermissionDenied
from directory.services.permissions import can_maintain, maintained_networks, require_maintain


def contact_point_query():
    """A select() that loads everything an entry's JSON or page needs in a few queries."""
    return select(ContactPoint).options(
        selectinload(ContactPoint.emails),
        selectinload(ContactPoint.phones),
        selectinload(ContactPoint.memberships).joinedload(Membership.network),
        selectinload(ContactPoint.specialisms),
    )


def get_contact_point(contact_point_id: int, for_update: bool = False) -> ContactPoint:
    """The entry, with what its JSON needs; `for_update`: locked until the commit (on
    PostgreSQL; SQLite writes one transaction at a time anyway)."""
    query = contact_point_query().where(ContactPoint.id == contact_point_id)
    if for_update and db.engine.dialect.name == "postgresql":
        query = query.with_for_update(of=ContactPoint.__table__)
    contact_point = db.session.scalars(query).first()
    if contact_point is None:
        raise NotFound(gettext("There is no entry %(id)s.", id=contact_point_id))
    return contact_point


def stale_after_days() -> int:
    return int(current_app.config["STALE_AFTER_DAYS"])


def is_stale(contact_point: ContactPoint, today: date | None = None) -> bool:
    return (contact_point.last_verified_on is None
            or contact_point.last_verified_on < stale_cutoff(today))


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


def may_edit(actor: User, contact_point: ContactPoint) -> bool:
    return can_maintain(actor, contact_point.network_slugs)


def get_visible_contact_point(actor: User, contact_point_id: int) -> ContactPoint:
    """An entry as the actor may read it: archived entries only for those who may restore them."""
    contact_point = get_contact_point(contact_point_id)
    if contact_point.status == "archived" and not may_edit(actor, contact_point):
        raise NotFound(gettext("There is no entry %(id)s.", id=contact_point_id))
    return contact_point


def email_owners(addresses: list[str]) -> dict[str, int]:
    if not addresses:
        return {}
    rows = db.session.execute(
        select(Email.address, Email.contact_point_id).where(Email.address.in_(addresses))
    )
    return {address: owner for address, owner in rows}


def external_id_owner(network: Network, external_id: str) -> int | None:
    return db.session.scalar(
        select(Membership.contact_point_id).where(
            Membership.network_id == network.id, Membership.external_id == external_id
        )
    )


def get_editable_contact_point(actor: User, contact_point_id: int) -> ContactPoint:
    """An entry whose edit form the actor may open: one of a network it maintains."""
    contact_point = get_contact_point(contact_point_id)
    require_maintain(actor, contact_point.network_slugs)
    return contact_point


def deciding_networks(actor: User, contact_point: ContactPoint) -> list[Network]:
    """The entry's networks the actor does not maintain: when there are any, the actor's
    changes to the entry's shared details are proposed to their secretariats."""
    allowed = maintained_networks(actor)
    if allowed is None:
        return []
    return [membership.network for membership in contact_point.memberships
            if membership.network.slug not in allowed]


def networks_of(actor: User) -> list[Network]:
    """The networks whose memberships the actor may add or change (every one for an
    administrator); PermissionDenied for those who maintain none."""
    require_maintain(actor)
    allowed = maintained_networks(actor)
    return [network for network in db.session.scalars(select(Network).order_by(Network.id))
            if allowed is None or network.slug in allowed]


def stale_cutoff(today: date | None = None) -> date:
    """Entries last verified before this day are stale."""
    return (today or date.today()) - timedelta(days=stale_after_days())


def stale_contact_points(actor: User, limit: int = 200) -> list[ContactPoint]:
    """Entries to re-verify: those of the networks the actor maintains, oldest first."""
    require_maintain(actor)
    query = contact_point_query().where(
        ContactPoint.status != "archived",
        or_(ContactPoint.last_verified_on.is_(None),
            ContactPoint.last_verified_on < stale_cutoff()))
    networks = maintained_networks(actor)
    if networks is not None:
        query = query.where(ContactPoint.id.in_(
            select(Membership.contact_point_id).join(Network).where(Network.slug.in_(networks))))
    return list(db.session.scalars(
        query.order_by(ContactPoint.last_verified_on.asc().nulls_first(), ContactPoint.id)
        .limit(limit)))


def entry_history(contact_point: ContactPoint, limit: int = 50) -> list[AuditEntry]:
    """The entry's audit trail, the latest first."""
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "contact_point",
                                 AuditEntry.target_id == contact_point.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)))
