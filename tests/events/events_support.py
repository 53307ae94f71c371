"""Helpers shared by the initial-contact tests (imported by name: conftest modules clash)."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery staple"  # as in tests/conftest.py


def form_token(page: str, prefix: str = "") -> str:
    name = f"{prefix}csrf_token"
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]+)"', page)
    assert match, f"no {name} on the page"
    return match.group(1)


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)


def contact(entry: int, **values) -> dict:
    """A valid contact-event payload with that entry as counterpart; values override."""
    payload = {"contact_point_id": entry, "matter": "thb", "channel": "email",
               "purpose": "pre-mla-advice"}
    payload.update(values)
    return payload
