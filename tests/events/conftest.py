"""Fixtures for the initial-contact tests: browsers signed in as a role, row counts, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import AuditEntry, InitialContact


@pytest.fixture
def count_events(app):
    def count(**where) -> int:
        with app.app_context():
            query = select(func.count(InitialContact.id))
            for name, value in where.items():
                query = query.where(getattr(InitialContact, name) == value)
            return db.session.scalar(query)

    return count


@pytest.fixture
def audit_actions(app):
    def actions(target_id: int) -> list[str]:
        with app.app_context():
            return list(db.session.scalars(
                select(AuditEntry.action).where(AuditEntry.target_type == "initial_contact",
                                                AuditEntry.target_id == target_id)
                .order_by(AuditEntry.id)))

    return actions
