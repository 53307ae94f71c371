"""Keeping the directory fresh (SPEC section 11): verification campaigns, the personal links
they send, and reports of outdated details.

A campaign asks the people of one network's entries to confirm or correct their details. Each
person gets one `ConfirmationLink`: bound to one entry and one campaign, its random token kept
only as a SHA-256 digest (the e-mail holds the token; the database cannot give it away), and
the person's answer. Reports are what signed-in users say is wrong with an entry; the entry's
secretariats resolve them and say how.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import db
from directory.models.contact_point import ContactPoint
from directory.models.network import Network
from directory.models.user import utcnow


class Campaign(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"),
                                            index=True)
    only_stale: Mapped[bool] = mapped_column(default=False)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Who started it as shown: the user's e-mail, or "operator" from the command line.
    starter: Mapped[str] = mapped_column(String(320), default="")
    # queued (fan-out not begun) | sending (links being made and mails queued) | sent
    status: Mapped[str] = mapped_column(String(20), default="queued")
    # Entries the campaign aims at, and those among them without an e-mail (nothing sent).
    targeted: Mapped[int] = mapped_column(default=0)
    without_email: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
    # When reminders went to those who had not answered (once per campaign).
    reminded_at: Mapped[datetime | None] = mapped_column()

    network: Mapped[Network] = relationship(lazy="joined")


class ConfirmationLink(db.Model):
    __table_args__ = (UniqueConstraint("campaign_id", "contact_point_id"),
                      Index("ix_confirmation_link_campaign_answer", "campaign_id", "answer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token mailed first, and of the one the reminder carries: both lead here.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    reminder_digest: Mapped[str | None] = mapped_column(String(64), unique=True)
    locale: Mapped[str] = mapped_column(String(5), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()  # its mail was put in the outbox
    reminded_at: Mapped[datetime | None] = mapped_column()
    # None (no answer yet) | confirmed | corrected | left
    answer: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column()
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal.id", ondelete="SET NULL"))
    # Answers refused (invalid corrections) in the current window, for throttling.
    refusals: Mapped[int] = mapped_column(default=0)
    refusals_since: Mapped[datetime | None] = mapped_column()

    campaign: Mapped[Campaign] = relationship(lazy="joined")
    contact_point: Mapped[ContactPoint] = relationship()


class OutdatedReport(db.Model):
    __table_args__ = (Index("ix_outdated_report_entry_status", "contact_point_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"))
    # wrong-phone | wrong-email | left-post | other
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    reporter: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # open | resolved
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # corrected | confirmed | archived: how the secretariat resolved it
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    resolver: Mapped[str | None] = mapped_column(String(320))

    contact_point: Mapped[ContactPoint] = relationship()
