"""Helpers shared by the language tests (imported by name: conftest modules clash)."""

from __future__ import annotations

import re
from pathlib import Path

PASSWORD = "correct horse battery staple"  # as in tests/conftest.py
ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "directory" / "translations"
LANGUAGES = ("fr", "ar")
FSI, PDI = "\u2068", "\u2069"  # Unicode isolates around Latin values inside Arabic messages


def form_token(page: str, prefix: str = "") -> str:
    name = f"{prefix}csrf_token"
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]+)"', page)
    assert match, f"no {name} on the page"
    return match.group(1)


def meta_token(page: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no csrf-token meta on the page"
    return match.group(1)


def html_tag(page: str) -> str:
    match = re.search(r"<html[^>]*>", page)
    assert match, "no <html> tag"
    return match.group(0)


def plain(text: str) -> str:
    """A message without the invisible isolates, to compare with what a person reads."""
    return text.replace(FSI, "").replace(PDI, "")


def heading(page: str, ident: str) -> str:
    match = re.search(rf'<h2 id="{re.escape(ident)}"[^>]*>(.*?)</h2>', page, re.DOTALL)
    assert match, f"no heading {ident}"
    return match.group(1).strip()
