"""Fixtures for the core tests: browsers signed in as a role, row counts."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from support import close_app, make_app

from directory.extensions import db


@pytest.fixture
def count_rows(app):
    """How many rows a model has, read straight from the database."""

    def count(model) -> int:
        with app.app_context():
            return db.session.scalar(select(func.count()).select_from(model))

    return count


@pytest.fixture
def second_app(app, database_url, tmp_path):
    """Another instance (a second worker) on the same database: second_app(SESSION_MINUTES=5)."""
    made = []

    def build(**config):
        other = make_app(database_url, tmp_path / f"index-{len(made) + 2}", **config)
        made.append(other)
        return other

    yield build
    for other in made:
        close_app(other)
