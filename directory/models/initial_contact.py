"""Initial contacts logged by prosecutors, and the daily counts of directory use."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import db
from directory.models.contact_point import ContactPoint
from directory.models.user import User, utcnow


class InitialContact(db.Model):
    """Append-only: a mistake is voided with a reason, never edited away."""

    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        Index("ix_initial_contact_plan_occurred", "plan", "occurred_on"),
        # Covering indexes, one per GROUP BY of the indicators report (migration 0002).
        Index("ix_initial_contact_report_day",
              "occurred_on", "plan", "established", "voided", "network"),
        Index("ix_initial_contact_report_kind", "network", "matter", "channel", "plan",
              "established", "voided", "occurred_on"),
        Index("ix_initial_contact_report_pair", "requesting_country", "counterpart_country",
              "plan", "established", "voided", "occurred_on", "network"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # None once the person was erased: the event still counts, without naming them.
    contact_point_id: Mapped[int | None] = mapped_column(ForeignKey("contact_point.id"),
                                                         index=True)
    occurred_on: Mapped[date] = mapped_column(index=True)
    # Captured when logged, so a later edit of the entry does not rewrite history.
    network: Mapped[str] = mapped_column(String(40))
    counterpart_country: Mapped[str] = mapped_column(String(2))
    requesting_country: Mapped[str | None] = mapped_column(String(2))
    requesting_organisation: Mapped[str | None] = mapped_column(String(300))
    plan: Mapped[str] = mapped_column(String(1))
    matter: Mapped[str] = mapped_column(String(60))
    channel: Mapped[str] = mapped_column(String(30))
    purpose: Mapped[str] = mapped_column(String(40))
    established: Mapped[bool] = mapped_column(default=False)
    established_on: Mapped[date | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(String(500))
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    voided: Mapped[bool] = mapped_column(default=False)
    voided_at: Mapped[datetime | None] = mapped_column()
    void_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    contact_point: Mapped[ContactPoint | None] = relationship()


class DirectoryUse(db.Model):
    """Searches and entry views per day and network: counts only, never the query text."""

    __table_args__ = (UniqueConstraint("day", "kind", "network"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column()
    kind: Mapped[str] = mapped_column(String(20))  # search | view
    network: Mapped[str] = mapped_column(String(40), default="")  # "" = no network filter
    count: Mapped[int] = mapped_column(default=0)
