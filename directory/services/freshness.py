"""The freshness report (SPEC section 11): per network, how much of it can still be trusted.

For each network the reader maintains (every one for administrators and reporters): active
entries, those verified within the stale period (12 months by default; number and share), the
median days since verification, entries never verified, open reports of outdated details,
pending proposals, and the answers to the network's last verification campaign.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Campaign, ContactPoint, Membership, Network, Proposal, User
from directory.services import campaigns, outdated_reports
from directory.services.contact_queries import stale_cutoff
from directory.services.errors import NotFound
from directory.services.permissions import freshness_networks


@dataclass
class NetworkFreshness:
    network: str
    label: str
    active: int
    verified_12m: int
    never_verified: int
    median_days_since_verification: float | None
    open_reports: int
    pending_proposals: int
    last_campaign: dict[str, Any] | None

    @property
    def verified_share(self) -> float | None:
        return self.verified_12m / self.active if self.active else None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "label": self.label,
                "verified_12m_share": (round(self.verified_share, 4)
                                       if self.verified_share is not None else None)}


def _verification_dates(network_ids: list[int]) -> dict[int, list[date | None]]:
    rows = db.session.execute(
        select(Membership.network_id, ContactPoint.last_verified_on)
        .join(ContactPoint, ContactPoint.id == Membership.contact_point_id)
        .where(ContactPoint.status == "active", Membership.network_id.in_(network_ids)))
    dates: dict[int, list[date | None]] = {network_id: [] for network_id in network_ids}
    for network_id, verified_on in rows:
        dates[network_id].append(verified_on)
    return dates


def _pending_proposals(network_ids: list[int]) -> dict[int, int]:
    return dict(db.session.execute(
        select(Membership.network_id, func.count(func.distinct(Proposal.id)))
        .join(Proposal, Proposal.contact_point_id == Membership.contact_point_id)
        .where(Proposal.status == "pending", Membership.network_id.in_(network_ids))
        .group_by(Membership.network_id)).all())


def _last_campaigns(network_ids: list[int]) -> dict[int, Campaign]:
    latest = (select(func.max(Campaign.id)).where(Campaign.network_id.in_(network_ids))
              .group_by(Campaign.network_id))
    return {campaign.network_id: campaign for campaign in
            db.session.scalars(select(Campaign).where(Campaign.id.in_(latest)))}


def report(actor: User, network: str | None = None, today: date | None = None,
           locale: str = "en") -> list[NetworkFreshness]:
    """One row per network the actor may read (`network`: only that one)."""
    allowed = freshness_networks(actor)
    query = select(Network).order_by(Network.id)
    if allowed is not None:
        query = query.where(Network.slug.in_(sorted(allowed)))
    if network is not None:
        query = query.where(Network.slug == network)
    networks = list(db.session.scalars(query))
    if network is not None and not networks:
        raise NotFound(gettext("There is no network %(network)s you may read.",
                                       network=network[:60]))
    today = today or date.today()
    cutoff = stale_cutoff(today)
    ids = [item.id for item in networks]
    dates = _verification_dates(ids)
    reports = outdated_reports.count_open_by_network([item.slug for item in networks])
    pending = _pending_proposals(ids)
    last = _last_campaigns(ids)
    rows = []
    for item in networks:
        verified = [day for day in dates[item.id] if day is not None]
        rows.append(NetworkFreshness(
            network=item.slug, label=item.label(locale), active=len(dates[item.id]),
            verified_12m=sum(1 for day in verified if day >= cutoff),
            never_verified=len(dates[item.id]) - len(verified),
            median_days_since_verification=(
                statistics.median((today - day).days for day in verified) if verified else None),
            open_reports=reports.get(item.slug, 0), pending_proposals=pending.get(item.id, 0),
            last_campaign=campaigns.campaign_json(last[item.id]) if item.id in last else None))
    return rows
