"""Helpers shared by the core tests: signing in a browser, reading a page's CSRF token."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"  # as in tests/conftest.py


def page_token(client, path: str = "/", **kwargs) -> str:
    """The CSRF token a page hands to its forms (a hidden input) or scripts (the meta tag)."""
    page = client.get(path, **kwargs).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf-token" content="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    environ = {"REMOTE_ADDR": address}
    token = page_token(client, "/login", environ_base=environ)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       environ_base=environ)


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


