"""Reports of outdated details (SPEC section 11): anyone signed in says what is wrong with an
entry; the secretariats of its networks see the open reports on the entry and in their queue
beside the proposals, and resolve each one saying how.

Resolving records what the secretariat did about it (`corrected`: the entry was edited,
`confirmed`: the details were checked and are right, `archived`: the person is gone); the
change itself goes the usual way (edit, "Mark verified today", archive), through the entries'
one write path, so this service never writes an entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from directory import fields
from directory.extensions import db
from directory.models import ContactPoint, Membership, Network, OutdatedReport, User, utcnow
from directory.services import audit
from directory.services.contact_queries import get_visible_contact_point
from directory.services.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from directory.services.permissions import can_maintain, maintained_networks

REASONS = {"wrong-phone": _l("The phone number is wrong"),
           "wrong-email": _l("The e-mail address is wrong"),
           "left-post": _l("The person has left the post"),
           "other": _l("Something else is out of date")}
RESOLUTIONS = {"corrected": _l("Corrected: the entry was changed"),
               "confirmed": _l("Confirmed: the details are right"),
               "archived": _l("Archived: the person is gone")}
MAX_NOTE = 500
MAX_LISTED = 1000


def _clean_note(note: Any) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValidationFailed({"note": gettext("Must be text.")})
    note = " ".join(note.split())
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": ngettext("At most %(num)s character.",
                                                 "At most %(num)s characters.", MAX_NOTE)})
    problem = fields.forbidden_character(note)
    if problem is not None:
        raise ValidationFailed({"note": gettext(problem.message, **problem.values)})
    return note or None


def report(actor: User, contact_point_id: int, payload: Any) -> tuple[OutdatedReport, bool]:
    """Record that the entry's details are out of date; (the report, whether it is new). The
    same reason reported again by the same person while open is the same report."""
    if not isinstance(payload, dict):
        raise ValidationFailed({"": gettext("Not an object.")})
    contact_point = get_visible_contact_point(actor, contact_point_id)
    reason = payload.get("reason")
    if not isinstance(reason, str) or reason not in REASONS:
        raise ValidationFailed({"reason": gettext(
            "Choose one of %(choices)s.", choices=", ".join(REASONS))})
    note = _clean_note(payload.get("note"))
    if contact_point.status == "archived":
        raise Conflict(gettext("Entry %(id)s is archived already.", id=contact_point.id))
    existing = db.session.scalars(select(OutdatedReport).where(
        OutdatedReport.contact_point_id == contact_point.id, OutdatedReport.status == "open",
        OutdatedReport.reported_by_id == actor.id, OutdatedReport.reason == reason)).first()
    if existing is not None:
        if note and note != existing.note:
            existing.note = note
        return existing, False
    row = OutdatedReport(contact_point_id=contact_point.id, reason=reason, note=note,
                         reported_by_id=actor.id, reporter=actor.email, status="open")
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "contact_point.reported", "contact_point", contact_point.id,
                 {"reason": [None, reason], "report": [None, row.id]})
    return row, True


def _query():
    return select(OutdatedReport).options(
        selectinload(OutdatedReport.contact_point).selectinload(ContactPoint.memberships)
        .joinedload(Membership.network))


def _in_networks(query, networks: Iterable[str]):
    return query.where(OutdatedReport.contact_point_id.in_(
        select(Membership.contact_point_id).join(Network)
        .where(Network.slug.in_(sorted(networks)))))


def open_on_entry(actor: User, contact_point: ContactPoint) -> list[OutdatedReport]:
    """The entry's open reports, for those who maintain one of its networks (others: none)."""
    if not can_maintain(actor, contact_point.network_slugs):
        return []
    return list(db.session.scalars(_query().where(
        OutdatedReport.contact_point_id == contact_point.id, OutdatedReport.status == "open")
        .order_by(OutdatedReport.id)))


def queue(actor: User, network: str | None = None,
          status: str | None = "open") -> list[OutdatedReport]:
    """Reports about entries of the networks the actor maintains (`network`: that one), the
    newest first; PermissionDenied for those who maintain none."""
    allowed = maintained_networks(actor)
    if allowed is not None and not allowed:
        raise PermissionDenied(gettext("Only network secretariats and administrators "
                                       "resolve reports."))
    if status not in (None, "open", "resolved"):
        raise ValidationFailed({"status": gettext(
            "'%(value)s' is not a status; use one of %(choices)s.", value=status,
            choices="open, resolved")})
    query = _query()
    if allowed is not None:
        query = _in_networks(query, allowed)
    if network:
        query = _in_networks(query, [network])
    if status:
        query = query.where(OutdatedReport.status == status)
    return list(db.session.scalars(query.order_by(OutdatedReport.id.desc()).limit(MAX_LISTED)))


def resolve(actor: User, report_id: int, resolution: Any) -> OutdatedReport:
    """Close a report saying how: corrected, confirmed or archived."""
    row = db.session.scalars(_query().where(OutdatedReport.id == report_id)).first()
    if row is None or not can_maintain(actor, row.contact_point.network_slugs):
        raise NotFound(gettext("There is no report %(id)s.", id=report_id))
    if not isinstance(resolution, str) or resolution not in RESOLUTIONS:
        raise ValidationFailed({"resolution": gettext(
            "Choose one of %(choices)s.", choices=", ".join(RESOLUTIONS))})
    if row.status != "open":
        raise Conflict(gettext("This report was already resolved."))
    row.status, row.resolution = "resolved", resolution
    row.resolved_at, row.resolved_by_id, row.resolver = utcnow(), actor.id, actor.email
    audit.record(actor, "contact_point.report_resolved", "contact_point", row.contact_point_id,
                 {"report": [None, row.id], "resolution": [None, resolution]})
    db.session.flush()
    return row


def count_open_by_network(networks: Iterable[str] | None = None) -> dict[str, int]:
    """Open reports per network slug (an entry in two networks counts in both)."""
    query = (select(Network.slug, func.count(OutdatedReport.id))
             .join(Membership, Membership.network_id == Network.id)
             .join(OutdatedReport, OutdatedReport.contact_point_id == Membership.contact_point_id)
             .where(OutdatedReport.status == "open").group_by(Network.slug))
    if networks is not None:
        query = query.where(Network.slug.in_(sorted(networks)))
    return dict(db.session.execute(query).all())


def report_json(row: OutdatedReport) -> dict[str, Any]:
    return {
        "id": row.id, "contact_point_id": row.contact_point_id, "reason": row.reason,
        "note": row.note, "reported_by": row.reporter,
        "created_at": row.created_at.isoformat() + "Z", "status": row.status,
        "resolution": row.resolution, "resolved_by": row.resolver,
        "resolved_at": row.resolved_at.isoformat() + "Z" if row.resolved_at else None,
    }
