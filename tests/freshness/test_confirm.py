"""The person's own confirmation page, from a campaign's e-mail (SPEC section 11): no sign-in,
only their entry, three answers; links that do not work get a clear page in the browser's
language with 404 or 410, never another person's data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from freshness_support import finish_fan_out, links_by_recipient
from sqlalchemy import update
from support import token_in

from directory.extensions import db
from directory.models import ConfirmationLink, utcnow


@pytest.fixture
def mailed(app, api, entries):
    """A campaign to the EMJ entries: (campaign id, recipient → token, the admin API)."""
    admin = api("admin")
    body = admin.post("/api/v1/campaigns", json={"network": "emj"}).json
    finish_fan_out(app, body["id"])
    return body["id"], {recipient: tokens[0]
                        for recipient, tokens in links_by_recipient(app).items()}, admin


def _answer(client, token, answer):
    page = client.get(f"/confirm/{token}").get_data(as_text=True)
    return client.post(f"/confirm/{token}", data={"csrf_token": token_in(page),
                                                  "answer": answer})


def test_the_page_shows_only_that_entry_without_signing_in(app, mailed, entries):
    _, tokens, _ = mailed
    visitor = app.test_client()
    response = visitor.get(f"/confirm/{tokens['stale@justice.example']}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "stale@justice.example" in page
    assert "fresh@justice.example" not in page and "shared@justice.example" not in page
    for answer in ("Still correct", "Correct my details", "I am no longer in this post"):
        assert answer in page
    assert 'href="/freshness' not in page and "Sign out" not in page
    # the rest of the directory stays closed to the visitor
    assert visitor.get("/").status_code == 302
    assert visitor.get(f"/contact-points/{entries['stale']}").status_code == 302


def test_still_correct_verifies_the_entry_today(app, mailed, entries):
    campaign_id, tokens, admin = mailed
    visitor = app.test_client()
    response = _answer(visitor, tokens["stale@justice.example"], "confirmed")
    assert response.status_code == 302
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "You confirmed that your details are correct." in page
    entry = admin.get(f"/api/v1/contact-points/{entries['stale']}").json
    assert entry["stale"] is False
    counts = admin.get(f"/api/v1/campaigns/{campaign_id}").json
    assert (counts["confirmed"], counts["no_answer"]) == (1, 2)
    # a second answer changes nothing
    _answer(visitor, tokens["stale@justice.example"], "left")
    assert admin.get(f"/api/v1/campaigns/{campaign_id}").json["left"] == 0


def test_the_history_says_the_person_confirmed(app, mailed, entries, login_as):
    _, tokens, _ = mailed
    _answer(app.test_client(), tokens["stale@justice.example"], "confirmed")
    admin = login_as("admin")
    page = admin.get(f"/contact-points/{entries['stale']}").get_data(as_text=True)
    assert "Confirmed by the person (verification campaign)" in page


def test_correct_my_details_becomes_a_proposal(app, mailed, entries, api):
    campaign_id, tokens, admin = mailed
    token = tokens["stale@justice.example"]
    visitor = app.test_client()
    form = visitor.get(f"/confirm/{token}/correct").get_data(as_text=True)
    assert "stale@justice.example" in form
    response = visitor.post(f"/confirm/{token}/correct", data={
        "csrf_token": token_in(form), "given_name": "Amina", "family_name": "Haddad-Alaoui",
        "title": "Deputy prosecutor", "emails": "stale@justice.example",
        "office_phones": "+212 537 99 88 77", "languages": ["ar", "fr"]})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = visitor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your corrections were sent" in page
    entry = admin.get(f"/api/v1/contact-points/{entries['stale']}").json
    assert entry["title"] != "Deputy prosecutor"  # not applied until decided
    pending = api("secretariat", networks=["emj"]).get("/api/v1/proposals?status=pending").json
    [proposal] = pending["results"]
    assert proposal["source"] == "contact-point"
    assert proposal["changes"]["title"]["to"] == "Deputy prosecutor"
    assert proposal["changes"]["phones"]["to"] == [{"number": "+212537998877",
                                                    "kind": "office"}]
    counts = admin.get(f"/api/v1/campaigns/{campaign_id}").json
    assert counts["corrected"] == 1


def test_invalid_corrections_show_the_error_summary_and_store_nothing(app, mailed, api):
    campaign_id, tokens, admin = mailed
    token = tokens["stale@justice.example"]
    visitor = app.test_client()
    form = visitor.get(f"/confirm/{token}/correct").get_data(as_text=True)
    response = visitor.post(f"/confirm/{token}/correct", data={
        "csrf_token": token_in(form), "given_name": "Amina", "family_name": "",
        "emails": "not-an-address", "office_phones": "12"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#emails"' in page and 'href="#family_name"' in page
    assert api("admin").get("/api/v1/proposals?status=pending").json["results"] == []
    assert admin.get(f"/api/v1/campaigns/{campaign_id}").json["corrected"] == 0
    # nothing changed at all: also the answer the page offers
    unchanged = visitor.post(f"/confirm/{token}/correct", data={"csrf_token": token_in(form)})
    assert unchanged.status_code == 422


def test_no_longer_in_this_post_proposes_leaving_the_network(app, mailed, entries, api):
    campaign_id, tokens, admin = mailed
    response = _answer(app.test_client(), tokens["shared@justice.example"], "left")
    assert response.status_code == 302
    [proposal] = api("secretariat", networks=["carin"]).get(
        "/api/v1/proposals?status=pending").json["results"]
    assert proposal["kind"] == "leave" and proposal["network"] == "emj"
    assert admin.get(f"/api/v1/campaigns/{campaign_id}").json["left"] == 1
    # accepted by the other network's secretariat, the entry leaves EMJ and stays in CARIN
    carin = api("secretariat", networks=["carin"])
    assert carin.post(f"/api/v1/proposals/{proposal['id']}/accept").status_code == 200
    entry = admin.get(f"/api/v1/contact-points/{entries['shared']}").json
    assert [item["network"] for item in entry["memberships"]] == ["carin"]


def test_unknown_and_tampered_links_are_404_in_the_browsers_language(app, mailed):
    _, tokens, _ = mailed
    token = tokens["fresh@justice.example"]
    visitor = app.test_client()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for address in (f"/confirm/{tampered}", "/confirm/nothing", f"/confirm/{token}x",
                    f"/confirm/{tampered}/correct"):
        response = visitor.get(address)
        assert response.status_code == 404
        page = response.get_data(as_text=True)
        assert "This link does not work" in page
        assert "@justice.example" not in page and "Traceback" not in page
    french = visitor.get(f"/confirm/{tampered}", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.status_code == 404 and 'lang="fr"' in french.get_data(as_text=True)
    arabic = visitor.get(f"/confirm/{tampered}", headers={"Accept-Language": "ar"})
    assert 'dir="rtl"' in arabic.get_data(as_text=True)


def test_an_expired_link_is_410(app, mailed):
    _, tokens, _ = mailed
    with app.app_context():
        db.session.execute(update(ConfirmationLink).values(
            expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = app.test_client().get(f"/confirm/{tokens['fresh@justice.example']}")
    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert "This link has expired" in page and "fresh@justice.example" not in page


def test_a_link_dies_with_its_entry_archived_or_erased(app, mailed, entries):
    _, tokens, admin = mailed
    assert admin.delete(f"/api/v1/contact-points/{entries['fresh']}").status_code == 200
    response = app.test_client().get(f"/confirm/{tokens['fresh@justice.example']}")
    assert response.status_code == 410
    assert "fresh@justice.example" not in response.get_data(as_text=True)
    # erased: the entry's row is gone, and its links with it
    with app.app_context():
        from directory.models import ContactPoint
        db.session.delete(db.session.get(ContactPoint, entries["stale"]))
        db.session.commit()
    response = app.test_client().get(f"/confirm/{tokens['stale@justice.example']}")
    assert response.status_code == 404
    assert "stale@justice.example" not in response.get_data(as_text=True)


def test_guessing_links_is_throttled(app, mailed):
    _, tokens, _ = mailed
    visitor = app.test_client()
    limit = app.config["LOGIN_FAILURES_PER_ADDRESS"]
    for number in range(limit):
        assert visitor.get(f"/confirm/{'x' * 42}{number % 10}").status_code == 404
    assert visitor.get(f"/confirm/{'y' * 43}").status_code == 429
    # even a good link waits, from that address; another address is not held up
    assert visitor.get(f"/confirm/{tokens['fresh@justice.example']}").status_code == 429
    other = app.test_client()
    response = other.get(f"/confirm/{tokens['fresh@justice.example']}",
                         environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert response.status_code == 200


def test_the_token_is_stored_only_as_a_digest(app, mailed):
    _, tokens, _ = mailed
    with app.app_context():
        stored = {row.token_digest for row in db.session.scalars(
            db.select(ConfirmationLink))}
    assert not set(tokens.values()) & stored
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in stored)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_confirmation_pages_speak_the_browsers_language(app, mailed, language):
    _, tokens, _ = mailed
    token = tokens["stale@justice.example"]
    visitor = app.test_client()
    headers = {"Accept-Language": language}
    for path in (f"/confirm/{token}", f"/confirm/{token}/correct"):
        page = visitor.get(path, headers=headers).get_data(as_text=True)
        assert re.search(r"<html[^>]*>", page).group(0) == (
            f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">')
        for english in ("Still correct", "Correct my details", "Your entry in the directory",
                        "Send my corrections"):
            assert english not in page
