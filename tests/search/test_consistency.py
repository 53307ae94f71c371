"""The index stays a faithful projection of the database: edits searchable at once, nothing lost
when the writer lock is busy or a process dies between the two commits, a missing index rebuilt,
a damaged one reported (503, never a traceback) and restored by `counterpart reindex`."""

from __future__ import annotations

import gc
import shutil
import signal
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from search_support import admin_user, sign_in
from sqlalchemy import select
from support import close_app
from whoosh.index import open_dir

from directory import create_app
from directory.extensions import db
from directory.models import ContactPoint
from directory.services import contacts, search
from directory.services.search import search_index

ROOT = Path(__file__).resolve().parents[2]


def found(api_client, text: str) -> list[int]:
    response = api_client.get("/api/v1/search", query_string={"q": text})
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["id"] for result in response.get_json()["results"]]


def live_generation(app) -> Path:
    index_dir = Path(app.config["INDEX_DIR"])
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def watermark_and_latest(app) -> tuple[int, int]:
    with app.app_context():
        values = search_index().watermark(), search.latest_change()
        db.session.rollback()
        return values


def test_an_edit_is_searchable_when_the_call_returns(api, make):
    entry = make.entry(family_name="Oldname")
    admin = api("admin")
    assert found(admin, "Oldname") == [entry]
    response = admin.patch(f"/api/v1/contact-points/{entry}", json={"family_name": "Newname"})
    assert response.status_code == 200
    assert found(admin, "Newname") == [entry]
    assert found(admin, "Oldname") == []
    created = admin.post("/api/v1/contact-points", json={
        "family_name": "Freshly", "country": "TN", "emails": ["freshly@justice.example.tn"],
        "memberships": [{"network": "emj", "role": "contact-point"}]})
    assert created.status_code == 201
    assert found(admin, "Freshly") == [created.get_json()["id"]]


def test_a_busy_writer_lock_delays_but_never_loses_a_change(app, api, make):
    entry = make.entry(family_name="Beforelock")
    admin = api("admin")
    assert found(admin, "Beforelock") == [entry]
    # Another process (here: a plain Whoosh writer) holds the live index's writer lock.
    holder = open_dir(str(live_generation(app))).writer()
    try:
        response = admin.patch(f"/api/v1/contact-points/{entry}",
                               json={"family_name": "Duringlock"})
        assert response.status_code == 200  # the write succeeds: the database is the truth
        assert response.get_json()["family_name"] == "Duringlock"
        mark, latest = watermark_and_latest(app)
        assert mark < latest  # the change waits in the database
        # Searching while the lock is held still answers (from the index as it was).
        assert found(admin, "Duringlock") == []
    finally:
        holder.cancel()
    # The next catch-up (run by the next search) applies it.
    assert found(admin, "Duringlock") == [entry]
    assert found(admin, "Beforelock") == []
    mark, latest = watermark_and_latest(app)
    assert mark == latest


def test_changes_committed_without_catch_up_reach_a_new_instance(app, api, make):
    entry = make.entry(family_name="Uncaught")
    admin = api("admin")
    assert found(admin, "Uncaught") == [entry]
    # The process "dies" between the database commit and the index commit.
    with app.app_context():
        contacts.update_contact_point(admin_user(), entry, {"family_name": "Caughtlater"})
        db.session.commit()  # not services.commit(): no catch-up runs
        db.session.info.pop("index_dirty", None)
    mark, latest = watermark_and_latest(app)
    assert mark < latest
    # A new app instance on the same database and index finds it on its first search.
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                        "DATABASE_URL": app.config["DATABASE_URL"],
                        "INDEX_DIR": app.config["INDEX_DIR"], "INDEX_LOCK_TIMEOUT": 0.5})
    try:
        client = other.test_client()
        headers = admin.headers
        response = client.get("/api/v1/search?q=Caughtlater", headers=headers)
        assert [r["id"] for r in response.get_json()["results"]] == [entry]
    finally:
        close_app(other)
    assert found(admin, "Caughtlater") == [entry]


KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    from directory import create_app
    from directory.extensions import db
    from directory.services import contacts, users

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": sys.argv[1],
                      "INDEX_DIR": sys.argv[2]})
    with app.app_context():
        actor = users.find_user("factory-admin@users.example")
        contacts.update_contact_point(actor, int(sys.argv[3]), {"family_name": "Killedafter"})
        db.session.commit()
        os.kill(os.getpid(), signal.SIGKILL)  # before services.commit() would catch up
""")


def test_a_process_killed_between_the_two_commits_loses_nothing(app, api, make):
    entry = make.entry(family_name="Beforekill")
    admin = api("admin")
    assert found(admin, "Beforekill") == [entry]
    done = subprocess.run([sys.executable, "-c", KILLED_WRITER, app.config["DATABASE_URL"],
                           app.config["INDEX_DIR"], str(entry)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert found(admin, "Killedafter") == [entry]
    assert found(admin, "Beforekill") == []


def test_a_deleted_index_is_rebuilt_at_start_and_on_the_next_catch_up(app, api, make):
    first = make.entry(family_name="Survivor")
    admin = api("admin")
    assert found(admin, "Survivor") == [first]
    index_dir = Path(app.config["INDEX_DIR"])
    shutil.rmtree(index_dir)
    # A new instance (INDEX_ON_START, as outside tests) rebuilds it before serving.
    other = create_app({"TESTING": True, "INDEX_ON_START": True, "SECRET_KEY": "x",
                        "DATABASE_URL": app.config["DATABASE_URL"],
                        "INDEX_DIR": str(index_dir)})
    try:
        assert (index_dir / "CURRENT").exists()
        with other.app_context():
            assert search_index().exists()
    finally:
        close_app(other)
    assert found(admin, "Survivor") == [first]
    # Deleted under a running instance: the next catch-up (a write or a search) rebuilds it.
    shutil.rmtree(index_dir)
    second = make.entry(family_name="Afterdelete")
    assert (index_dir / "CURRENT").exists()
    shutil.rmtree(index_dir)
    assert found(admin, "Survivor") == [first]
    assert found(admin, "Afterdelete") == [second]


def _as_written_by_an_older_version(app) -> Path:
    """Rename the live index as Counterpart named it before its schema had a version."""
    index_dir = Path(app.config["INDEX_DIR"])
    old = index_dir / "gen-18f0c2a1b3c4d5e6-a1b2c3"
    live_generation(app).rename(old)
    (index_dir / "CURRENT").write_text(old.name, encoding="utf-8")
    with app.app_context():
        search_index().close()
    return old


def test_an_index_of_an_older_schema_is_rebuilt_at_start_and_before_a_search(app, api, make):
    first = make.entry(family_name="Upgraded")
    admin = api("admin")
    old = _as_written_by_an_older_version(app)
    # A new instance (INDEX_ON_START, as after an upgrade) rebuilds it before serving.
    other = create_app({"TESTING": True, "INDEX_ON_START": True, "SECRET_KEY": "x",
                        "DATABASE_URL": app.config["DATABASE_URL"],
                        "INDEX_DIR": app.config["INDEX_DIR"]})
    try:
        assert not old.exists()
        with other.app_context():
            assert search_index().exists()
    finally:
        close_app(other)
    # Under a running instance, the next search rebuilds it and finds everyone.
    old = _as_written_by_an_older_version(app)
    assert found(admin, "Upgraded") == [first]
    assert not old.exists()


def _damage(app) -> None:
    """Truncate the biggest file of the live index to half its size."""
    generation = live_generation(app)
    files = sorted((p for p in generation.iterdir() if p.is_file() and not p.name.endswith(
        (".toc", "WRITELOCK"))), key=lambda p: p.stat().st_size)
    victim = files[-1]
    with open(victim, "r+b") as handle:
        handle.truncate(victim.stat().st_size // 2)


@pytest.mark.parametrize("restart", [False, True], ids=["same-process", "new-process"])
def test_a_damaged_index_is_a_clear_503_until_reindex(app, api, make, restart):
    for number in range(5):
        make.entry(family_name=f"Damaged{number}", given_name="Tarek")
    admin = api("admin")
    assert len(found(admin, "Tarek")) == 5
    _damage(app)
    target = app
    if restart:
        # A new process opens the damaged files: its first search says so.
        with app.app_context():
            search_index().close()
        target = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                             "DATABASE_URL": app.config["DATABASE_URL"],
                             "INDEX_DIR": app.config["INDEX_DIR"]})
    try:
        api_client = target.test_client()
        entry = found_in_db(target, "Damaged0")
        if not restart:
            # The running process may still answer from what it has read already, but once
            # the index can no longer take a change it says so instead of answering stale.
            response = api_client.get("/api/v1/search?q=Tarek", headers=admin.headers)
            assert response.status_code in (200, 503)
            if response.status_code == 200:
                assert response.get_json()["total"] == 5
        # A write succeeds whatever the index's state: the change waits in the database.
        patched = api_client.patch(f"/api/v1/contact-points/{entry}",
                                   json={"family_name": "Repaired"}, headers=admin.headers)
        assert patched.status_code == 200
        response = api_client.get("/api/v1/search?q=Tarek", headers=admin.headers)
        assert response.status_code == 503, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "unavailable"
        assert "counterpart reindex" in error["message"]
        assert "Traceback" not in error["message"]
        # The page says the same, with the search form still there.
        browser = sign_in(target.test_client(), make.user("prosecutor")[1])
        page = browser.get("/?q=Tarek")
        assert page.status_code == 503
        html = page.get_data(as_text=True)
        assert "counterpart reindex" in html and 'name="q"' in html
        assert "Traceback" not in html
        # `counterpart reindex` restores it, with the change made meanwhile.
        result = target.test_cli_runner().invoke(args=["reindex"])
        assert result.exit_code == 0, result.output
        assert "rebuilt" in result.output
        response = api_client.get("/api/v1/search?q=Tarek", headers=admin.headers)
        assert response.status_code == 200
        assert response.get_json()["total"] == 5
        assert found(admin, "Repaired") == [entry]
    finally:
        if restart:
            close_app(target)


def test_index_bug_a_write_on_a_damaged_index_leaks_no_file_handle(app, api, make):
    for number in range(5):
        make.entry(family_name=f"Leak{number}", given_name="Tarek")
    admin = api("admin")
    assert len(found(admin, "Tarek")) == 5
    entry = found_in_db(app, "Leak0")
    _damage(app)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        response = admin.patch(f"/api/v1/contact-points/{entry}",
                               json={"family_name": "Leaky"})
        assert response.status_code == 200
        gc.collect()
    leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == [], leaks[0].message if leaks else None


def found_in_db(app, family_name: str) -> int:
    with app.app_context():
        value = db.session.scalar(select(ContactPoint.id).where(
            ContactPoint.family_name == family_name))
        db.session.rollback()
        return value


def test_suggest_with_a_damaged_index_answers_nothing_rather_than_failing(app, api, make):
    make.entry(family_name="Suggestme")
    admin = api("admin")
    assert admin.get("/api/v1/suggest?q=Sugg").get_json()["suggestions"]
    _damage(app)
    with app.app_context():
        search_index().close()
    response = admin.get("/api/v1/suggest?q=Sugg")
    assert response.status_code == 200
    assert response.get_json()["suggestions"] == [] and response.get_json()["total"] == 0


def test_reindex_prints_and_keeps_the_watermark(app, runner, make):
    make.entry(family_name="Counted")
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0
    mark, latest = watermark_and_latest(app)
    assert mark == latest
    generations = [p for p in Path(app.config["INDEX_DIR"]).iterdir()
                   if p.name.startswith("gen-")]
    assert len(generations) == 1  # the old generation was removed after the swap
