"""The outbox read straight from the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import OutboxMessage


@pytest.fixture
def outbox(app):
    """The outbox rows, oldest first, read afresh."""

    def rows() -> list[OutboxMessage]:
        with app.app_context():
            found = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
            db.session.expunge_all()
            return found

    return rows
