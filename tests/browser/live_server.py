"""A live Counterpart for the browser: one gunicorn process (one worker, four threads) on
127.0.0.1 and a free port, over its own temporary database and search index, seeded the way an
operator would: `counterpart init-db`, `create-user --password-stdin` for each role,
`demo-data --count 60`, then a few named entries and initial contacts through the API.

The database is SQLite in the given folder, or, when COUNTERPART_TEST_DATABASE_URL is set (the
CI's second run, `make test-postgres`), a schema of its own on that PostgreSQL server.

Used by the browser tests' fixtures (conftest.py) and by `make screenshots` (screenshots.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from browser_support import ENTRIES, PASSWORD, ROOT, USERS
from support import stop_process

BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("COUNTERPART_CHROMIUM", "/usr/bin/chromium"))
# As root on this machine Chromium needs no sandbox; without the background-networking flags it
# keeps trying to reach Google's hosts through a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
POSTGRES_URL = os.environ.get("COUNTERPART_TEST_DATABASE_URL")

# The admin's own initial contacts, so that "My contacts" has rows of every kind:
# (entry, matter, purpose, established); the last one is voided.
ADMIN_CONTACTS = (("gharbi_be", "freezing-confiscation", "pre-mla-advice", True),
                  ("lahlou_fr", "thb", "mla-request", False),
                  ("gharbi", "freezing-confiscation", "other", False))


class ServerFailed(RuntimeError):
    pass


@dataclass
class LiveServer:
    url: str
    log_path: Path
    entries: dict[str, int] = field(default_factory=dict)
    # Where the server writes its mail, one .eml file a message (COUNTERPART_MAIL_DIR).
    outbox: Path | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database(folder: Path):
    """The server's database URL, and what to do at the end to drop it."""
    if not POSTGRES_URL:
        return f"sqlite:///{folder / 'browser.sqlite3'}", lambda: None
    from sqlalchemy import create_engine, text

    name = f"browser_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"

    def drop() -> None:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        engine.dispose()

    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{name}", drop


def _counterpart(env: dict, *commands: tuple[str, ...], stdin: str | None = None) -> list[str]:
    """Run `counterpart` commands side by side (each starts Python: about a second); their
    outputs. SQLite's busy timeout lets their short writes take turns."""
    processes = [subprocess.Popen([str(BIN / "counterpart"), *args], cwd=ROOT, env=env,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
                 for args in commands]
    outputs = []
    for args, process in zip(commands, processes, strict=True):
        out, err = process.communicate(stdin, timeout=180)
        if process.returncode != 0:
            raise ServerFailed(f"counterpart {' '.join(args)}:\n{out}{err}")
        outputs.append(out)
    return outputs


def api(base: str, token: str, path: str, body: dict | None = None, method: str = "POST") -> dict:
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise ServerFailed(f"{method} {path}: {error.code} {error.read().decode()}") from None


def _pending_proposal(env: dict, server: LiveServer) -> int:
    """A proposal waiting for the administrator: the EMJ secretariat changes the city of a
    demo entry that EMJ shares with another network. The entry's id."""
    [token] = _counterpart(env, ("create-token", USERS["secretariat"][0]))
    listing = api(server.url, token.strip(), "/api/v1/contact-points?network=emj&per_page=500",
                  method="GET")
    shared = [row for row in listing["results"] if len(row["memberships"]) > 1]
    if not shared:
        raise ServerFailed("the demo data has no entry that EMJ shares with another network")
    api(server.url, token.strip(), f"/api/v1/contact-points/{shared[0]['id']}",
        {"city": "Sousse"}, method="PATCH")
    return shared[0]["id"]


@contextmanager
def running_server(folder: Path, demo_entries: int = 60) -> Iterator[LiveServer]:
    database_url, drop_database = _database(folder)
    env = {**os.environ,
           "COUNTERPART_DATABASE_URL": database_url,
           "COUNTERPART_INDEX_DIR": str(folder / "index"),
           "COUNTERPART_SECRET_KEY": f"browser-tests-{uuid.uuid4().hex}",
           # The server's instance folder (uploaded lists), away from the developer's own.
           "COUNTERPART_BROWSER_INSTANCE": str(folder / "instance"),
           # Cheap argon2 for speed; production uses argon2-cffi's defaults.
           "COUNTERPART_PASSWORD_HASHING": json.dumps(
               {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}),
           "COUNTERPART_LOGIN_FAILURES_PER_ADDRESS": "1000",
           "COUNTERPART_MAIL_DIR": str(folder / "outbox")}
    process = log = None
    try:
        _counterpart(env, ("init-db",))
        _counterpart(env, *[("create-user", email, "--role", role, *options, "--password-stdin")
                            for role, (email, options) in USERS.items()], stdin=PASSWORD + "\n")
        _, token = _counterpart(env, ("demo-data", "--count", str(demo_entries)),
                                ("create-token", USERS["admin"][0]))
        token = token.strip()

        port = _free_port()
        env["COUNTERPART_BASE_URL"] = f"http://127.0.0.1:{port}"  # the links in its mails
        log_path = folder / "gunicorn.log"
        log = open(log_path, "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", "1", "--threads", "4",
             "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning",
             "tests.browser.browser_wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        server = LiveServer(url=f"http://127.0.0.1:{port}", log_path=log_path,
                            outbox=folder / "outbox")
        for _ in range(300):
            try:
                urllib.request.urlopen(server.url + "/login", timeout=5).read()
                break
            except OSError:  # refused while gunicorn starts
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        if process.poll() is not None:
            raise ServerFailed(f"the live server did not start:\n{server.log()}")

        for key, values in ENTRIES.items():
            server.entries[key] = api(server.url, token, "/api/v1/contact-points", values)["id"]
        for key, matter, purpose, established in ADMIN_CONTACTS:
            event = api(server.url, token, "/api/v1/contact-events", {
                "contact_point_id": server.entries[key], "matter": matter, "channel": "email",
                "purpose": purpose, "established": established,
                "note": "Logged by the browser tests."})
        api(server.url, token, f"/api/v1/contact-events/{event['id']}/void",
            {"reason": "Logged twice"})
        server.entries["shared"] = _pending_proposal(env, server)
        yield server
    finally:
        if process is not None:
            stop_process(process)
        if log is not None:
            log.close()
        drop_database()
