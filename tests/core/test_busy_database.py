"""SQLite takes one transaction at a time: a request that cannot get it in time says why."""

from __future__ import annotations

import html
import sqlite3

import pytest

from directory.extensions import db


def test_a_database_held_too_long_asks_to_try_again(app, login_as):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL readers and writers do not wait for each other")
        path = db.engine.url.database
    browser = login_as("prosecutor")
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    holder = sqlite3.connect(path)
    holder.execute("BEGIN IMMEDIATE")  # as a long import does
    try:
        response = browser.get("/my-contacts")  # waits the busy timeout (10 s)
    finally:
        holder.rollback()
        holder.close()
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 503
    assert "L'annuaire est occupé par une longue modification" in page
    assert "Traceback" not in page
    assert browser.get("/my-contacts").status_code == 200
