"""Helpers shared by the initial-contact tests (imported by name: conftest modules clash)."""

from __future__ import annotations

import re
from datetime import date

from support import PASSWORD, contact_payload
from support import token_in as form_token

__all__ = ["PASSWORD", "contact", "form_token", "hidden_value", "log_form"]
contact = contact_payload


def hidden_value(page: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]*)"', page)
    assert match, f"no hidden {name} on the page"
    return match.group(1)



def log_form(browser, entry: int, **values) -> dict:
    """The log-contact form of an entry as a browser would post it, changed by `values`."""
    page = browser.get(f"/contact-points/{entry}/log-contact").get_data(as_text=True)
    data = {"csrf_token": form_token(page),
            "idempotency_key": hidden_value(page, "idempotency_key"),
            "occurred_on": date.today().isoformat(), "matter": "thb", "plan": "",
            "network": "emj", "channel": "email", "purpose": "pre-mla-advice", "note": ""}
    data.update(values)
    return data
