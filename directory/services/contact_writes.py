"""Writing contact points: the one write path every change to an entry goes through.

Each write bumps the entry's version, writes its audit row and appends to the change sequence
that the search index catches up from, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import update

from directory.extensions import db
from directory.models import Change, ChangeCounter


def record_changes(contact_point_ids: Iterable[int]) -> None:
    """Queue entries for the index: one change-sequence number each, in commit order."""
    ids = list(contact_point_ids)
    if not ids:
        return
    last = db.session.execute(
        update(ChangeCounter).where(ChangeCounter.id == 1)
        .values(value=ChangeCounter.value + len(ids)).returning(ChangeCounter.value)
    ).scalar_one()
    first = last - len(ids) + 1
    db.session.add_all(
        Change(seq=first + offset, contact_point_id=contact_point_id)
        for offset, contact_point_id in enumerate(ids)
    )
    db.session.info["index_dirty"] = True
