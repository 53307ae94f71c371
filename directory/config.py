"""Configuration: defaults, then `COUNTERPART_*` environment variables, then test overrides.

The instance folder holds what belongs to one installation: the SQLite database, the search
index and the generated secret key.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask


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
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{instance_path / 'counterpart.sqlite3'}",
        INDEX_DIR=str(instance_path / "index"),
        # Entries not verified for this many days carry the "stale" badge.
        STALE_AFTER_DAYS=365,
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
        # Reads of entries are kept this many days in the access log.
        ACCESS_LOG_DAYS=365,
        # Reads wait in memory at most this many seconds before one bulk write, made after a
        # response has gone (0: each request's reads are written once it has answered).
        ACCESS_LOG_FLUSH_SECONDS=0,
        INDEX_LOCK_TIMEOUT=5.0,
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
    app.config.from_prefixed_env("COUNTERPART")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance_path)
    app.config["SQLALCHEMY_DATABASE_URI"] = _driver_url(app.config["DATABASE_URL"])
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=int(app.config["SESSION_MINUTES"]))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})


def _driver_url(url: str) -> str:
    """Let people write `postgresql://`; we talk to PostgreSQL through psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url
