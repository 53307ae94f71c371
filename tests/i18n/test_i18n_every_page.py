"""Every page, in French and in Arabic, shows no English text of the interface."""

from __future__ import annotations

import html
import re

import pytest
from babel.messages.pofile import read_po
from i18n_support import TRANSLATIONS, html_tag

PAGES = [
    "/", "/?q=Haddad", "/?find=1&country=MA&matter=thb", "/contact-points/{entry}",
    "/contact-points/{entry}/edit", "/contact-points/new", "/contact-points/stale",
    "/contact-points/{entry}/log-contact", "/my-contacts", "/reports/indicators",
    "/admin/users", "/admin/users/new", "/admin/networks", "/admin/networks/emj",
    "/admin/specialisms", "/admin/specialisms/thb", "/account", "/imports",
    "/contact-points/999999", "/freshness", "/freshness/networks/emj",
    "/contact-points/{entry}/report", "/proposals", "/contact-points/{entry}/erase",
    "/password/forgot",
]


def english_texts(language: str) -> list[str]:
    """The interface's English sentences and labels that the language translates otherwise."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as file:
        catalogue = read_po(file, locale=language)
    texts = []
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or "%(" in message.id:
            continue
        if message.string != message.id and len(message.id) >= 12:
            texts.append(message.id)
    return texts


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_no_page_shows_english_interface_text(login_as, make, language):
    entry = make.entry(last_verified_on="2020-01-01")  # stale: on the re-verify list too
    browser = login_as("admin", language=language, country="FR")
    english = english_texts(language)
    for path in PAGES:
        response = browser.get(path.format(entry=entry))
        assert response.status_code in (200, 404), path
        page = response.get_data(as_text=True)
        assert html_tag(page) == (f'<html lang="{language}" dir="'
                                  f'{"rtl" if language == "ar" else "ltr"}">'), path
        text = visible_text(page)
        left = [phrase for phrase in english if phrase in text]
        assert not left, (path, left)
