"""Helpers every test folder shares: the test password, CSRF tokens, signing in, bearer headers.

Importable as `support` from any test module (pytest puts the tests folder on sys.path).
"""

from __future__ import annotations

import html
import re
import socket
import subprocess
import time
from urllib.parse import parse_qs, urlsplit

import pyotp

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


# What each test user's authenticator app holds: e-mail → {"secret", "last" step used}.
AUTHENTICATORS: dict[str, dict] = {}
TOTP_URI = re.compile(r"otpauth://[^<\s\"]+")


def remember_authenticator(email: str, page: str) -> str:
    """Read the otpauth:// URI off an enrolment page, as the app would scan it; its secret."""
    match = TOTP_URI.search(page)
    assert match, "no otpauth:// URI on the enrolment page"
    secret = parse_qs(urlsplit(html.unescape(match.group(0))).query)["secret"][0]
    AUTHENTICATORS[email] = {"secret": secret, "last": -1}
    return secret


def totp_code(email: str) -> str:
    """The app's code now, or, when this step's code was used, the next step's (one step of
    drift is allowed); waits for the clock when both were used."""
    entry = AUTHENTICATORS[email]
    now = int(time.time() // 30)
    step = max(now, entry["last"] + 1)
    if step > now + 1:
        time.sleep((step - 1) * 30 - time.time() + 0.1)
    entry["last"] = step
    return pyotp.TOTP(entry["secret"]).generate_otp(step)


def enrol(client, email: str, environ: dict | None = None):
    """Set up the second factor on the enrolment page, as its owner would with the app."""
    page = client.get("/account/two-factor", environ_base=environ).get_data(as_text=True)
    remember_authenticator(email, page)
    return client.post("/account/two-factor", data={
        "csrf_token": token_in(page), "code": totp_code(email)}, environ_base=environ)


def sign_in(client, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    """Sign in through the login page: the password, then the second factor's code when the
    account has one; an account whose role requires it and has none enrols at once. The
    answer is the sign-in's last response (302 when signed in)."""
    environ = {"REMOTE_ADDR": address}
    token = page_token(client, "/login", environ_base=environ)
    response = client.post("/login", data={"email": email, "password": password,
                                           "csrf_token": token}, environ_base=environ)
    if response.status_code != 302:
        return response
    if urlsplit(response.headers["Location"]).path == "/login/code":
        token = page_token(client, "/login/code", environ_base=environ)
        response = client.post("/login/code", data={"code": totp_code(email.lower()),
                                                    "csrf_token": token}, environ_base=environ)
        return response
    gate = client.get("/account", environ_base=environ)
    if gate.status_code == 302 and urlsplit(gate.headers["Location"]).path == "/account/two-factor":
        assert enrol(client, email.lower(), environ).status_code == 200
    return response


def download(client, path: str):
    """An export: a POST with the CSRF token of the page it is offered on."""
    return client.post(path, data={"csrf_token": page_token(client)})


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
    "ACCESS_LOG_FLUSH_SECONDS": 0,
    "PASSWORD_HASHING": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    # Each background job runs as it is queued, in the process that queued it (huey's
    # immediate mode); tests/jobs runs real consumers.
    "JOBS_IMMEDIATE": True,
}


def close_app(app) -> None:
    """Release an app instance made for a test: its embedded job consumer (whose session
    would otherwise outlive the pool), the reads its access log still holds (written now,
    while the test's database exists), its index's files and its database pool."""
    from directory.services import access_log, jobs

    consumer = app.extensions[jobs.EXTENSION].embedded
    if consumer is not None:
        consumer.stop()
        consumer.join(10)
    access_log.flush_if_due(app, force=True)
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
