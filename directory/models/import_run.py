"""A record of each import: who, when, which file, what it did or why it was refused.

ImportSnapshot keeps, per network and entry, the row that network's list last said about
the entry. The importer compares a new list with it (not with the entry itself), so that a
list only changes what that network changed since its last sending: two networks that spell a
name differently do not undo each other at every import, and a manual correction survives the
re-import of an unchanged list.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import db
from directory.models.user import utcnow


class ImportRun(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    network: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    dry_run: Mapped[bool] = mapped_column(default=False)
    # checking | previewed | running | applied | refused | cancelled | failed
    status: Mapped[str] = mapped_column(String(20))
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    # Who ran it as shown in reports ("operator" for the command line without --as).
    actor: Mapped[str] = mapped_column(String(320), default="")
    sheet: Mapped[str | None] = mapped_column(String(200))
    archive_missing: Mapped[bool] = mapped_column(default=False)
    finished_at: Mapped[datetime | None] = mapped_column()


class ImportSnapshot(db.Model):
    network_id: Mapped[int] = mapped_column(
        ForeignKey("network.id", ondelete="CASCADE"), primary_key=True)
    contact_point_id: Mapped[int] = mapped_column(
        ForeignKey("contact_point.id", ondelete="CASCADE"), primary_key=True, index=True)
    # SHA-256 of `row`: an unchanged row is recognised without loading anything else.
    digest: Mapped[str] = mapped_column(String(64))
    row: Mapped[dict] = mapped_column(JSON, default=dict)
