"""Fixtures in the style of Flask's tutorial: app, client, runner, auth, and factories.

Each test gets its own database and search index. SQLite by default; set
COUNTERPART_TEST_DATABASE_URL=postgresql://... to run the suite on PostgreSQL, where each test
gets its own schema.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from support import PASSWORD, close_app, csrf_token, make_app, sign_in

from directory.services import commit, contacts, schema, tokens, users

POSTGRES_URL = os.environ.get("COUNTERPART_TEST_DATABASE_URL")


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    name = f"t_{uuid.uuid4().hex[:12]}"
    base = POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{name}"
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture
def app(tmp_path, database_url):
    app = make_app(database_url, tmp_path / "index")
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        schema.init_db()
    yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD):
        return sign_in(self._client, email, password)

    def logout(self):
        token = csrf_token(self._client, "/")
        return self._client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client):
    return AuthActions(client)


class Factory:
    """Makes users and entries through the services, as the application itself would."""

    def __init__(self, app):
        self.app = app
        self._count = 0

    def user(self, role: str = "prosecutor", email: str | None = None, networks=(),
             country: str | None = "FR", **values):
        self._count += 1
        email = email or f"{role}{self._count}@users.example"
        if role == "secretariat" and not networks:
            networks = ("emj",)
        with self.app.app_context():
            user = users.create_user(None, {"email": email, "role": role,
                                            "networks": list(networks), "country": country,
                                            "password": PASSWORD, **values})
            commit()
            return user.id, email

    def token(self, email: str, **options) -> str:
        with self.app.app_context():
            _, token = tokens.create_token(None, users.find_user(email), **options)
            commit()
            return token

    def entry(self, **values) -> int:
        self._count += 1
        payload = {
            "given_name": "Amina", "family_name": f"Haddad{self._count}", "country": "MA",
            "emails": [f"entry{self._count}@prosecution.example"],
            "phones": [{"number": "05 37 12 34 56", "kind": "office"}],
            "languages": ["ar", "fr"], "specialisms": ["thb"],
            "last_verified_on": date.today().isoformat(),
            "memberships": [{"network": "emj", "role": "contact-point"}],
        }
        payload.update(values)
        with self.app.app_context():
            admin = self._admin()
            entry_id = contacts.create_contact_point(admin, payload).contact_point.id
            commit()
            return entry_id

    def _admin(self):
        admin = users.find_user("factory-admin@users.example")
        if admin is None:
            admin = users.create_user(None, {"email": "factory-admin@users.example",
                                             "role": "admin", "password": PASSWORD})
        return admin


@pytest.fixture
def login_as(app, make):
    """A browser (test client) signed in as a new user of that role: login_as("admin")."""

    def login(role: str = "prosecutor", **values):
        user_id, email = make.user(role, **values)
        browser = app.test_client()
        response = sign_in(browser, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        browser.user_id, browser.email = user_id, email
        return browser

    return login


@pytest.fixture
def make(app):
    return Factory(app)


@pytest.fixture
def api(client, make):
    """An API client for a role: api("admin").get("/api/v1/...")."""

    class ApiClient:
        def __init__(self, token):
            self.headers = {"Authorization": f"Bearer {token}"}

        def __getattr__(self, method):
            def call(path, **kwargs):
                headers = {**self.headers, **kwargs.pop("headers", {})}
                return getattr(client, method)(path, headers=headers, **kwargs)
            return call

    def for_role(role: str = "prosecutor", **values):
        _, email = make.user(role, **values)
        return ApiClient(make.token(email))

    return for_role


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 for this test (smtp_support.SmtpServer): point the app
    at it with app.config["SMTP_URL"] = smtp_server.url; read smtp_server.messages."""
    from smtp_support import SmtpServer

    server = SmtpServer().start()
    yield server
    server.stop()
