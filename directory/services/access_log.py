"""The access log: every read of an entry (its page, the API, its vCard), every listing and
search result page, every export: who, when, which entries, how (SPEC section 13).

Reads wait in a per-process buffer and reach the database in one bulk INSERT, made by the
web layer once a response has gone (web/reads.py), so that a page does not wait for it. With
ACCESS_LOG_FLUSH_SECONDS at 0 (the default) each request's reads are written right after it
answers; a larger value gathers several requests' reads into one write, at the price of losing
up to that many seconds of reads if the process is killed. The command line writes its reads
at once. Reading the log first writes what this process still holds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import AccessLogEntry, ContactPoint, User, utcnow
from directory.services.contact_queries import get_contact_point
from directory.services.permissions import require_admin

PER_PAGE = 100
# A buffer this long is written without waiting for the flush interval.
FLUSH_ROWS = 5000
log = logging.getLogger(__name__)


@dataclass
class _Buffer:
    lock: threading.Lock = field(default_factory=threading.Lock)
    rows: list[dict[str, Any]] = field(default_factory=list)
    last_flush: float = field(default_factory=time.monotonic)


def _buffer(app: Flask | None = None) -> _Buffer:
    app = app or current_app
    return app.extensions.setdefault("counterpart_access_log", _Buffer())


def record(actor: User | None, how: str, channel: str, contact_point_ids: Iterable[int]) -> None:
    """Note that `actor` read these entries; written later, in bulk."""
    moment = utcnow()
    user_id = actor.id if actor is not None else None
    reader = actor.email if actor is not None else "operator"
    rows = [{"at": moment, "user_id": user_id, "actor": reader, "contact_point_id": entry,
             "how": how, "channel": channel} for entry in dict.fromkeys(contact_point_ids)]
    if rows:
        buffer = _buffer()
        with buffer.lock:
            buffer.rows.extend(rows)


def pending() -> bool:
    return bool(_buffer().rows)


def _due(buffer: _Buffer, app: Flask) -> bool:
    waited = time.monotonic() - buffer.last_flush
    return bool(buffer.rows) and (waited >= float(app.config["ACCESS_LOG_FLUSH_SECONDS"])
                                  or len(buffer.rows) >= FLUSH_ROWS)


def flush() -> int:
    """Write what this process holds, in the current transaction (the caller commits)."""
    buffer = _buffer()
    with buffer.lock:
        rows, buffer.rows = buffer.rows, []
        buffer.last_flush = time.monotonic()
    if not rows:
        return 0
    try:
        with db.session.begin_nested():
            db.session.execute(insert(AccessLogEntry), rows)
    except IntegrityError:
        # An entry erased meanwhile: its reads go with it.
        present = set(db.session.scalars(select(ContactPoint.id).where(
            ContactPoint.id.in_({row["contact_point_id"] for row in rows}))))
        rows = [row for row in rows if row["contact_point_id"] in present]
        if rows:
            db.session.execute(insert(AccessLogEntry), rows)
    return len(rows)


def flush_if_due(app: Flask, force: bool = False) -> None:
    """After a response has gone (or as the process ends, `force`): one bulk write in a
    transaction of its own."""
    if not (_due(_buffer(app), app) or (force and _buffer(app).rows)):
        return
    with app.app_context():
        try:
            flush()
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Could not write the access log")
        finally:
            db.session.remove()


def page_arg(value: str | None) -> int:
    return int(value) if value and value.isdigit() and int(value) > 0 else 1


def _page(query, page: int) -> tuple[int, list[AccessLogEntry]]:
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    return total, list(rows)


def reads_of_entry(actor: User, contact_point_id: int, page: int = 1
                   ) -> tuple[int, list[AccessLogEntry]]:
    """Admins: who read this entry, newest first."""
    require_admin(actor)
    get_contact_point(contact_point_id)
    flush()
    return _page(select(AccessLogEntry).where(
        AccessLogEntry.contact_point_id == contact_point_id), page)


def reads_by_user(actor: User, user_id: int, page: int = 1) -> tuple[int, list[AccessLogEntry]]:
    """Admins: which entries this user read, newest first."""
    require_admin(actor)
    flush()
    return _page(select(AccessLogEntry).where(AccessLogEntry.user_id == user_id), page)


def entry_json(row: AccessLogEntry) -> dict[str, Any]:
    return {"at": row.at.isoformat(timespec="seconds") + "Z", "user": row.actor,
            "user_id": row.user_id, "contact_point_id": row.contact_point_id, "how": row.how,
            "channel": row.channel}
