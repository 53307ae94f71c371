"""The change sequence the search index catches up from.

Every write to a contact point appends a Change whose `seq` comes from the single
ChangeCounter row. Incrementing that row locks it until commit, so changes commit in `seq`
order on every database and an index that has applied up to N never misses a change below N.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import db
from directory.models.user import utcnow


class ChangeCounter(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Change(db.Model):
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # No foreign key: an erased entry's id stays here once, so that every node's index drops
    # it (services/personal_data.py); the changes of an entry go with the entry otherwise.
    contact_point_id: Mapped[int] = mapped_column(index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
