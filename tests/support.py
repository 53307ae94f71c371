"""Helpers every test folder shares: the test password, CSRF tokens, signing in, bearer headers.

Importable as `support` from any test module (pytest puts the tests folder on sys.path).
"""

from __future__ import annotations

import re
import socket
import subprocess

from directory import create_app
from directory.extensions import db

PASSWORD = "correct horse battery staple"

_HIDDEN = r'name="{prefix}csrf_token" type="hidden" value="([^"]+)"'
_META = r'name="csrf-token" content="([^"]+)"'


def token_in(page: str, prefix: str = "") -> str:
    """The CSRF token a rendered page hands to its forms (hidden input) or scripts (meta)."""
    match = re.search(_HIDDEN.format(prefix=re.escape(prefix)), page) or re.search(_META, page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_token(client, path: str = "/", **kwargs) -> str:
    """The CSRF token of the page at `path`."""
    return token_in(client.get(path, **kwargs).get_data(as_text=True))


csrf_token = page_token


def sign_in(client, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    token = page_token(client, "/login", environ_base=environ)
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": token}, environ_base=environ)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def contact_payload(entry: int, **values) -> dict:
    """A valid initial-contact payload with that entry as counterpart; values override."""
    return {"contact_point_id": entry, "matter": "thb", "channel": "email",
            "purpose": "pre-mla-advice", **values}


# What every test app runs with: cheap argon2 (production uses argon2-cffi's defaults), a short
# index lock timeout, and every search counted at once so that tests can read the counts.
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "INDEX_LOCK_TIMEOUT": 0.5,
    "USAGE_FLUSH_SECONDS": 0,
    "PASSWORD_HASHING": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
}


def close_app(app) -> None:
    """Release an app instance made for a test: its index's files and its database pool."""
    with app.app_context():
        index = app.extensions.get("counterpart_index")
        if index is not None:
            index.close()
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process) -> None:
    """Stop a server the test started: politely, then for good."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def make_app(database_url: str, index_dir, **config):
    """An app instance for tests: its own index folder, on the given database."""
    return create_app({**TEST_CONFIG, "DATABASE_URL": database_url,
                       "INDEX_DIR": str(index_dir), **config})
