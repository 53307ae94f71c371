"""Helpers shared by the core tests: signing in a browser, reading a page's CSRF token."""

from __future__ import annotations

from support import PASSWORD, page_token, sign_in

__all__ = ["PASSWORD", "page_token", "session_cookie", "sign_in"]


def session_cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


