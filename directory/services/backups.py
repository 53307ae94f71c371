"""Backups: a consistent copy of the whole directory while it runs, and its restoration into
an empty instance (SPEC section 13).

- SQLite: the online backup API copies the database in one step inside one read transaction.
  Under WAL a reader neither waits for writers nor stops them, so the service keeps serving and
  writing, and the copy is the database as it was at one instant. The copy is a plain SQLite
  file (no WAL), checked with `PRAGMA integrity_check`.
- PostgreSQL: `pg_dump --format=custom` (one snapshot, one transaction), restored with
  `pg_restore`; both must be installed (the PostgreSQL client package).

A restore refuses an instance that holds users, entries or events; it upgrades the restored
schema if the backup is older than the code, then rebuilds the search index (the index is a
projection of the database and is never in a backup).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import func, inspect, select
from sqlalchemy.engine import URL

from directory.extensions import db
from directory.models import ContactPoint, InitialContact, User
from directory.services import schema, search
from directory.services.errors import Conflict, ServiceError

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


@dataclass
class Outcome:
    path: Path
    size: int
    engine: str
    entries: int | None = None


def _url() -> URL:
    return db.engine.url


def _sqlite_path() -> Path:
    database = _url().database
    if not database or database == ":memory:":
        raise ServiceError(gettext("An in-memory database cannot be backed up or restored."))
    return Path(database)


def _libpq(url: URL) -> tuple[str, list[str]]:
    """The URL as libpq (pg_dump, pg_restore) reads it, and a `--schema` when the URL's
    options set a search_path (one schema of a shared database)."""
    plain = url.set(drivername="postgresql")
    options = plain.query.get("options") or ""
    schema_args: list[str] = []
    for option in (options if isinstance(options, tuple) else (options,)):
        for word in option.split():
            if word.startswith("-csearch_path="):
                schema_args = ["--schema", word.split("=", 1)[1].split(",")[0]]
    return plain.render_as_string(hide_password=False), schema_args


def _run(command: list[str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise ServiceError(gettext("%(tool)s is not installed: install the PostgreSQL client "
                                   "package (postgresql-client).", tool=tool))
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise ServiceError(gettext("%(tool)s failed: %(message)s", tool=tool,
                                   message=message[-1] if message else done.returncode))


def _fresh_target(target: Path) -> Path:
    if target.exists():
        raise Conflict(gettext("%(path)s already exists: choose a new file.", path=str(target)))
    if not target.parent.is_dir():
        raise ServiceError(gettext("The folder %(path)s does not exist.", path=str(target.parent)))
    return target.with_name(f".{target.name}.partial")


def backup(target: Path) -> Outcome:
    """Copy the whole database into `target` (a new file), while the service runs."""
    partial = _fresh_target(target)
    partial.unlink(missing_ok=True)
    try:
        if _url().get_backend_name() == "sqlite":
            _sqlite_backup(_sqlite_path(), partial)
        else:
            url, schema_args = _libpq(_url())
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  *schema_args, "--file", str(partial), "--dbname", url])
        os.chmod(partial, 0o600)  # personal data: readable by its owner only
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return Outcome(path=target, size=target.stat().st_size, engine=_url().get_backend_name())


def _sqlite_backup(source: Path, partial: Path) -> None:
    reader = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(partial)
    try:
        with copy:
            reader.backup(copy)  # all pages in one step: one consistent read transaction
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise ServiceError(gettext("The copy failed its integrity check: %(problem)s",
                                       problem=verdict))
    finally:
        copy.close()
        reader.close()


def is_empty() -> bool:
    """No users, entries or events: an instance a backup may be restored into."""
    if not inspect(db.engine).has_table("user"):
        return True
    return not any(db.session.scalar(select(func.count()).select_from(model))
                   for model in (User, ContactPoint, InitialContact))


def restore(source: Path) -> Outcome:
    """Fill this empty instance from a backup of the same kind of database; rebuild the index."""
    if not source.is_file():
        raise ServiceError(gettext("%(path)s: no such file.", path=str(source)))
    header = source.read_bytes()[:16] if source.stat().st_size else b""
    backend = _url().get_backend_name()
    expected = SQLITE_HEADER if backend == "sqlite" else PG_DUMP_HEADER
    if not header.startswith(expected):
        raise ServiceError(gettext(
            "%(path)s is not a backup of a %(engine)s directory (a backup restores into the "
            "same kind of database it was taken from).", path=str(source),
            engine="SQLite" if backend == "sqlite" else "PostgreSQL"))
    if not is_empty():
        raise Conflict(gettext("This instance already holds users, entries or events: restore "
                               "into an empty one (a new database)."))
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        _sqlite_restore(source, _sqlite_path())
    else:
        url, _ = _libpq(_url())
        _run(["pg_restore", "--no-owner", "--no-privileges", "--clean", "--if-exists",
              "--exit-on-error", "--single-transaction", "--dbname", url, str(source)])
    db.engine.dispose()
    schema.upgrade()  # a backup of an older release gets this release's schema
    search.rebuild()
    entries = db.session.scalar(select(func.count()).select_from(ContactPoint))
    db.session.rollback()
    return Outcome(path=source, size=source.stat().st_size, engine=backend, entries=entries)


def _sqlite_restore(source: Path, target: Path) -> None:
    reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    database = sqlite3.connect(target, timeout=30)
    try:
        with database:
            reader.backup(database)
        database.execute("PRAGMA journal_mode=WAL")
    finally:
        database.close()
        reader.close()
