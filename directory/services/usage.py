"""Use of the directory: searches and entry views per day and network, counts only.

The query text is never stored: the action plans ask how much the directory is used, not
what prosecutors look for.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import DirectoryUse

KINDS = ("search", "view")


def count(kind: str, networks: Iterable[str]) -> None:
    today = date.today()
    for network in set(networks) or {""}:
        done = db.session.execute(
            update(DirectoryUse)
            .where(DirectoryUse.day == today, DirectoryUse.kind == kind,
                   DirectoryUse.network == network)
            .values(count=DirectoryUse.count + 1)
        ).rowcount
        if done:
            continue
        try:
            with db.session.begin_nested():
                db.session.add(DirectoryUse(day=today, kind=kind, network=network, count=1))
        except IntegrityError:  # another worker inserted the row first
            db.session.execute(
                update(DirectoryUse)
                .where(DirectoryUse.day == today, DirectoryUse.kind == kind,
                       DirectoryUse.network == network)
                .values(count=DirectoryUse.count + 1)
            )


def totals(start: date, end: date) -> list[tuple[date, str, str, int]]:
    """(day, kind, network, count) rows in the period, bounds included."""
    rows = db.session.execute(
        select(DirectoryUse.day, DirectoryUse.kind, DirectoryUse.network, DirectoryUse.count)
        .where(DirectoryUse.day >= start, DirectoryUse.day <= end)
        .order_by(DirectoryUse.day, DirectoryUse.kind, DirectoryUse.network)
    )
    return [tuple(row) for row in rows]
