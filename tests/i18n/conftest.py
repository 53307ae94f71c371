"""Fixtures for the language tests: browsers in a language, signed in as a role."""

from __future__ import annotations

import pytest
from support import sign_in


@pytest.fixture
def visitor(app):
    """A fresh browser whose Accept-Language is `language`: visitor("ar")."""

    def make_browser(language: str | None = None):
        client = app.test_client()
        if language:
            client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make_browser


@pytest.fixture
def login_as(app, make, visitor):
    """A browser signed in as a new user: login_as("prosecutor", language="fr", locale="ar")."""

    def login(role: str = "prosecutor", language: str | None = None, **values):
        user_id, email = make.user(role, **values)
        client = visitor(language)
        response = sign_in(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user_id, client.email = user_id, email
        return client

    return login
