"""Use of the directory: searches and entry views per day and network, counts only.

The query text is never stored: the action plans ask how much the directory is used, not
what prosecutors look for.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable
from datetime import date

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import DirectoryUse

KINDS = ("search", "view")


# Counts wait in memory and reach the database at most every USAGE_FLUSH_SECONDS, so that a
# search does not pay for a durable write. A crash loses at most that many seconds of counts.
_pending: Counter[tuple[date, str, str]] = Counter()
_pending_lock = threading.Lock()
_last_flush = 0.0


def count(kind: str, networks: Iterable[str]) -> None:
    """Count one search or entry view, once for each network it concerns ("" for none)."""
    global _last_flush
    today = date.today()
    with _pending_lock:
        for network in set(networks) or {""}:
            _pending[(today, kind, network)] += 1
        due = time.monotonic() - _last_flush >= float(current_app.config["USAGE_FLUSH_SECONDS"])
        if not due:
            return
        batch = dict(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    _write(batch)


def _write(batch: dict[tuple[date, str, str], int]) -> None:
    """Add a batch of counts in the current transaction (the caller commits)."""
    for (day, kind, network), number in batch.items():
        where = (DirectoryUse.day == day, DirectoryUse.kind == kind,
                 DirectoryUse.network == network)
        done = db.session.execute(
            update(DirectoryUse).where(*where).values(count=DirectoryUse.count + number)
        ).rowcount
        if done:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(DirectoryUse(day=day, kind=kind, network=network, count=number))
        except IntegrityError:  # another worker inserted the row first
            db.session.execute(
                update(DirectoryUse).where(*where).values(count=DirectoryUse.count + number))
