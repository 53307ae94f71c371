"""Helpers shared by the indicators tests (imported by name: conftest modules clash)."""

from __future__ import annotations

from support import PASSWORD, contact_payload
from support import token_in as page_token

__all__ = ["PASSWORD", "logged", "page_token"]


def logged(client, entry: int, **values) -> dict:
    response = client.post("/api/v1/contact-events", json=contact_payload(entry, **values))
    assert response.status_code in (200, 201), response.json
    return response.json
