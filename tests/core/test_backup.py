"""Backups: taken while the directory is written to, restored into an empty instance
elsewhere, every table compared; the restored directory searches."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from support import bearer, close_app, make_app

from directory.extensions import db
from directory.services import commit, contacts, events, users

POSTGRES_URL = os.environ.get("COUNTERPART_TEST_DATABASE_URL")


def table_rows(app) -> dict[str, list[dict]]:
    """Every row of every table, as {column: value}, in a stable order."""
    with app.app_context():
        rows = {}
        for table in db.metadata.sorted_tables:
            result = db.session.execute(table.select().order_by(*table.primary_key.columns))
            rows[table.name] = [dict(row._mapping) for row in result]
        db.session.rollback()
        return rows


def write_entries(app, count: int, stop: threading.Event | None = None) -> int:
    """Create entries (each with its audit row and change) and log a contact on each."""
    made = 0
    with app.app_context():
        admin = users.find_user("writer@users.example")
        while made < count and not (stop and stop.is_set()):
            entry, *_ = contacts.create_contact_point(admin, {
                "given_name": "Nadia", "family_name": f"Writer{uuid.uuid4().hex[:8]}",
                "country": "MA", "emails": [f"{uuid.uuid4().hex[:10]}@prosecution.example"],
                "languages": ["fr"], "specialisms": ["thb"],
                "last_verified_on": date.today().isoformat(),
                "memberships": [{"network": "emj", "role": "contact-point"}]})
            commit()
            events.log_contact(admin, {"contact_point_id": entry.id, "matter": "thb",
                                       "channel": "email", "purpose": "pre-mla-advice"})
            commit()
            made += 1
    return made


@pytest.fixture
def elsewhere(tmp_path):
    """A second, empty instance on its own database (PostgreSQL: a database of its own)."""
    databases = []
    server = None
    if POSTGRES_URL:
        server = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                               isolation_level="AUTOCOMMIT")

    def build(name: str):
        if server is None:
            return make_app(f"sqlite:///{tmp_path / f'{name}.sqlite3'}", tmp_path / f"index-{name}")
        database = f"restore_{uuid.uuid4().hex[:10]}"
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{database}"'))
        databases.append(database)
        base, _, query = POSTGRES_URL.partition("?")
        url = base.rsplit("/", 1)[0] + f"/{database}" + ("?" + query if query else "")
        return make_app(url, tmp_path / f"index-{name}")

    yield build
    for database in databases:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    if server is not None:
        server.dispose()


def restore_into(target, backup_file) -> None:
    result = target.test_cli_runner().invoke(args=["restore", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert "search index rebuilt" in result.output


def _same_schema(source_app, target_app):
    """On PostgreSQL the dump names the source's schema: read the target through it."""
    if not POSTGRES_URL:
        return target_app
    schema = source_app.config["DATABASE_URL"].split("search_path%3D")[1]
    url = target_app.config["DATABASE_URL"]
    separator = "&" if "?" in url else "?"
    close_app(target_app)
    return make_app(f"{url}{separator}options=-csearch_path%3D{schema}",
                    target_app.config["INDEX_DIR"])


def test_a_backup_taken_during_writes_restores_a_consistent_directory(
        app, runner, make, tmp_path, elsewhere):
    make.user("admin", email="writer@users.example")
    write_entries(app, 5)
    stop = threading.Event()
    writer = threading.Thread(target=write_entries, args=(app, 10_000, stop))
    writer.start()
    try:
        result = runner.invoke(args=["backup", "-o", str(tmp_path / "during.backup")])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    source = table_rows(app)
    target = _same_schema(app, elsewhere("during"))
    restore_into(target, tmp_path / "during.backup")
    restored = table_rows(target)
    # A snapshot of one instant: every restored row is the source's, unchanged, and each
    # entry came with its audit row and its change (one transaction), or not at all; its
    # initial contact (the writer's next transaction) may be all that is missing.
    for table, rows in restored.items():
        if table != "change_counter":  # the one row updated in place
            assert all(row in source[table] for row in rows), table
    entries = {row["id"] for row in restored["contact_point"]}
    assert len(entries) >= 5
    logged = {row["contact_point_id"] for row in restored["initial_contact"]}
    assert logged <= entries and len(entries - logged) <= 1
    assert {row["contact_point_id"] for row in restored["change"]} == entries
    assert {row["target_id"] for row in restored["audit_entry"]
            if row["action"] == "contact_point.created"} == entries
    assert restored["change_counter"][0]["value"] == max(row["seq"] for row in restored["change"])
    close_app(target)


def test_a_backup_restored_elsewhere_has_every_row_and_searches(
        app, runner, make, login_as, tmp_path, elsewhere):
    make.user("admin", email="writer@users.example")
    write_entries(app, 12)
    login_as("admin").get("/")  # sign-ins, audit rows, an enrolled second factor
    result = runner.invoke(args=["backup", "-o", str(tmp_path / "copy.backup")])
    assert result.exit_code == 0, result.output
    assert oct((tmp_path / "copy.backup").stat().st_mode)[-3:] == "600"
    again = runner.invoke(args=["backup", "-o", str(tmp_path / "copy.backup")])
    assert again.exit_code == 1 and "already exists" in again.output
    target = _same_schema(app, elsewhere("copy"))
    restore_into(target, tmp_path / "copy.backup")
    source, restored = table_rows(app), table_rows(target)
    assert set(source) == set(restored)
    for table in source:
        assert restored[table] == source[table], table
    token = target.test_cli_runner().invoke(args=["create-token", "writer@users.example"])
    found = target.test_client().get("/api/v1/search?q=Nadia",
                                     headers=bearer(token.output.strip()))
    assert found.status_code == 200 and found.json["total"] == 12  # the index was rebuilt
    # Restoring twice is refused: the instance is no longer empty.
    refused = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "copy.backup")])
    assert refused.exit_code == 1 and "empty" in refused.output
    close_app(target)


def test_restore_refuses_what_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "bogus.backup"
    bogus.write_text("not a database")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code == 1 and "is not a backup" in result.output
    missing = runner.invoke(args=["restore", str(tmp_path / "missing.backup")])
    assert missing.exit_code == 1 and "no such file" in missing.output
