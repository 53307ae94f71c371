"""Logging a contact speaks plain words in every language: no list of codes for a missing
choice, networks by their names, and My contacts shows labels and the note."""

from __future__ import annotations

import re

import pytest
from events_support import log_form

MESSAGES = {
    "en": ("Choose the matter of the contact.", "Choose the purpose of the contact."),
    "fr": ("Choisissez le domaine du contact.", "Choisissez l'objet du contact."),
    "ar": ("اختر مجال الاتصال.", "اختر الغرض من الاتصال."),
}


@pytest.mark.parametrize("language", ["en", "fr", "ar"])
def test_a_missing_choice_asks_for_it_without_codes(language, login_as, make, count_events):
    entry = make.entry()
    browser = login_as("prosecutor", locale=language)
    response = browser.post(f"/contact-points/{entry}/log-contact",
                            data=log_form(browser, entry, matter="", purpose=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in MESSAGES[language]:
        assert message.replace("'", "&#39;") in page
    assert not re.search(r"thb, som|pre-mla-advice, mla-request", page)
    assert count_events() == 0


def test_the_network_is_asked_for_by_its_name(api, make):
    entry = make.entry(memberships=[{"network": "emj", "role": "contact-point"},
                                    {"network": "carin", "role": "judicial"}])
    response = api("prosecutor").post("/api/v1/contact-events", json={
        "contact_point_id": entry, "matter": "mla", "plan": "A", "channel": "email",
        "purpose": "other"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 422
    message = response.get_json()["error"]["fields"]["network"]
    assert message == "Choisissez le réseau utilisé : Annuaire EMJ / Points de contact CARIN."


def test_my_contacts_shows_labels_and_the_note(login_as, make):
    entry = make.entry()
    browser = login_as("prosecutor")
    browser.post(f"/contact-points/{entry}/log-contact",
                 data=log_form(browser, entry, note="Call back on Monday."))
    page = browser.get("/my-contacts").get_data(as_text=True)
    assert "Call back on Monday." in page
    row = re.search(r'<tr id="event-\d+">(.*?)</tr>', page, re.DOTALL).group(1)
    assert 'data-label="Plan">Plan A<' in row and "EMJ Directory" in row
    assert 'data-label="Network">emj<' not in row
