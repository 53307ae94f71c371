"""The networks' sample lists imported into the directory, through the service and the CLI."""

from import_apply_support import (
    SAMPLES,
    WITH_ERRORS,
    directory_state,
    import_samples,
    run_import,
)
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEntry, ImportRun


def test_three_lists_give_300_entries_and_412_memberships(app):
    outcomes = import_samples(app)
    assert [o["status"] for o in outcomes] == ["applied"] * 3
    state = directory_state(app)
    assert state["entries"] == 300
    assert state["memberships"] == {"emj": 117, "eurojust": 190, "carin": 105}
    assert sum(state["memberships"].values()) == 412
    emj, eurojust, carin = (o["counts"] for o in outcomes)
    assert emj["created"] == 117
    # The same people in a second list become memberships of their entries, never duplicates.
    assert eurojust["created"] + eurojust["memberships_added"] == 190
    assert carin["created"] + carin["memberships_added"] == 105
    assert emj["created"] + eurojust["created"] + carin["created"] == 300


def test_reimporting_the_same_files_changes_nothing(app):
    import_samples(app)
    before = directory_state(app)
    again = import_samples(app)
    for outcome, network in zip(again, ("emj", "eurojust", "carin"), strict=True):
        counts = outcome["counts"]
        assert counts["unchanged"] == counts["rows"], network
        assert counts["created"] == counts["updated"] == counts["memberships_added"] == 0
    after = directory_state(app)
    assert after["versions"] == before["versions"]  # no entry's version moved
    assert after["memberships"] == before["memberships"]


def test_list_with_errors_names_lines_4_8_11_and_writes_nothing(app):
    outcome = run_import(app, WITH_ERRORS, "emj")
    assert outcome["status"] == "refused"
    lines = sorted({int(error.split(",")[0].split()[1]) for error in outcome["errors"]})
    assert lines == [4, 8, 11]
    assert outcome["errors"][0].startswith("line 4, column Courriel: ")
    state = directory_state(app)
    assert state["entries"] == 0 and state["memberships"] == {}
    with app.app_context():
        run = db.session.get(ImportRun, outcome["run_id"])
        assert run.status == "refused" and len(run.errors) == 3 and run.sha256
        assert [e["line"] for e in run.errors] == [4, 8, 11]
        assert db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.target_type == "import_run")).all() == ["import.refused"]


def test_dry_run_writes_nothing_but_its_record(app):
    outcome = run_import(app, SAMPLES["emj"], "emj", dry_run=True)
    assert outcome["status"] == "previewed"
    assert outcome["counts"]["created"] == 117
    assert len([c for c in outcome["changes"] if c["action"] == "create"]) == 117
    state = directory_state(app)
    assert state["entries"] == 0 and state["runs"] == 1


def test_cli_import_prints_counts_and_exit_codes(app, runner):
    result = runner.invoke(args=["import", str(SAMPLES["emj"]), "--network", "emj"])
    assert result.exit_code == 0, result.output
    assert "117 created" in result.output and "0 updated" in result.output
    result = runner.invoke(args=["import", str(SAMPLES["eurojust"]), "--network", "eurojust"])
    assert result.exit_code == 0
    assert "memberships added" in result.output
    again = runner.invoke(args=["import", str(SAMPLES["emj"]), "--network", "emj"])
    assert again.exit_code == 0 and "117 unchanged" in again.output


def test_cli_errors_exit_1_and_name_every_line(app, runner):
    result = runner.invoke(args=["import", str(WITH_ERRORS), "--network", "emj"])
    assert result.exit_code == 1
    output = result.output
    for line, column in ((4, "Courriel"), (8, "Pays"), (11, "Tél.")):
        assert f"line {line}, column {column}: " in output
    assert "nothing was imported" in output
    assert directory_state(app)["entries"] == 0


def test_cli_unusable_input_exits_2_with_one_line(app, runner, tmp_path):
    junk = tmp_path / "photo.xlsx"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    result = runner.invoke(args=["import", str(junk), "--network", "emj"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("Error: ")
    missing = runner.invoke(args=["import", str(tmp_path / "nope.csv"), "--network", "emj"])
    assert missing.exit_code == 2


def test_cli_dry_run_prints_the_plan_and_writes_nothing(app, runner):
    result = runner.invoke(args=["import", str(SAMPLES["emj"]), "--network", "emj", "--dry-run"])
    assert result.exit_code == 0
    assert "Dry run, nothing written" in result.output
    assert "line 2: create" in result.output and "Said Bennani" in result.output
    assert directory_state(app)["entries"] == 0


def test_cli_import_as_a_user_checks_their_networks(app, runner, make):
    make.user("secretariat", email="carin.sec@users.example", networks=("carin",))
    refused = runner.invoke(args=["import", str(SAMPLES["emj"]), "--network", "emj",
                                  "--as", "carin.sec@users.example"])
    assert refused.exit_code == 1 and "do not maintain" in refused.output
    done = runner.invoke(args=["import", str(SAMPLES["carin"]), "--network", "carin",
                               "--as", "carin.sec@users.example"])
    assert done.exit_code == 0, done.output
    with app.app_context():
        run = db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()
        assert run.actor == "carin.sec@users.example" and run.user_id is not None


def test_imported_entries_are_searchable(app, api):
    import_samples(app)
    client = api("prosecutor")
    found = client.get("/api/v1/search?q=Said Bennani").get_json()
    assert found["total"] >= 1
    entry = next(result for result in found["results"]
                 if "said.bennani@justice.ma.example" in result["emails"])
    assert {m["network"] for m in entry["memberships"]} >= {"emj", "eurojust"}
    by_network = client.get("/api/v1/search?network=carin&per_page=1").get_json()
    assert by_network["total"] == 105
    arabic = client.get("/api/v1/search?q=سعيد بناني").get_json()
    assert arabic["total"] >= 1


def test_each_import_is_audited(app):
    import_samples(app, ("emj",))
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("contact_point.created") == 117
        assert actions.count("import.applied") == 1
