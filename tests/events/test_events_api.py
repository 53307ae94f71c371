"""Logging, voiding and marking initial contacts through POST /api/v1/contact-events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from events_support import contact

TODAY = date.today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def test_logging_captures_the_counterpart_and_the_requester(api, make):
    entry = make.entry(country="TN", phones=[])
    prosecutor = api("prosecutor", country="ES", organisation="Fiscalía General del Estado")
    response = prosecutor.post("/api/v1/contact-events", json=contact(
        entry, note="Asked who handles MLA requests.", idempotency_key="k-1"))
    assert response.status_code == 201, response.json
    event = response.json
    assert event["id"] > 0 and event["voided"] is False
    assert event["contact_point_id"] == entry
    assert event["network"] == "emj"  # the entry's only network
    assert event["plan"] == "A"  # from the matter (thb)
    assert event["occurred_on"] == TODAY.isoformat()  # today by default
    assert event["established"] is False and event["established_on"] is None
    assert event["counterpart_country"] == "TN"
    assert event["requesting_country"] == "ES"
    assert event["requesting_organisation"] == "Fiscalía General del Estado"
    assert event["note"] == "Asked who handles MLA requests."
    assert event["idempotency_key"] == "k-1"
    assert response.headers["Location"].endswith(f"/api/v1/contact-events/{event['id']}")
    assert prosecutor.get(response.headers["Location"]).json == event


def test_the_same_idempotency_key_twice_logs_one_contact(api, make, count_events):
    entry = make.entry()
    prosecutor = api("prosecutor")
    first = prosecutor.post("/api/v1/contact-events", json=contact(entry, idempotency_key="abc"))
    again = prosecutor.post("/api/v1/contact-events", json=contact(entry, idempotency_key="abc"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert count_events() == 1
    # The key is the user's own: another prosecutor's same key is another contact.
    other = api("prosecutor").post("/api/v1/contact-events",
                                   json=contact(entry, idempotency_key="abc"))
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    # Without a key, two posts are two contacts.
    prosecutor.post("/api/v1/contact-events", json=contact(entry))
    prosecutor.post("/api/v1/contact-events", json=contact(entry))
    assert count_events() == 4


def test_plan_and_network_follow_the_matter(api, make):
    entry = make.entry(memberships=[{"network": "emj", "role": "contact-point"},
                                    {"network": "carin", "role": "judicial"}],
                       specialisms=["asset-recovery", "thb"])
    prosecutor = api("prosecutor")
    response = prosecutor.post("/api/v1/contact-events",
                               json=contact(entry, matter="asset-recovery"))
    assert response.status_code == 201, response.json
    assert (response.json["plan"], response.json["network"]) == ("B", "carin")
    # An explicit plan wins over the matter's.
    response = prosecutor.post("/api/v1/contact-events",
                               json=contact(entry, matter="thb", plan="B", network="emj"))
    assert (response.json["plan"], response.json["network"]) == ("B", "emj")


def test_established_with_its_date(api, make):
    entry = make.entry()
    prosecutor = api("prosecutor")
    response = prosecutor.post("/api/v1/contact-events", json=contact(
        entry, occurred_on="2025-03-03", established=True, established_on="2025-03-05"))
    assert response.status_code == 201, response.json
    assert response.json["established"] is True
    assert response.json["established_on"] == "2025-03-05"
    # Established without a date: the day of the contact.
    response = prosecutor.post("/api/v1/contact-events", json=contact(
        entry, occurred_on="2025-03-03", established=True))
    assert response.json["established_on"] == "2025-03-03"


BAD_FIELDS = [
    ({"contact_point_id": None}, "contact_point_id"),
    ({"contact_point_id": "abc"}, "contact_point_id"),
    ({"contact_point_id": True}, "contact_point_id"),
    ({"contact_point_id": 999999}, "contact_point_id"),
    ({"network": "carin"}, "network"),
    ({"plan": "C"}, "plan"),
    ({"matter": "mla", "plan": None}, "plan"),  # a matter of neither plan needs one
    ({"matter": None}, "matter"),
    ({"matter": "gardening"}, "matter"),
    ({"occurred_on": "31/12/2024"}, "occurred_on"),
    ({"occurred_on": TOMORROW}, "occurred_on"),
    ({"occurred_on": 20250101}, "occurred_on"),
    ({"channel": None}, "channel"),
    ({"channel": "pigeon"}, "channel"),
    ({"purpose": None}, "purpose"),
    ({"purpose": "gossip"}, "purpose"),
    ({"established": "perhaps"}, "established"),
    ({"established": True, "established_on": TOMORROW}, "established_on"),
    ({"established": True, "occurred_on": YESTERDAY,
      "established_on": (TODAY - timedelta(days=2)).isoformat()}, "established_on"),
    ({"established": False, "established_on": YESTERDAY}, "established_on"),
    ({"note": "x" * 501}, "note"),
    ({"note": 12}, "note"),
    ({"idempotency_key": "k" * 101}, "idempotency_key"),
]


def test_each_validation_error_names_its_field(api, make, count_events):
    entry = make.entry()
    prosecutor = api("prosecutor")
    for change, field in BAD_FIELDS:
        response = prosecutor.post("/api/v1/contact-events", json=contact(entry, **change))
        assert response.status_code == 422, (change, response.json)
        error = response.json["error"]
        assert error["code"] == "validation_failed"
        assert list(error["fields"]) == [field], (change, error)
        assert error["fields"][field]  # a message a person can act on
    assert count_events() == 0


def test_every_bad_field_is_named_at_once(api, make):
    entry = make.entry()
    response = api("prosecutor").post("/api/v1/contact-events", json={
        "contact_point_id": entry, "matter": "x", "channel": "y", "purpose": "z",
        "occurred_on": "soon", "note": "n" * 600, "network": "carin"})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {
        "matter", "channel", "purpose", "occurred_on", "note", "network"}


def test_malformed_bodies_are_400(api):
    prosecutor = api("prosecutor")
    response = prosecutor.post("/api/v1/contact-events", data="{not json",
                               content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["message"]
    response = prosecutor.post("/api/v1/contact-events", json=[1, 2])
    assert response.status_code == 400


def test_a_note_of_exactly_500_characters_is_fine(api, make):
    response = api("prosecutor").post("/api/v1/contact-events",
                                      json=contact(make.entry(), note="n" * 500))
    assert response.status_code == 201


def test_an_archived_entry_cannot_be_the_counterpart(api, make):
    entry = make.entry()
    admin = api("admin")
    assert admin.delete(f"/api/v1/contact-points/{entry}").status_code == 200
    response = api("prosecutor").post("/api/v1/contact-events", json=contact(entry))
    assert response.status_code == 422
    assert "archived" in response.json["error"]["fields"]["contact_point_id"]


def test_void_keeps_the_event_with_its_reason(api, make, count_events, audit_actions):
    prosecutor = api("prosecutor")
    event = prosecutor.post("/api/v1/contact-events", json=contact(make.entry())).json
    response = prosecutor.post(f"/api/v1/contact-events/{event['id']}/void", json={})
    assert response.status_code == 422 and "reason" in response.json["error"]["fields"]
    response = prosecutor.post(f"/api/v1/contact-events/{event['id']}/void",
                               json={"reason": "   "})
    assert response.status_code == 422
    response = prosecutor.post(f"/api/v1/contact-events/{event['id']}/void",
                               json={"reason": "Logged twice by mistake."})
    assert response.status_code == 200, response.json
    assert response.json["voided"] is True
    assert response.json["void_reason"] == "Logged twice by mistake."
    assert response.json["voided_at"]
    assert count_events() == 1  # kept
    listed = prosecutor.get("/api/v1/contact-events").json
    assert listed["total"] == 1 and listed["results"][0]["voided"] is True
    again = prosecutor.post(f"/api/v1/contact-events/{event['id']}/void",
                            json={"reason": "Once more."})
    assert again.status_code == 409
    assert audit_actions(event["id"]) == ["initial_contact.logged", "initial_contact.voided"]


def test_mark_established_later(api, make, audit_actions):
    prosecutor = api("prosecutor")
    event = prosecutor.post("/api/v1/contact-events",
                            json=contact(make.entry(), occurred_on="2025-05-05")).json
    url = f"/api/v1/contact-events/{event['id']}/established"
    assert prosecutor.post(url, json={"established_on": "2025-05-04"}).status_code == 422
    assert prosecutor.post(url, json={"established_on": TOMORROW}).status_code == 422
    response = prosecutor.post(url, json={"established_on": "2025-05-09"})
    assert response.status_code == 200, response.json
    assert response.json["established"] is True
    assert response.json["established_on"] == "2025-05-09"
    assert prosecutor.post(url, json={}).status_code == 409  # already established
    # Without a date: today.
    other = prosecutor.post("/api/v1/contact-events", json=contact(make.entry())).json
    response = prosecutor.post(f"/api/v1/contact-events/{other['id']}/established")
    assert response.json["established_on"] == TODAY.isoformat()
    assert audit_actions(event["id"]) == ["initial_contact.logged",
                                          "initial_contact.established"]
    # A voided contact cannot become established.
    third = prosecutor.post("/api/v1/contact-events", json=contact(make.entry())).json
    prosecutor.post(f"/api/v1/contact-events/{third['id']}/void", json={"reason": "Wrong."})
    response = prosecutor.post(f"/api/v1/contact-events/{third['id']}/established")
    assert response.status_code == 409


def test_list_shows_only_my_contacts_latest_first(api, make):
    entry = make.entry()
    mine, other = api("prosecutor"), api("prosecutor")
    mine.post("/api/v1/contact-events", json=contact(entry, occurred_on="2025-01-02"))
    mine.post("/api/v1/contact-events", json=contact(entry, occurred_on="2025-02-02"))
    other.post("/api/v1/contact-events", json=contact(entry))
    listed = mine.get("/api/v1/contact-events").json
    assert listed["total"] == 2
    assert [e["occurred_on"] for e in listed["results"]] == ["2025-02-02", "2025-01-02"]
    assert mine.get("/api/v1/contact-events?per_page=1&page=2").json["results"][0][
        "occurred_on"] == "2025-01-02"
    assert mine.get("/api/v1/contact-events?page=0").status_code == 400


# --- SPEC section 2: who may log, void, mark and list ------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("prosecutor", 201), ("secretariat", 201), ("admin", 201), ("reporter", 403)])
def test_who_may_log(api, make, count_events, role, status):
    response = api(role).post("/api/v1/contact-events", json=contact(make.entry()))
    assert response.status_code == status, response.json
    assert count_events() == (1 if status == 201 else 0)


@pytest.mark.parametrize(("role", "status"), [
    ("prosecutor", 200), ("secretariat", 200), ("admin", 200), ("reporter", 403)])
def test_who_may_list_their_contacts(api, role, status):
    assert api(role).get("/api/v1/contact-events").status_code == status


@pytest.mark.parametrize(("role", "status"), [
    ("author", 200), ("prosecutor", 403), ("secretariat", 403), ("reporter", 403),
    ("admin", 200)])
def test_who_may_read_mark_and_void_a_contact(api, make, role, status):
    author = api("prosecutor")
    event = author.post("/api/v1/contact-events", json=contact(make.entry())).json
    client = author if role == "author" else api(role)
    url = f"/api/v1/contact-events/{event['id']}"
    assert client.get(url).status_code == status
    assert client.post(f"{url}/established", json={}).status_code == status
    response = client.post(f"{url}/void", json={"reason": "Wrong counterpart."})
    assert response.status_code == status, response.json
    assert author.get(url).json["voided"] is (status == 200)


def test_unknown_contact_is_404_and_anonymous_is_401(api, client):
    assert api("prosecutor").post("/api/v1/contact-events/999/void",
                                  json={"reason": "x"}).status_code == 404
    assert client.post("/api/v1/contact-events", json={}).status_code == 401
    assert client.get("/api/v1/contact-events").status_code == 401


def test_a_browser_session_needs_the_csrf_header(login_as, make, count_events):
    entry = make.entry()
    browser = login_as("prosecutor")
    assert browser.post("/api/v1/contact-events", json=contact(entry)).status_code == 400
    page = browser.get("/").get_data(as_text=True)
    import re
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = browser.post("/api/v1/contact-events", json=contact(entry),
                            headers={"X-CSRFToken": token})
    assert response.status_code == 201
    assert count_events() == 1


def test_openapi_documents_the_contact_routes(api):
    paths = api("prosecutor").get("/api/v1/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/contact-events"])
    assert "post" in paths["/contact-events/{id}/void"]
    assert "post" in paths["/contact-events/{id}/established"]
    assert "get" in paths["/contact-events/{id}"]
    assert "get" in paths["/indicators"]
