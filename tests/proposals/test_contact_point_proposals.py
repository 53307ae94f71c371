"""The contact point's own proposals, as verification campaigns will make them (freshness):
corrections of their details and leaving a network, decided by the entry's networks'
secretariats; the entry is archived with its last network."""

from __future__ import annotations

import pytest

from directory.services import commit, contact_queries, contacts, networks, proposals, users
from directory.services.errors import ValidationFailed


def leave(app, entry_id: int, network: str) -> int:
    with app.app_context():
        entry = contact_queries.get_contact_point(entry_id)
        proposal = proposals.propose_leave(entry, networks.get_network(network),
                                           proposer="the contact point (campaign 7)",
                                           campaign_id=7)
        commit()
        return proposal.id


def test_leaving_one_network_of_two(app, api, people, read):
    proposal_id = leave(app, people["both"], "emj")
    listed = api("secretariat", networks=("emj",)).get("/api/v1/proposals").json["results"]
    assert [(item["kind"], item["network"], item["source"], item["proposed_by"])
            for item in listed] == [("leave", "emj", "contact-point",
                                     "the contact point (campaign 7)")]
    # Any of the entry's networks decides the person's own proposal.
    response = api("secretariat", networks=("emj",)).post(
        f"/api/v1/proposals/{proposal_id}/accept")
    assert response.status_code == 200
    entry = read(people["both"])
    assert entry["status"] == "active"
    assert [m["network"] for m in entry["memberships"]] == ["carin"]


def test_leaving_the_last_network_archives_the_entry(app, api, people, read):
    proposal_id = leave(app, people["own"], "emj")
    assert api("secretariat", networks=("carin",)).post(
        f"/api/v1/proposals/{proposal_id}/accept").status_code == 404
    assert api("secretariat", networks=("emj",)).post(
        f"/api/v1/proposals/{proposal_id}/accept").status_code == 200
    entry = read(people["own"])
    assert entry["status"] == "archived" and entry["memberships"] == []
    with app.app_context():
        admin = users.find_user("factory-admin@users.example")
        assert contact_queries.get_visible_contact_point(admin, people["own"]) is not None


def correct(app, entry_id: int, payload: dict):
    with app.app_context():
        proposal = contacts.propose_correction(entry_id, payload,
                                               proposer="the contact point (campaign 7)",
                                               campaign_id=7)
        commit()
        return proposal and proposal.id


def test_a_correction_by_the_person_is_decided_by_any_of_their_networks(app, api, people,
                                                                          read):
    proposal_id = correct(app, people["both"], {"phones": [{"number": "+212 661 23 45 67",
                                                            "kind": "mobile"}],
                                                "city": "Rabat"})
    [listed] = api("secretariat", networks=("carin",)).get("/api/v1/proposals").json["results"]
    assert (listed["id"], listed["source"], listed["kind"]) == (proposal_id, "contact-point",
                                                                "change")
    assert listed["changes"] == {"phones": {
        "from": [{"number": "+212537123456", "kind": "office"}],
        "to": [{"number": "+212661234567", "kind": "mobile"}]}}
    assert api("secretariat", networks=("emj",)).post(
        f"/api/v1/proposals/{proposal_id}/accept").status_code == 200
    assert read(people["both"])["phones"] == [{"number": "+212661234567", "kind": "mobile"}]
    # The same details again: nothing to propose.
    assert correct(app, people["both"], {"city": "Rabat"}) is None


def test_a_person_does_not_change_their_networks_or_verification(app, people):
    with app.app_context(), pytest.raises(ValidationFailed) as refused:
        contacts.propose_correction(people["own"], {"status": "archived", "memberships": []},
                                    proposer="someone")
    assert sorted(refused.value.fields) == ["memberships", "status"]
