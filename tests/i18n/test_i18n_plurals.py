"""Plural forms on the search results heading: two in English, French's own, Arabic's six."""

from __future__ import annotations

from datetime import date

import pytest
from i18n_support import heading

from directory.services import commit, contacts, users

# How many entries each country gets: one country per Arabic plural form (JO has none).
COUNTS = {"JO": 0, "MA": 1, "TN": 2, "DZ": 3, "EG": 11, "LB": 100}

HEADINGS = {
    "en": {"JO": "0 contact points", "MA": "1 contact point", "TN": "2 contact points",
           "DZ": "3 contact points", "EG": "11 contact points", "LB": "100 contact points"},
    "fr": {"JO": "0 point de contact", "MA": "1 point de contact", "TN": "2 points de contact",
           "DZ": "3 points de contact", "EG": "11 points de contact",
           "LB": "100 points de contact"},
    # zero, one, two (no figure), few (3–10: plural), many (11–99: singular accusative),
    # other (100+: singular genitive).
    "ar": {"JO": "لا توجد أي نقطة اتصال", "MA": "نقطة اتصال واحدة", "TN": "نقطتا اتصال",
           "DZ": "3 نقاط اتصال", "EG": "11 نقطة اتصال", "LB": "100 نقطة اتصال"},
}


@pytest.fixture
def entries(app):
    with app.app_context():
        admin = users.create_user(None, {"email": "plural-admin@users.example", "role": "admin",
                                         "password": "correct horse battery staple"})
        number = 0
        for country, count in COUNTS.items():
            for _ in range(count):
                number += 1
                contacts.create_contact_point(admin, {
                    "family_name": f"Plural{number}", "country": country,
                    "emails": [f"plural{number}@prosecution.example"],
                    "last_verified_on": date.today().isoformat(),
                    "memberships": [{"network": "emj", "role": "contact-point"}]})
        commit()


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_the_results_heading_uses_the_languages_plural_forms(login_as, entries, language):
    browser = login_as("prosecutor", language=language)
    for country, expected in HEADINGS[language].items():
        page = browser.get(f"/?country={country}").get_data(as_text=True)
        assert heading(page, "results-title") == expected, country


def test_arabic_has_six_distinct_plural_forms_and_french_counts_zero_as_one():
    from babel import Locale

    assert Locale.parse("ar").plural_form.tags | {"other"} == {
        "zero", "one", "two", "few", "many", "other"}
    assert len(set(HEADINGS["ar"].values())) == 6
    assert HEADINGS["fr"]["JO"].startswith("0 point ")  # French: 0 and 1 are singular
