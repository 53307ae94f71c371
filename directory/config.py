"""Configuration: defaults, then `COUNTERPART_*` environment variables, then test overrides.

The instance folder holds what belongs to one installation: the SQLite database, the search
index and the generated secret key; it and they are created readable by their owner only.
A setting that cannot work (a word where a number is due, a database URL that is no URL) is a
`ConfigError` naming the variable, which the command line and `wsgi.py` print as one line.
"""

from __future__ import annotations

import math
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

PREFIX = "COUNTERPART"


class ConfigError(Exception):
    """A setting that cannot work; the message names its environment variable."""


def _secret_key(instance_path: Path) -> str:
    """The key stored in the instance folder, generated once with mode 0600."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def configure(app: Flask, test_config: dict | None = None) -> None:
    instance_path = Path(app.instance_path)
    instance_path.mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{instance_path / 'counterpart.sqlite3'}",
        INDEX_DIR=str(instance_path / "index"),
        # Entries not verified for this many days carry the "stale" badge.
        STALE_AFTER_DAYS=365,
        # A verification campaign's personal links work this many days (SPEC section 11).
        CONFIRM_DAYS=30,
        # Sessions end after this many minutes, whatever the activity...
        SESSION_MINUTES=480,
        # ...and after this many minutes without any request.
        SESSION_IDLE_MINUTES=30,
        # Roles that must sign in with a second factor (TOTP); optional for the others.
        TWO_FACTOR_ROLES=["admin", "secretariat"],
        # Sign-in throttling (services/throttling.py): failures on one account, from any
        # address, before each attempt waits LOGIN_DELAY_SECONDS (doubling); failures that hold
        # the account until LOGIN_HOLD_HOURS have passed or its owner resets the password.
        LOGIN_FAILURES_PER_ACCOUNT=5,
        LOGIN_DELAY_SECONDS=30,
        LOGIN_HOLD_AFTER=20,
        LOGIN_HOLD_HOURS=24,
        # Failures for unknown accounts from one address (IPv6: one /64) in the window.
        LOGIN_FAILURES_PER_ADDRESS=20,
        LOGIN_WINDOW_MINUTES=15,
        # An invitation mailed to a new user lets them choose their password this many days.
        INVITATION_DAYS=7,
        # Reads of entries are kept this many days in the access log.
        ACCESS_LOG_DAYS=365,
        # Reads wait in memory at most this many seconds before one bulk write, made after a
        # response has gone (0: each request's reads are written once it has answered).
        ACCESS_LOG_FLUSH_SECONDS=0,
        INDEX_LOCK_TIMEOUT=5.0,
        # Mail (SPEC section 12): through SMTP when SMTP_URL is set (smtp://user:pass@host:port,
        # smtp+starttls://..., smtps://...), else one .eml file per message in MAIL_DIR
        # (empty: `outbox` in the instance folder). Links in mails start with BASE_URL.
        SMTP_URL="",
        SMTP_TIMEOUT=30.0,
        MAIL_DIR="",
        MAIL_FROM="Counterpart <counterpart@localhost>",
        BASE_URL="http://127.0.0.1:5000",
        # A refused or undelivered message is tried again after MAIL_RETRY_SECONDS, doubling
        # up to six hours, at most MAIL_MAX_ATTEMPTS times in all.
        MAIL_MAX_ATTEMPTS=10,
        MAIL_RETRY_SECONDS=60,
        # A message claimed for sending this long ago and not sent died with its process.
        MAIL_SENDING_TIMEOUT_SECONDS=600,
        # Background jobs (services/jobs.py, on huey): with REDIS_URL, RedisHuey and
        # `counterpart worker` processes; without, SqliteHuey in JOBS_FILE (empty:
        # `jobs.sqlite3` in the instance folder) consumed by the web processes themselves
        # (JOBS_EMBEDDED). JOBS_IMMEDIATE runs each job as it is queued (the tests).
        REDIS_URL="",
        JOBS_FILE="",
        JOBS_QUEUE="counterpart",
        JOBS_EMBEDDED=True,
        JOBS_IMMEDIATE=False,
        JOBS_POLL_SECONDS=1.0,
        # A running job beats this often; one silent for JOB_STALLED_SECONDS died with its
        # process and is queued again, at most JOB_MAX_ATTEMPTS runs in all.
        JOB_HEARTBEAT_SECONDS=10.0,
        JOB_STALLED_SECONDS=120.0,
        JOB_MAX_ATTEMPTS=3,
        # The daily purge (retention) is queued once a day, from this hour (UTC) on.
        PURGE_HOUR=3,
        # Retention (services/retention.py): sign-in attempts, mail bodies and addresses,
        # notes of initial contacts (after the contact), imports checked but not confirmed.
        LOGIN_ATTEMPT_DAYS=90,
        MAIL_BODY_DAYS=30,
        NOTE_RETENTION_DAYS=730,
        IMPORT_PREVIEW_HOURS=24,
        # PostgreSQL: how long a new connection is retried while the server (re)starts, so
        # that a restart costs only the requests whose transaction it cut.
        DATABASE_WAIT_SECONDS=10.0,
        # Searches and entry views are counted in memory and written at most this often.
        USAGE_FLUSH_SECONDS=30,
        # Proxies in front of the app whose X-Forwarded-For to trust (0: none), so that
        # sign-in throttling counts the client's address, not the proxy's.
        PROXY_COUNT=0,
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="en",
        LANGUAGES=["en", "fr", "ar"],
    )
    defaults = dict(app.config)
    app.config.from_prefixed_env(PREFIX)
    _check_environment(app.config, defaults)
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance_path)
    database = _database_url(app.config["DATABASE_URL"])
    _create_private_sqlite_file(database)
    app.config["SQLALCHEMY_DATABASE_URI"] = database.render_as_string(hide_password=False)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=int(app.config["SESSION_MINUTES"]))
    engine_options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if database.get_backend_name() != "sqlite":
        # A connection the server dropped (a restart, a failover) is noticed when it is taken
        # from the pool and replaced, instead of failing the next request that uses it.
        engine_options.setdefault("pool_pre_ping", True)


def _check_environment(config: dict[str, Any], defaults: dict[str, Any]) -> None:
    """Each `COUNTERPART_*` variable has its default's type: a number where a number is due,
    true or false for a switch, text kept as written (a numeric key stays text)."""
    for variable in sorted(os.environ):
        key = variable.removeprefix(f"{PREFIX}_")
        if key == variable or "__" in key:
            continue
        config[key] = _typed(variable, os.environ[variable], config[key], defaults.get(key))


def _typed(variable: str, written: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise ConfigError(f"{variable} must be true or false, not {written!r}.")
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise ConfigError(f"{variable} must be a whole number of 0 or more, not {written!r}.")
    if isinstance(default, float):
        if (isinstance(value, (int, float)) and not isinstance(value, bool)
                and math.isfinite(value) and value >= 0):
            return float(value)
        raise ConfigError(f"{variable} must be a number of 0 or more, not {written!r}.")
    if isinstance(default, list) and not isinstance(value, list):
        raise ConfigError(f'{variable} must be a JSON list such as ["en", "fr"], not {written!r}.')
    if isinstance(default, str) or variable == f"{PREFIX}_SECRET_KEY":
        if not written.strip():
            raise ConfigError(f"{variable} is set but empty; set a value or unset it.")
        return written
    return value


def _database_url(value: Any) -> URL:
    """The URL SQLAlchemy connects with; `postgresql://` means psycopg 3."""
    example = ("e.g. postgresql://counterpart@db.example/counterpart or "
               "sqlite:////srv/counterpart/counterpart.sqlite3")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{PREFIX}_DATABASE_URL is empty; {example}.")
    try:
        url = make_url(value.strip())
        if url.drivername in ("postgres", "postgresql"):
            url = url.set(drivername="postgresql+psycopg")
        url.get_dialect().import_dbapi()
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as error:
        raise ConfigError(f"{PREFIX}_DATABASE_URL is not a database URL Counterpart can use "
                          f"({str(error).splitlines()[0]}); {example}.") from None
    return url


def _create_private_sqlite_file(url: URL) -> None:
    """SQLite creates its file (and its -wal and -shm beside it, which copy the file's mode)
    with the process's umask: create it first, readable by its owner only."""
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:") or \
            database.startswith("file:"):
        return
    path = Path(database)
    if path.parent.is_dir():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass
