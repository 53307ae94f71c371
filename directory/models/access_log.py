"""The access log: who read which entry, when and how (SPEC section 13).

One row per entry read, so that "who read this entry" is one indexed query. Rows are written in
bulk after the response has gone (see services/access_log.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import db
from directory.models.user import utcnow


class AccessLogEntry(db.Model):
    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_entry_at", "contact_point_id", "at"),
                      Index("ix_access_log_user_at", "user_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The reader's e-mail, kept if the user goes ("operator" for the command line).
    actor: Mapped[str] = mapped_column(String(320))
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"))
    # page, vcard, api, search, listing, suggest, export
    how: Mapped[str] = mapped_column(String(20))
    # web, api or cli
    channel: Mapped[str] = mapped_column(String(10))
