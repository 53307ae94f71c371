"""Helpers shared by the initial-contact tests (imported by name: conftest modules clash)."""

from __future__ import annotations

import re

from support import PASSWORD, contact_payload
from support import token_in as form_token

__all__ = ["PASSWORD", "contact", "form_token", "hidden_value"]
contact = contact_payload


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)

