"""The durable outbox: every message the product sends is a row here before it leaves.

A row is written in the transaction that decided to send it (so a rolled-back change sends
nothing), then claimed and delivered after the commit by services/mail.py. Its status says
where it is: queued (waiting, perhaps for `next_attempt_at` after a refusal), sending (claimed
by one process), sent or failed (gave up). After the retention period a sent message keeps
its status, dates and a hash of its recipient; its address, subject and bodies are dropped.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import db
from directory.models.user import utcnow

STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMessage(db.Model):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The RFC 5322 Message-ID, made when queued: the same message keeps it on every attempt,
    # and it names its .eml file, so that a second delivery of one row is recognised.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # Emptied (with the bodies) when the retention period has passed; the hash stays.
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_hash: Mapped[str] = mapped_column(String(64), index=True)
    template: Mapped[str] = mapped_column(String(80))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When a process claimed it (status sending), and when it began handing the message to the
    # server (after the server accepted the recipient): a row found "sending" long after its
    # claim died with its process; `data_started_at` tells whether it may have arrived.
    claimed_at: Mapped[datetime | None] = mapped_column()
    data_started_at: Mapped[datetime | None] = mapped_column()
    sent_at: Mapped[datetime | None] = mapped_column()
    bodies_purged_at: Mapped[datetime | None] = mapped_column()
    # Whom and what it is about: the subject report and the erasure find a person's mail by
    # the entry; a campaign counts its deliveries by its id.
    contact_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(index=True)
