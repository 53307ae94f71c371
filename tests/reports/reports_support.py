"""Helpers shared by the indicators tests (imported by name: conftest modules clash)."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"  # as in tests/conftest.py


def page_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def logged(client, entry: int, **values) -> dict:
    payload = {"contact_point_id": entry, "matter": "thb", "channel": "email",
               "purpose": "pre-mla-advice"}
    payload.update(values)
    response = client.post("/api/v1/contact-events", json=payload)
    assert response.status_code in (200, 201), response.json
    return response.json
