"""PostgreSQL going away and coming back costs only the requests it cut: connections the server
closed are replaced when taken from the pool (pre-ping), and a server that refuses new
connections while it starts is asked again instead of failing the request.

These run on the machine's PostgreSQL whichever database the rest of the suite uses (restarting
that server is CI's load step, `make load`: here only this test's own connections are cut).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from support import close_app, free_port, make_app

from directory.services import schema

POSTGRES_URL = os.environ.get("COUNTERPART_TEST_DATABASE_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_schema() -> Iterator[tuple[str, str]]:
    """A schema of its own on the machine's PostgreSQL: (URL, schema name)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    yield POSTGRES_URL, name
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


def _url(base: str, name: str, **parameters: str) -> str:
    query = "&".join([f"options=-csearch_path%3D{name}",
                      *(f"{key}={value}" for key, value in parameters.items())])
    return f"{base}{'&' if '?' in base else '?'}{query}"


@pytest.fixture
def app_on(tmp_path):
    made = []

    def build(url: str, **config):
        app = make_app(url, tmp_path / f"index-{len(made)}", **config)
        made.append(app)
        with app.app_context():
            schema.init_db()
        return app

    yield build
    for app in made:
        close_app(app)


def _sign_in_token(app) -> dict[str, str]:
    from directory.services import commit, users

    with app.app_context():
        user = users.create_user(None, {"email": "outage@users.example", "role": "admin",
                                        "password": "correct horse battery staple"})
        commit()
        token = users.create_token(None, user)
        commit()
    return {"Authorization": f"Bearer {token}"}


def test_connections_the_server_closed_are_replaced_without_an_error(app_on, postgres_schema):
    base, name = postgres_schema
    application = f"counterpart-{uuid.uuid4().hex[:8]}"
    app = app_on(_url(base, name, application_name=application))
    headers = _sign_in_token(app)
    client = app.test_client()
    assert client.get("/api/v1/contact-points", headers=headers).status_code == 200

    killer = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with killer.connect() as connection:
        cut = connection.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name"), {"name": application}).scalar()
    killer.dispose()
    assert cut >= 1  # the app's pooled connection is gone

    for _ in range(3):
        response = client.get("/api/v1/contact-points", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)


class StartingServer:
    """A relay to PostgreSQL that hangs up on its first `refusals` connections, as a server
    that is starting up does, then relays the next ones."""

    def __init__(self, target_port: int, refusals: int):
        self.target_port = target_port
        self.refusals = refusals
        self.refused = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # closed
                return
            if self.refused < self.refusals:
                self.refused += 1
                client.close()
                continue
            server = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            sink.close()

    def close(self) -> None:
        self.listener.close()


def _on_port(url: str, port: int) -> str:
    return make_url(url).set(port=port).render_as_string(hide_password=False)


def test_a_request_waits_for_a_server_that_is_starting_instead_of_failing(app_on,
                                                                         postgres_schema):
    base, name = postgres_schema
    headers = _sign_in_token(app_on(_url(base, name)))
    starting = StartingServer(make_url(base).port or 5432, refusals=3)
    try:
        app = app_on(_url(_on_port(base, starting.port), name), DATABASE_WAIT_SECONDS=30)
        response = app.test_client().get("/api/v1/contact-points", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert starting.refused == 3  # it was turned away, and asked again
    finally:
        starting.close()


def test_a_server_that_stays_away_is_a_503_after_the_wait(app_on, postgres_schema):
    base, name = postgres_schema
    app = app_on(_url(base, name))
    headers = _sign_in_token(app)
    gone = make_app(_url(_on_port(base, free_port()), name), app.config["INDEX_DIR"] + "-gone",
                    DATABASE_WAIT_SECONDS=0.5)
    try:
        response = gone.test_client().get("/api/v1/contact-points", headers=headers)
        assert response.status_code == 503
        assert response.json["error"]["code"] == "unavailable"
    finally:
        close_app(gone)
