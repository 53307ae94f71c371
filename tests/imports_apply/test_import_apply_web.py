"""The web import: upload → preview → confirm or cancel → report, and its downloads."""

import re
import threading
import time
from pathlib import Path

import pytest
from import_apply_support import DATA, SAMPLES, WITH_ERRORS, directory_state, run_id_of, upload
from sqlalchemy import select
from support import csrf_token

from directory.extensions import db
from directory.models import BackgroundJob, ImportRun, utcnow
from directory.services import commit, import_jobs, jobs, users
from directory.services import imports as import_service


@pytest.fixture
def secretariat(client, auth, make):
    make.user("secretariat", email="emj.sec@users.example", networks=("emj",))
    auth.login("emj.sec@users.example")
    return client


def test_upload_preview_confirm(app, secretariat):
    client = secretariat
    response = upload(client, SAMPLES["emj"])
    assert response.status_code == 302
    run_id = run_id_of(response)
    page = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Preview: nothing has been written yet." in page
    assert "Entries to create" in page and ">117<" in page  # what it would do, not did
    assert "Said Bennani" in page  # the changes row by row
    assert "Confirm the import" in page
    assert directory_state(app)["entries"] == 0
    # The file waits in the instance folder, not under static.
    waiting = list((app.instance_path and __import__("pathlib").Path(app.instance_path) /
                    "imports").glob(f"{run_id}.*"))
    assert [path.suffix for path in waiting] == [".csv"]

    token = csrf_token(client, f"/imports/{run_id}")
    done = client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    assert done.status_code == 302
    page = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Imported." in page and "Entries created" in page
    state = directory_state(app)
    assert state["entries"] == 117 and state["memberships"] == {"emj": 117}
    assert not [p for p in waiting if p.exists()]  # the upload is gone once applied
    # Confirming twice does nothing more.
    again = client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    assert again.status_code == 302
    assert directory_state(app)["entries"] == 117
    changes = client.get(f"/imports/{run_id}/changes.csv")
    assert changes.status_code == 200
    assert changes.get_data(as_text=True).count("\ncreate") + \
        changes.get_data(as_text=True).count(",create,") >= 117


def test_cancel_writes_nothing(app, secretariat):
    client = secretariat
    run_id = run_id_of(upload(client, SAMPLES["emj"]))
    token = csrf_token(client, f"/imports/{run_id}")
    response = client.post(f"/imports/{run_id}/cancel", data={"csrf_token": token},
                           follow_redirects=True)
    assert "nothing was written" in response.get_data(as_text=True)
    assert directory_state(app)["entries"] == 0
    with app.app_context():
        assert db.session.get(ImportRun, run_id).status == "cancelled"
    refused = client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token},
                          follow_redirects=True)
    assert "cannot be confirmed" in refused.get_data(as_text=True)
    assert directory_state(app)["entries"] == 0


def test_errors_are_shown_with_line_and_column(app, secretariat):
    client = secretariat
    run_id = run_id_of(upload(client, WITH_ERRORS))
    page = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Refused: nothing was written." in page
    assert "Confirm the import" not in page
    # A refused list did nothing: no "Entries created: 9", no changes row by row; its
    # problems come first, before the file's fingerprint.
    assert "Entries created" not in page and "Entries to create" not in page
    assert "Changes row by row" not in page
    assert page.index("problems: nothing can be written") < page.index("SHA-256")
    for line, column in (("4", "Courriel"), ("8", "Pays"), ("11", "Tél.")):
        assert re.search(rf"<td[^>]*>{line}</td><td[^>]*><bdi>{re.escape(column)}</bdi></td>",
                         page)
    report = client.get(f"/imports/{run_id}/errors.csv").get_data(as_text=True)
    assert report.splitlines()[0].lstrip("\ufeff") == "line,column,message"
    assert len(report.strip().splitlines()) == 4
    assert directory_state(app)["entries"] == 0


def test_unusable_file_is_one_clear_message(app, secretariat):
    client = secretariat
    response = upload(client, DATA / "README.md")
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    assert directory_state(app)["entries"] == 0


def test_file_changed_between_preview_and_confirm_is_refused(app, secretariat):
    client = secretariat
    run_id = run_id_of(upload(client, SAMPLES["emj"]))
    from pathlib import Path
    waiting = next((Path(app.instance_path) / "imports").glob(f"{run_id}.*"))
    waiting.write_bytes(waiting.read_bytes().replace(b"Bennani", b"Bennany"))
    token = csrf_token(client, f"/imports/{run_id}")
    client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    page = client.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "not the one previewed" in page
    assert directory_state(app)["entries"] == 0


def test_secretariat_cannot_import_another_network(app, secretariat):
    response = upload(secretariat, SAMPLES["carin"], network="carin")
    assert response.status_code == 422  # not among the form's choices
    assert directory_state(app)["entries"] == 0


def test_too_large_upload_is_a_clear_message(app, secretariat):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(secretariat, SAMPLES["emj"])
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_long_import_runs_in_the_background_with_progress(app, secretariat):
    app.config["IMPORT_SYNC_ROWS"] = 0
    client = secretariat
    run_id = run_id_of(upload(client, SAMPLES["emj"]))
    token = csrf_token(client, f"/imports/{run_id}")
    client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    for _ in range(200):
        response = client.get(f"/imports/{run_id}")
        page = response.get_data(as_text=True)
        if "Imported." in page:
            break
        assert "The import is running." in page
        # Followed by a script into a live region, never by reloading the page (WCAG 2.2.1).
        assert response.headers.get("Refresh") is None and 'http-equiv="refresh"' not in page
        assert 'id="import-progress"' in page and "Refresh to see how far it got" in page
        time.sleep(0.05)
    assert "Imported." in page
    finish(run_id)
    assert directory_state(app)["entries"] == 117


def finish(run_id: int) -> None:
    """Wait for the run's background work (a check or an import) to end."""
    for thread in threading.enumerate():
        if thread.name == f"import-{run_id}":
            thread.join(30)


def test_a_long_check_goes_on_in_the_background_then_shows_the_preview(app, secretariat):
    app.config["IMPORT_PREVIEW_WAIT_SECONDS"] = 0  # every check outlasts the request
    client = secretariat
    response = upload(client, SAMPLES["emj"])
    assert response.status_code == 302
    run_id = run_id_of(response)
    for _ in range(400):
        page = client.get(f"/imports/{run_id}").get_data(as_text=True)
        if "Preview: nothing has been written yet." in page:
            break
        assert "Checking the list: nothing has been written yet." in page
        assert 'id="import-progress"' in page and "Confirm the import" not in page
        time.sleep(0.05)
    assert "Entries to create" in page and ">117<" in page and "Confirm the import" in page
    finish(run_id)
    token = csrf_token(client, f"/imports/{run_id}")
    client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    finish(run_id)
    assert directory_state(app)["entries"] == 117


def test_a_list_being_checked_shows_how_far_the_check_got(app, secretariat):
    with app.app_context():
        actor = users.find_user("emj.sec@users.example")
        run_id = import_service.start_run(actor, "emj", "big.csv", status="checking").id
        # Its check job, running in another process, has reported how far it got.
        running = BackgroundJob(name="imports.check", unique_key=f"import-check:{run_id}",
                                arguments={}, status="running", phase="", done=0, total=0,
                                attempts=1, started_at=utcnow(), heartbeat_at=utcnow())
        db.session.add(running)
        commit()
        jobs.huey_of(app).put(f"progress:{running.id}",
                              {"phase": "compare", "done": 500, "total": 2000})
    page = secretariat.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Checking the list: nothing has been written yet." in page
    assert "Comparing with the directory: 500 of 2,000 rows" in page
    assert ('<progress class="import-bar" aria-labelledby="import-phase" max="2000" '
            'value="500">') in page
    assert 'data-poll-seconds="2"' in page and 'data-done-link="Show the preview"' in page
    assert "Confirm the import" not in page


def test_an_unusable_file_checked_in_the_background_is_refused_on_its_report(app, secretariat):
    with app.app_context():
        actor = users.find_user("emj.sec@users.example")
        run_id = import_service.start_run(actor, "emj", "README.md", status="checking").id
        commit()
        waiting = import_jobs.folder() / f"{run_id}.txt"
        waiting.write_bytes((DATA / "README.md").read_bytes())
        import_jobs.check(run_id, actor.id, str(waiting))
    page = secretariat.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Refused: nothing was written." in page and "README.md" in page
    assert not list((Path(app.instance_path) / "imports").glob(f"{run_id}.*"))
    assert directory_state(app)["entries"] == 0


def test_prosecutor_and_reporter_cannot_import(app, client, auth, make):
    for role in ("prosecutor", "reporter"):
        _, email = make.user(role)
        auth.login(email)
        assert client.get("/imports").status_code == 403
        auth.logout()


def test_admin_imports_any_network(app, client, auth, make):
    _, email = make.user("admin")
    auth.login(email)
    run_id = run_id_of(upload(client, SAMPLES["carin"], network="carin"))
    token = csrf_token(client, f"/imports/{run_id}")
    client.post(f"/imports/{run_id}/confirm", data={"csrf_token": token})
    assert directory_state(app)["memberships"] == {"carin": 105}
    with app.app_context():
        run = db.session.scalars(select(ImportRun)).one()
        assert run.status == "applied" and run.actor == email
