"""A list checked in the background: others may write meanwhile (SQLite takes one writer at a
time), and whatever stops the check leaves a failed run and no file behind."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from import_apply_support import SAMPLES, directory_state, run_id_of, upload, write_csv
from sqlalchemy import select
from support import csrf_token

from directory.extensions import db
from directory.models import ImportRun, User, utcnow
from directory.services import commit, users
from directory.services import imports as import_service
from directory.services.import_jobs import run_preview

HEADER = ["Pays", "Nom", "Prénom", "Courriel"]


def other_writer_commits(path: str) -> None:
    """Another process writes and commits within a second, or raises 'database is locked'."""
    other = sqlite3.connect(path, timeout=1)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE user SET locale = locale")
        other.commit()
    finally:
        other.close()


def test_others_write_while_a_check_reads_and_compares_the_list(app, make):
    make.user("secretariat", email="sec@users.example", networks=("emj",))
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL writers do not wait for readers")
        database = db.engine.url.database
        actor = users.find_user("sec@users.example")
        run = import_service.start_run(actor, "emj", "emj_directory.csv", status="checking")
        commit()
        phases = []

        def step(phase: str, done: int, total: int) -> None:
            if phase in ("read", "compare") and phase not in phases:
                phases.append(phase)
                other_writer_commits(database)  # while the file is read, then compared

        report = import_service.preview(actor, SAMPLES["emj"], "emj", run=run, progress=step,
                                        let_others_write=True)
        commit()
        assert phases == ["read", "compare"]
        assert report.ok and report.counts["created"] == 117
        assert db.session.get(ImportRun, report.run_id).status == "previewed"


def test_a_check_whose_user_was_deactivated_fails_and_removes_the_file(app, make, login_as,
                                                                       tmp_path):
    _, email = make.user("secretariat", networks=("emj",))
    listed = write_csv(tmp_path / "list.csv", HEADER, [["Maroc", "Bennani", "Said",
                                                        "said@justice.example"]])
    with app.app_context():
        actor = users.find_user(email)
        run_id = import_service.start_run(actor, "emj", "list.csv", status="checking").id
        actor.active = False
        commit()
        folder = Path(app.instance_path) / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        waiting = folder / f"{run_id}.csv"
        waiting.write_bytes(listed.read_bytes())
        run_preview(run_id, actor.id, waiting)
        assert db.session.get(ImportRun, run_id).status == "failed"
    assert not waiting.exists() and not (folder / f"{run_id}.progress").exists()
    page = login_as("admin", locale="fr").get(f"/imports/{run_id}").get_data(as_text=True)
    assert "n&#39;existe plus ou est désactivé" in page
    assert directory_state(app)["entries"] == 0


def test_a_list_with_an_unknown_suffix_is_read_by_its_content_and_can_be_confirmed(
        app, login_as, tmp_path):
    listed = write_csv(tmp_path / "list.dat", HEADER, [["Maroc", "Bennani", "Said",
                                                        "said@justice.example"]])
    browser = login_as("secretariat", networks=("emj",))
    run_id = run_id_of(upload(browser, listed))
    page = browser.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Confirm the import" in page
    token = csrf_token(browser, f"/imports/{run_id}")
    browser.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    assert directory_state(app)["entries"] == 1
    assert not list((Path(app.instance_path) / "imports").glob(f"{run_id}.*"))


def test_a_check_whose_process_ended_before_any_progress_says_so(app, login_as):
    browser = login_as("admin")
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.role == "admin")).first()
        run = import_service.start_run(admin, "emj", "lost.csv", status="checking")
        run.at = utcnow() - timedelta(hours=1)  # and no progress file: the server restarted
        commit()
        run_id = run.id
    page = browser.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "This import stopped answering" in page
    assert "data-poll-seconds" not in page
