"""Background jobs as the pages see them: what runs, how far it got, how it ended.

The queue itself (what to run next) lives in huey's storage (services/jobs.py); this row is
what makes a job run once (a worker claims it from queued to running in one UPDATE), shows its
progress, and lets a job whose process died be found (its heartbeat stops) and resumed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import db
from directory.models.user import utcnow


class BackgroundJob(db.Model):
    __tablename__ = "background_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)
    # A job that must exist once (the daily purge of one day): a second enqueue is a no-op.
    unique_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    # queued | running | done | failed
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    phase: Mapped[str] = mapped_column(String(40), default="")
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column()
    heartbeat_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
