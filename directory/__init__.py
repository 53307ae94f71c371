"""Counterpart: the contact-point directory of the cross-Mediterranean action plans.

Flask, SQLAlchemy and the extensions are imported inside `create_app`, not here: the packages
that know nothing of the web (`index`, `imports`) read `directory.vocabulary`, and importing it
must not load Flask.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask
    from sqlalchemy.engine import Engine

PACKAGE = Path(__file__).resolve().parent


def create_app(test_config: dict | None = None) -> Flask:
    from flask import Flask

    from directory.config import configure
    from directory.extensions import babel, csrf, db, login_manager

    app = Flask(
        __name__,
        instance_path=_instance_path(),
        instance_relative_config=True,
        template_folder=str(PACKAGE / "templates"),
        static_folder=str(PACKAGE / "static"),
    )
    configure(app, test_config)
    if int(app.config["PROXY_COUNT"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    db.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)

    from directory.web import i18n, security

    babel.init_app(app, locale_selector=i18n.select_locale)
    security.init_app(app)
    i18n.init_app(app)

    from directory.web import register_blueprints

    register_blueprints(app)

    from directory.cli import register_commands

    register_commands(app)

    from directory.services import jobs

    jobs.init_app(app)  # and mail, which it delivers

    with app.app_context():
        _enable_sqlite_pragmas(db.engine)
        _wait_for_the_server(db.engine, float(app.config["DATABASE_WAIT_SECONDS"]))
        if not app.config.get("TESTING") or app.config.get("INDEX_ON_START"):
            _rebuild_missing_index()
    return app


def _instance_path() -> str | None:
    """COUNTERPART_INSTANCE_PATH: the instance folder, when not the package's default."""
    configured = os.environ.get("COUNTERPART_INSTANCE_PATH", "").strip()
    return os.path.abspath(configured) if configured else None


def _enable_sqlite_pragmas(engine: Engine) -> None:
    """SQLite: foreign keys on, WAL, and BEGIN IMMEDIATE, so that a transaction that reads
    then writes never fails half-way on a lock it could not upgrade."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):  # pragma: no cover - exercised on every connect
        dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # Under WAL, NORMAL is durable against application crashes and skips an fsync per
        # commit; only a power cut can lose the last transactions.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        # Deleted content is overwritten with zeros, so that an erased person's data cannot be
        # read back from the file's free pages (SPEC section 13, services/personal_data.py).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):  # pragma: no cover
        # Under WAL a deferred reader neither waits for the writer nor blocks it; it is for
        # long reads that write nothing (extensions.READ_ONLY).
        deferred = connection.get_execution_options().get("sqlite_deferred")
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    engine.dispose()


def _wait_for_the_server(engine: Engine, seconds: float) -> None:
    """A database server that refuses new connections (restarting, starting up) is asked
    again for up to `seconds`: the request waits instead of failing. Connections it cut are
    noticed by the pool's pre-ping and replaced the same way."""
    if engine.dialect.name == "sqlite" or seconds <= 0:
        return
    from sqlalchemy import event

    @event.listens_for(engine, "do_connect")
    def connect(dialect, _record, cargs, cparams):  # pragma: no cover - on every new connection
        deadline = time.monotonic() + seconds
        while True:
            try:
                return dialect.connect(*cargs, **cparams)
            except dialect.loaded_dbapi.OperationalError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.2)


def _rebuild_missing_index() -> None:
    """A missing index is rebuilt from the database when the app starts."""
    from directory.services import schema, search

    try:
        if schema.is_initialised() and not search.search_index().exists():
            search.rebuild()
    except Exception as error:  # noqa: BLE001 - a broken index must not stop the app starting
        logging.getLogger(__name__).error(
            "Could not rebuild the search index at start (%s); the next search or "
            "`counterpart reindex` will try again.", str(error).splitlines()[0])
