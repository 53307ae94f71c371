"""SPEC section 2, shared entries: every route into an entry, taken by the EMJ secretariat
against an entry of EMJ only ("own"), of EMJ and CARIN ("both") and of CARIN only ("other").

A secretariat changes the shared fields (everything but the memberships) only of entries whose
every network it maintains, else its change becomes a proposal to the other networks'
secretariats; the role and id of its own networks' memberships always.
"""

from __future__ import annotations

from datetime import date

import pytest
from proposals_support import confirm_upload, page_token, upload, write_list

TODAY = date.today().isoformat()


@pytest.fixture
def emj(api):
    return api("secretariat", networks=("emj",))


def names(entry: dict) -> list[str]:
    return [membership["network"] for membership in entry["memberships"]]


# --- the takeover of issue 10, step by step ------------------------------------------------

def test_adding_a_network_to_another_networks_entry_does_not_hand_it_over(emj, people, read):
    other = people["other"]
    before = read(other)
    # The EMJ secretariat "creates" the CARIN contact point with its e-mail and other details.
    added = emj.post("/api/v1/contact-points", json={
        "given_name": "Someone", "family_name": "Else", "country": "FR",
        "emails": ["other@justice.example"], "title": "Impostor",
        "memberships": [{"network": "emj", "role": "contact-point"}]})
    # The membership is added; the differing details are only proposed to CARIN.
    assert added.status_code == 202
    assert added.json["id"] == other and added.json["proposal"]["status"] == "pending"
    assert added.json["proposal"]["changes"]["title"] == {"from": "Prosecutor",
                                                          "to": "Impostor"}
    entry = read(other)
    assert names(entry) == ["carin", "emj"]
    for field in ("given_name", "family_name", "country", "title", "emails"):
        assert entry[field] == before[field]
    # Then it may not change the e-mail address (it proposes it), nor archive the entry for
    # everyone (EMJ leaves it).
    patched = emj.patch(f"/api/v1/contact-points/{other}",
                        json={"emails": ["mine@attacker.example"]})
    assert patched.status_code == 202
    assert patched.json["proposal"]["changes"] == {"emails": {
        "from": ["other@justice.example"], "to": ["mine@attacker.example"]}}
    assert read(other)["emails"] == ["other@justice.example"]
    deleted = emj.delete(f"/api/v1/contact-points/{other}")
    assert deleted.status_code == 200
    entry = read(other)
    assert entry["status"] == "active" and names(entry) == ["carin"]


# --- API: patch, delete, verify ------------------------------------------------------------

@pytest.mark.parametrize("kind, expected", [("own", 200), ("both", 202), ("other", 403)])
def test_patch_a_shared_field(emj, people, read, kind, expected):
    version = read(people[kind])["version"]
    response = emj.patch(f"/api/v1/contact-points/{people[kind]}", json={"city": "Tanger"})
    assert response.status_code == expected
    entry = read(people[kind])
    assert entry["city"] == ("Tanger" if expected == 200 else "Rabat")
    if expected == 202:  # proposed: the entry is unchanged, the proposer sees it pending
        assert entry["version"] == version
        proposal = response.json["proposal"]
        assert (proposal["changes"], proposal["status"], proposal["source"]) == (
            {"city": {"from": "Rabat", "to": "Tanger"}}, "pending", "secretariat")
        mine = emj.get("/api/v1/proposals").json["results"]
        assert [item["id"] for item in mine] == [proposal["id"]]


def test_patch_of_its_own_membership_on_a_shared_entry(emj, people, read):
    url = f"/api/v1/contact-points/{people['both']}"
    mine, theirs = read(people["both"])["memberships"]
    response = emj.patch(url, json={"memberships": [
        dict(mine, role="anti-trafficking-subgroup", external_id="E-22"), theirs]})
    assert response.status_code == 200
    assert read(people["both"])["memberships"] == [
        {"network": "emj", "role": "anti-trafficking-subgroup", "external_id": "E-22"}, theirs]
    for memberships in ([mine], [mine, dict(theirs, role="law-enforcement")]):
        assert emj.patch(url, json={"memberships": memberships}).status_code == 403


@pytest.mark.parametrize("kind, expected", [("own", 200), ("both", 200), ("other", 403)])
def test_delete(emj, people, read, kind, expected):
    response = emj.delete(f"/api/v1/contact-points/{people[kind]}")
    assert response.status_code == expected
    entry = read(people[kind])
    if kind == "own":  # its own entry: archived
        assert entry["status"] == "archived" and names(entry) == ["emj"]
    elif kind == "both":  # shared: only EMJ leaves, the entry stays for CARIN
        assert entry["status"] == "active" and names(entry) == ["carin"]
        assert response.json["status"] == "active"
    else:
        assert entry["status"] == "active" and names(entry) == ["carin"]


@pytest.mark.parametrize("kind, expected", [("own", 200), ("both", 200), ("other", 403)])
def test_verify(emj, people, read, kind, expected):
    response = emj.post(f"/api/v1/contact-points/{people[kind]}/verify")
    assert response.status_code == expected
    verified = read(people[kind])["last_verified_on"]
    assert verified == (TODAY if expected == 200 else "2020-01-01")


@pytest.mark.parametrize("kind", ["own", "both"])
def test_create_with_a_known_email_of_an_emj_entry_is_a_conflict(emj, people, read, kind):
    response = emj.post("/api/v1/contact-points", json={
        "family_name": "Else", "country": "FR", "emails": [f"{kind}@justice.example"],
        "memberships": [{"network": "emj", "role": "contact-point"}]})
    assert response.status_code == 409
    assert read(people[kind])["family_name"] != "Else"


def test_both_networks_maintained_changes_the_shared_entry_directly(api, people, read):
    both = api("secretariat", networks=("emj", "carin"))
    response = both.patch(f"/api/v1/contact-points/{people['both']}", json={"city": "Fès"})
    assert response.status_code == 200 and read(people["both"])["city"] == "Fès"
    assert both.delete(f"/api/v1/contact-points/{people['both']}").status_code == 200
    entry = read(people["both"])
    assert entry["status"] == "archived" and names(entry) == ["emj", "carin"]


# --- pages ---------------------------------------------------------------------------------

def edit_form(browser, entry: dict, **values) -> dict:
    form = {"csrf_token": page_token(browser), "version": str(entry["version"]),
            "given_name": entry["given_name"], "family_name": entry["family_name"],
            "country": entry["country"], "city": entry["city"] or "", "title": entry["title"],
            "emails": "\n".join(entry["emails"]),
            "office_phones": "\n".join(p["number"] for p in entry["phones"]),
            "languages": entry["languages"], "specialisms": entry["specialisms"],
            "status": entry["status"], "last_verified_on": entry["last_verified_on"] or "",
            "organisation_name": "", "organisation_kind": ""}
    for membership in entry["memberships"]:
        form[f"member-{membership['network']}"] = "1"
        form[f"role-{membership['network']}"] = membership["role"]
        form[f"external-{membership['network']}"] = membership["external_id"] or ""
    form.update(values)
    return form


@pytest.mark.parametrize("kind, expected", [("own", 302), ("both", 302), ("other", 403)])
def test_edit_page(login_as, people, read, kind, expected):
    browser = login_as("secretariat", networks=("emj",))
    entry_id = people[kind]
    form_page = browser.get(f"/contact-points/{entry_id}/edit")
    assert form_page.status_code == (403 if kind == "other" else 200)
    assert ("This entry is shared with CARIN contact points: your changes to its details are "
            "proposed" in form_page.get_data(as_text=True)) == (kind == "both")
    response = browser.post(f"/contact-points/{entry_id}/edit",
                            data=edit_form(browser, read(entry_id), city="Tanger"))
    assert response.status_code == expected
    assert read(entry_id)["city"] == ("Tanger" if kind == "own" else "Rabat")
    if kind == "both":  # proposed, and shown on the entry's page
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert "your change is proposed to their secretariats" in page
        assert "Pending proposals (1)" in page and "Tanger" in page


@pytest.mark.parametrize("action", ["archive", "verify"])
@pytest.mark.parametrize("kind", ["own", "both", "other"])
def test_archive_and_verify_pages(login_as, people, read, kind, action):
    browser = login_as("secretariat", networks=("emj",))
    entry_id = people[kind]
    response = browser.post(f"/contact-points/{entry_id}/{action}",
                            data={"csrf_token": page_token(browser), "version": "1"})
    entry = read(entry_id)
    if kind == "other":
        assert response.status_code == 403
        assert entry["status"] == "active" and entry["last_verified_on"] == "2020-01-01"
        return
    assert response.status_code == 302
    if action == "verify":
        assert entry["last_verified_on"] == TODAY
    elif kind == "own":
        assert entry["status"] == "archived"
    else:
        assert entry["status"] == "active" and names(entry) == ["carin"]
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert "stays in the directory for its other networks" in page


# --- imports: the command line and the web -------------------------------------------------

def import_rows(tmp_path) -> list[list[str]]:
    return [[f"E-{kind}", "Morocco", "Haddad", "Amina", "Chief Prosecutor",
             f"{kind}@justice.example", "Contact point"] for kind in ("own", "both", "other")]


def check_import_outcome(api, read, people) -> None:
    own, both, other = (read(people[kind]) for kind in ("own", "both", "other"))
    assert own["title"] == "Chief Prosecutor"
    for entry in (both, other):  # shared with CARIN: the shared fields stay, and are proposed
        assert (entry["title"], entry["given_name"]) == ("Prosecutor", "Amina")
    assert names(other) == ["carin", "emj"]
    pending = api("secretariat", networks=("carin",)).get(
        "/api/v1/proposals?status=pending").json["results"]
    assert sorted(item["contact_point_id"] for item in pending) == sorted(
        [people["both"], people["other"]])
    assert {item["source"] for item in pending} == {"import"}
    assert all(item["changes"]["title"] == {"from": "Prosecutor", "to": "Chief Prosecutor"}
               for item in pending)


def test_import_from_the_command_line(runner, make, api, people, read, tmp_path):
    _, email = make.user("secretariat", networks=("emj",))
    path = write_list(tmp_path / "emj.csv", import_rows(tmp_path))
    result = runner.invoke(args=["import", str(path), "--network", "emj", "--as", email])
    assert result.exit_code == 0, result.output
    assert "2 changes proposed to entries shared with carin" in result.output
    check_import_outcome(api, read, people)


def test_import_on_the_web(login_as, api, people, read, tmp_path):
    browser = login_as("secretariat", networks=("emj",))
    run_id = upload(browser, write_list(tmp_path / "emj.csv", import_rows(tmp_path)), "emj")
    preview = browser.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "2 changes proposed to entries shared with CARIN contact points" in preview
    assert "proposed to CARIN contact points: Family name: " in preview
    assert "Title or function: Prosecutor → Chief Prosecutor" in preview
    report = confirm_upload(browser, run_id)
    assert "Imported." in report
    assert "2 changes proposed to entries shared with CARIN" in report
    check_import_outcome(api, read, people)


# --- archived entries are listed to those who maintain one of their networks ---------------

@pytest.mark.parametrize("role, networks, listed", [
    ("secretariat", ("emj",), ["own"]),
    ("secretariat", ("carin",), ["other"]),
    ("admin", (), ["own", "other"]),
])
def test_archived_listing(api, people, role, networks, listed):
    admin = api("admin")
    for kind in ("own", "other"):
        assert admin.delete(f"/api/v1/contact-points/{people[kind]}").status_code == 200
    client = api(role, networks=networks) if networks else api(role)
    response = client.get("/api/v1/contact-points?status=archived")
    assert response.status_code == 200
    assert [row["id"] for row in response.json["results"]] == [people[kind] for kind in listed]
    assert response.json["total"] == len(listed)
    for kind in ("own", "other"):
        one = client.get(f"/api/v1/contact-points/{people[kind]}")
        assert one.status_code == (200 if kind in listed else 404)


def test_prosecutors_may_not_list_archived_entries(api, people):
    response = api("prosecutor").get("/api/v1/contact-points?status=archived")
    assert response.status_code == 403


