"""A proposal to leave a network, as the contact point themselves will make it (freshness):
decided by the entry's networks' secretariats; the entry is archived with its last network."""

from __future__ import annotations

from directory.services import commit, contact_queries, networks, proposals, users


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
