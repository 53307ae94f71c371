"""Fixtures for the core tests: browsers signed in as a role, row counts."""

from __future__ import annotations

import pytest
from core_support import sign_in
from sqlalchemy import func, select
from support import make_app

from directory.extensions import db


@pytest.fixture
def login_as(app, make):
    """A browser (test client) signed in as a new user of that role: login_as("admin")."""

    def login(role: str = "prosecutor", **values):
        user_id, email = make.user(role, **values)
        browser = app.test_client()
        response = sign_in(browser, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        browser.user_id, browser.email = user_id, email
        return browser

    return login


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
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
