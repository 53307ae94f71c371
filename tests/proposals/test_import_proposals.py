"""Imports follow the shared-entry rules: a secretariat's list changes the entries it shares
with networks it does not maintain only through proposals, counted and listed; the same list
again proposes nothing new; entries missing from the list only leave the network."""

from __future__ import annotations

from proposals_support import write_list


def rows(title: str, kinds=("own", "both", "other")) -> list[list[str]]:
    return [[f"E-{kind}", "Morocco", "Haddad", "Amina", title, f"{kind}@justice.example",
             "Contact point"] for kind in kinds]


def run(runner, path, email, *options):
    result = runner.invoke(args=["import", str(path), "--network", "emj", "--as", email,
                                 *options])
    assert result.exit_code == 0, result.output
    return result.output


def pending(api) -> list[dict]:
    return api("admin").get("/api/v1/proposals?status=pending").json["results"]


def test_the_same_list_again_proposes_nothing_new(runner, make, api, people, tmp_path):
    _, email = make.user("secretariat", networks=("emj",))
    path = write_list(tmp_path / "emj.csv", rows("Chief Prosecutor"))
    run(runner, path, email)
    first = pending(api)
    assert len(first) == 2
    output = run(runner, path, email)
    assert "proposed" not in output and "3 unchanged" in output
    assert pending(api) == first
    # A list that changes the title again: new proposals replace the pending ones.
    run(runner, write_list(tmp_path / "emj2.csv", rows("Head of Unit")), email)
    now = pending(api)
    assert len(now) == 2 and {item["id"] for item in now}.isdisjoint(
        {item["id"] for item in first})
    assert {item["changes"]["title"]["to"] for item in now} == {"Head of Unit"}
    statuses = [item["status"] for item in api("admin").get("/api/v1/proposals").json[
        "results"] if item["id"] in {old["id"] for old in first}]
    assert statuses == ["superseded", "superseded"]


def test_an_import_proposal_accepted_changes_the_entry(runner, make, api, people, read,
                                                        tmp_path):
    _, email = make.user("secretariat", networks=("emj",))
    run(runner, write_list(tmp_path / "emj.csv", rows("Chief Prosecutor")), email)
    carin = api("secretariat", networks=("carin",))
    [proposal] = [item for item in carin.get("/api/v1/proposals").json["results"]
                  if item["contact_point_id"] == people["other"]]
    assert proposal["proposed_by"] == email and proposal["source"] == "import"
    assert carin.post(f"/api/v1/proposals/{proposal['id']}/accept").status_code == 200
    assert read(people["other"])["title"] == "Chief Prosecutor"


def test_missing_from_the_list_only_leaves_the_network(runner, make, read, people, tmp_path):
    _, email = make.user("secretariat", networks=("emj",))
    run(runner, write_list(tmp_path / "emj.csv", rows("Prosecutor")), email)
    output = run(runner, write_list(tmp_path / "emj-short.csv", rows("Prosecutor", ["other"])),
                 email, "--archive-missing")
    assert "(1 archived, 1 memberships removed)" in output
    own, both = read(people["own"]), read(people["both"])
    assert own["status"] == "archived"
    assert both["status"] == "active"
    assert [m["network"] for m in both["memberships"]] == ["carin"]


def test_an_administrators_list_changes_shared_entries_directly(runner, make, api, read,
                                                                 people, tmp_path):
    _, email = make.user("admin")
    run(runner, write_list(tmp_path / "emj.csv", rows("Chief Prosecutor")), email)
    assert pending(api) == []
    assert {read(people[kind])["title"] for kind in people} == {"Chief Prosecutor"}
