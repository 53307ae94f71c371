"""SPEC section 10: proposals are decided by the entry's other networks (or an administrator),
accepted as the decider's edit or rejected with a reason the proposer reads; a proposal whose
fields changed meanwhile is refused (409)."""

from __future__ import annotations

import pytest
from proposals_support import page_token
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEntry


@pytest.fixture
def emj(api):
    return api("secretariat", networks=("emj",))


@pytest.fixture
def carin(api):
    return api("secretariat", networks=("carin",))


def propose(client, entry_id: int, **values) -> dict:
    response = client.patch(f"/api/v1/contact-points/{entry_id}", json=values)
    assert response.status_code == 202, response.json
    return response.json["proposal"]


def test_accepting_applies_the_change_as_the_deciders_edit(app, emj, carin, api, people, read):
    entry_id = people["both"]
    version = read(entry_id)["version"]
    proposal = propose(emj, entry_id, city="Tanger", title="Avocat général")
    response = carin.post(f"/api/v1/proposals/{proposal['id']}/accept")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "accepted"
    entry = read(entry_id)
    assert (entry["city"], entry["title"], entry["version"]) == (
        "Tanger", "Avocat général", version + 1)
    # Searchable at once.
    found = api("prosecutor").get("/api/v1/search?q=Tanger").json["results"]
    assert [row["id"] for row in found] == [entry_id]
    # Audited as the decider's edit, naming the proposal.
    with app.app_context():
        row = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "contact_point.proposal_accepted")).one()
        assert row.actor.startswith("secretariat") and row.target_id == entry_id
        assert row.changes["city"] == ["Rabat", "Tanger"]
        assert row.changes["proposal"] == [None, proposal["id"]]
    # The proposer sees the outcome.
    mine = emj.get("/api/v1/proposals").json["results"]
    assert [(item["id"], item["status"], item["decided_by"].startswith("secretariat"))
            for item in mine] == [(proposal["id"], "accepted", True)]


def test_rejecting_keeps_the_entry_and_tells_the_proposer_why(emj, carin, people, read):
    entry_id = people["both"]
    proposal = propose(emj, entry_id, city="Tanger")
    url = f"/api/v1/proposals/{proposal['id']}/reject"
    without = carin.post(url, json={"reason": "  "})
    assert without.status_code == 422 and "reason" in without.json["error"]["fields"]
    response = carin.post(url, json={"reason": "She moved to Fès, not Tanger."})
    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert read(entry_id)["city"] == "Rabat"
    [mine] = emj.get("/api/v1/proposals?status=rejected").json["results"]
    assert mine["reason"] == "She moved to Fès, not Tanger."
    # Decided once only.
    again = carin.post(f"/api/v1/proposals/{proposal['id']}/accept")
    assert again.status_code == 409


def test_a_proposal_whose_fields_changed_since_is_refused(emj, carin, api, people, read):
    entry_id = people["both"]
    proposal = propose(emj, entry_id, city="Tanger")
    assert api("admin").patch(f"/api/v1/contact-points/{entry_id}",
                              json={"city": "Oujda"}).status_code == 200
    response = carin.post(f"/api/v1/proposals/{proposal['id']}/accept")
    assert response.status_code == 409
    assert "city" in response.json["error"]["fields"]
    assert read(entry_id)["city"] == "Oujda"
    # It may be proposed again, from the current value; the old one is replaced.
    again = propose(emj, entry_id, city="Tanger")
    assert again["changes"] == {"city": {"from": "Oujda", "to": "Tanger"}}
    statuses = {item["id"]: item["status"] for item in emj.get("/api/v1/proposals").json[
        "results"]}
    assert statuses == {proposal["id"]: "superseded", again["id"]: "pending"}
    assert carin.post(f"/api/v1/proposals/{again['id']}/accept").status_code == 200
    assert read(entry_id)["city"] == "Tanger"


def test_who_may_decide(emj, api, people, read):
    proposal = propose(emj, people["both"], city="Tanger")
    url = f"/api/v1/proposals/{proposal['id']}/accept"
    # The proposer, another EMJ secretariat, a prosecutor, a reporter: no.
    assert emj.post(url).status_code == 403
    assert api("secretariat", networks=("emj",)).post(url).status_code == 403
    assert api("secretariat", networks=("eurojust",)).post(url).status_code == 404
    for role in ("prosecutor", "reporter"):
        assert api(role).post(url).status_code == 404
        assert api(role).get("/api/v1/proposals").json["results"] == []
    assert read(people["both"])["city"] == "Rabat"
    # An administrator may.
    assert api("admin").post(url).status_code == 200
    assert read(people["both"])["city"] == "Tanger"


def test_the_same_change_twice_is_one_proposal(emj, carin, people):
    first = propose(emj, people["both"], city="Tanger")
    second = propose(emj, people["both"], city="Tanger")
    assert first["id"] == second["id"]
    pending = carin.get("/api/v1/proposals?status=pending").json["results"]
    assert [item["id"] for item in pending] == [first["id"]]


def test_accepting_a_new_organisation_creates_it(emj, carin, people, read):
    proposal = propose(emj, people["both"],
                       organisation={"name": "Parquet de Tanger", "kind": "prosecution-office"})
    assert proposal["changes"]["organisation"]["to"] == {"name": "Parquet de Tanger",
                                                         "kind": "prosecution-office"}
    assert read(people["both"])["organisation"] is None
    assert carin.post(f"/api/v1/proposals/{proposal['id']}/accept").status_code == 200
    organisation = read(people["both"])["organisation"]
    assert (organisation["name"], organisation["kind"]) == ("Parquet de Tanger",
                                                            "prosecution-office")


# --- pages ---------------------------------------------------------------------------------

def test_the_queue_and_the_menu_count_for_those_who_decide(login_as, emj, people, read):
    proposal = propose(emj, people["both"], city="Tanger")
    browser = login_as("secretariat", networks=("carin",))
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/proposals">Proposals <span class="badge badge-count">1<' in home
    page = browser.get("/proposals").get_data(as_text=True)
    to_decide = page.split('id="to-decide-title"', 1)[1].split("</section>", 1)[0]
    assert f"Proposal {proposal['id']}" in to_decide and "Tanger" in to_decide
    response = browser.post(f"/proposals/{proposal['id']}/reject", data={
        "csrf_token": page_token(browser, "/proposals"), "reason": "Not confirmed.",
        "next": "/proposals"})
    assert response.status_code == 302
    page = browser.get("/proposals").get_data(as_text=True)
    assert "Nothing waits for your decision." in page
    assert "badge-count" not in page
    assert read(people["both"])["city"] == "Rabat"


def test_the_proposer_sees_the_outcome_on_the_queue(login_as, carin, people, read):
    browser = login_as("secretariat", networks=("emj",))
    entry = read(people["both"])
    response = browser.patch(f"/api/v1/contact-points/{entry['id']}", json={"city": "Tanger"},
                             headers={"X-CSRFToken": page_token(browser)})
    assert response.status_code == 202
    proposal_id = response.json["proposal"]["id"]
    carin.post(f"/api/v1/proposals/{proposal_id}/reject", json={"reason": "Wrong city."})
    page = browser.get("/proposals").get_data(as_text=True)
    mine = page.split('id="mine-title"', 1)[1]
    assert f"Proposal {proposal_id}" in mine and "Rejected" in mine and "Wrong city." in mine
    # Proposers have no count: nothing waits for their decision.
    assert "badge-count" not in browser.get("/").get_data(as_text=True)


def test_the_entry_page_shows_pending_proposals_and_decides_them(login_as, emj, people, read):
    proposal = propose(emj, people["both"], city="Tanger")
    decider = login_as("secretariat", networks=("carin",))
    url = f"/contact-points/{people['both']}"
    page = decider.get(url).get_data(as_text=True)
    pending = page.split('id="pending-title"', 1)[1].split("</section>", 1)[0]
    assert "Pending proposals (1)" in page and "Rabat" in pending and "Tanger" in pending
    assert f'/proposals/{proposal["id"]}/accept' in pending
    response = decider.post(f"/proposals/{proposal['id']}/accept", data={
        "csrf_token": page_token(decider, url), "next": url})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert read(people["both"])["city"] == "Tanger"
    assert "Pending proposals" not in decider.get(url).get_data(as_text=True)
    # A prosecutor's view of the entry shows no proposal.
    proposal = propose(emj, people["both"], city="Fès")
    assert "Pending proposals" not in login_as("prosecutor").get(url).get_data(as_text=True)


def test_a_conflict_on_the_page_is_a_clear_message(login_as, emj, api, people, read):
    proposal = propose(emj, people["both"], city="Tanger")
    api("admin").patch(f"/api/v1/contact-points/{people['both']}", json={"city": "Oujda"})
    decider = login_as("secretariat", networks=("carin",))
    response = decider.post(f"/proposals/{proposal['id']}/accept", data={
        "csrf_token": page_token(decider, "/proposals"), "next": "/proposals"})
    page = decider.get(response.headers["Location"]).get_data(as_text=True)
    assert "changed since this proposal was made" in page
    assert read(people["both"])["city"] == "Oujda"
