"""Fixtures for the search tests: a populated directory shared by the read-only tests of the session
(real database, real Whoosh index), and helpers to start further app instances."""

from __future__ import annotations

import os
import uuid

import pytest
from search_support import load_directory, sign_in
from sqlalchemy import create_engine, text
from support import close_app, make_app

from directory.services import commit, schema, tokens, users

POSTGRES_URL = os.environ.get("COUNTERPART_TEST_DATABASE_URL")
ON_POSTGRES = bool(POSTGRES_URL and POSTGRES_URL.startswith("postgres"))


def _new_schema_url(base_url: str) -> tuple[str, str]:
    name = f"s_{uuid.uuid4().hex[:12]}"
    engine = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{name}", name


def _drop_schema(base_url: str, name: str) -> None:
    engine = create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1),
                           isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    """(app, target ids, prosecutor token): ~310 entries made through the service, indexed by
    the normal catch-up after the commit. Tests using it must not write entries."""
    folder = tmp_path_factory.mktemp("directory")
    schema_name = None
    if ON_POSTGRES:
        database_url, schema_name = _new_schema_url(POSTGRES_URL)
    else:
        database_url = f"sqlite:///{folder / 'search.sqlite3'}"
    app = make_app(database_url, folder / "index")
    with app.app_context():
        schema.init_db()
        ids = load_directory(300)
        prosecutor = users.create_user(None, {"email": "reader@users.example",
                                              "role": "prosecutor", "country": "FR",
                                              "password": "correct horse battery staple"})
        _, token = tokens.create_token(None, prosecutor)
        commit()
    yield app, ids, token
    close_app(app)
    if schema_name:
        _drop_schema(POSTGRES_URL, schema_name)


@pytest.fixture
def reader(directory):
    """A test client with the prosecutor's bearer token: reader.get("/api/v1/search?q=...")."""
    app, _, token = directory

    class Reader:
        def __init__(self):
            self.client = app.test_client()
            self.headers = {"Authorization": f"Bearer {token}"}

        def get(self, path, **kwargs):
            return self.client.get(path, headers=self.headers, **kwargs)

        def search(self, **params):
            response = self.client.get("/api/v1/search", query_string=params,
                                       headers=self.headers)
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.get_json()

    return Reader()


@pytest.fixture(scope="session")
def signed_in(directory):
    """A test client signed in (session cookie) as the directory's prosecutor."""
    app, _, _ = directory
    return sign_in(app.test_client(), "reader@users.example")
