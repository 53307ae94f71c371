"""Proposals: changes to an entry that whoever asks for them may not make alone (SPEC 10).

A secretariat editing an entry it shares with networks it does not maintain, an import row for
such an entry, and (with the freshness work) the contact point themselves correcting their
details or saying they left the post: each becomes a Proposal that the secretariats of the
entry's other networks, or an administrator, accept or reject. Accepting applies the change
as the decider's own edit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import db
from directory.models.contact_point import ContactPoint
from directory.models.network import Network
from directory.models.user import utcnow


class Proposal(db.Model):
    __table_args__ = (Index("ix_proposal_entry_status", "contact_point_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"))
    # change: `changes` says what; leave: the person leaves `network` ("no longer in this post").
    kind: Mapped[str] = mapped_column(String(20), default="change")
    # secretariat (an edit) | import (a row of a list) | contact-point (the person themselves)
    source: Mapped[str] = mapped_column(String(20))
    # field → {"from": value when proposed, "to": proposed value}, in the entry's JSON shape
    # (organisation as {"name", "kind"}); accepting refuses when a "from" is no longer true.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    # A leave proposal's network, or the network whose list an import proposal came from.
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    # The networks the proposer speaks for: the secretariats of the entry's other networks decide.
    on_behalf_of: Mapped[list[str]] = mapped_column(JSON, default=list)
    proposed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Who proposed as shown: a user's e-mail, "operator", or for the contact point themselves
    # a label given by the campaign that asked them (`campaign_id`).
    proposer: Mapped[str] = mapped_column(String(320), default="")
    campaign_id: Mapped[int | None] = mapped_column()
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_run.id", ondelete="SET NULL"))
    # SHA-256 of what is proposed: the same proposal twice while pending is one proposal.
    digest: Mapped[str] = mapped_column(String(64), index=True)
    # pending | accepted | rejected | superseded (a newer proposal from the same side)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decider: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)

    contact_point: Mapped[ContactPoint] = relationship()
    network: Mapped[Network | None] = relationship(lazy="joined")
