"""Several processes at once: two gunicorn workers sharing one index directory, and two app
instances with their own index directories on one PostgreSQL database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from search_support import bearer
from support import close_app, stop_process

from directory import create_app

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("COUNTERPART_TEST_DATABASE_URL") or ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _call(base: str, token: str, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        **bearer(token), "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """A real gunicorn with 2 workers on the test's database and index, on 127.0.0.1."""
    with app.app_context():
        index = app.extensions.get("counterpart_index")
        if index is not None:
            index.close()
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
    env = {**os.environ, "COUNTERPART_DATABASE_URL": database_url,
           "COUNTERPART_INDEX_DIR": app.config["INDEX_DIR"],
           "COUNTERPART_SECRET_KEY": "gunicorn-test-secret",
           # Its own job queue and uploads: not the checkout's instance folder, which another
           # suite running at the same time would share.
           "COUNTERPART_INSTANCE_PATH": app.instance_path}
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "2", "--bind",
         f"127.0.0.1:{port}", "--log-level", "warning", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/login", timeout=5).read()
                break
            except OSError:  # refused, reset or timed out while the workers start
                if process.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        yield base, lambda: (log.flush(), (tmp_path / "gunicorn.log").read_text())[1]
    finally:
        stop_process(process)
        log.close()


SLOT_WORDS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]
ROUND_WORDS = ["Lima", "Mike", "November", "Oscar", "Papa", "Quebec", "Romeo", "Sierra"]


def test_two_gunicorn_workers_writing_and_searching_never_show_a_lock_error(make, gunicorn):
    entries = [make.entry(family_name=f"Worker{n}", given_name="Hamza") for n in range(6)]
    _, email = make.user("admin")
    token = make.token(email)
    base, server_log = gunicorn
    failures: list[str] = []
    final_names: dict[int, str] = {}

    def writer(slot: int) -> None:
        entry = entries[slot]
        for round_number in range(8):
            name = f"{SLOT_WORDS[slot]} {ROUND_WORDS[round_number]}"
            status, body = _call(base, token, "PATCH", f"/api/v1/contact-points/{entry}",
                                 {"family_name": name})
            if status != 200:
                failures.append(f"PATCH {status} {body}")
                return
            final_names[entry] = name
            status, body = _call(base, token, "GET",
                                 "/api/v1/search?" + urllib.parse.urlencode({"q": name}))
            if status != 200:
                failures.append(f"search {status} {body}")

    def reader() -> None:
        for query in ["Hamza", "Alpha", "Hamza Bravo", "Worker", "Hamz", "Oscar"] * 5:
            status, body = _call(base, token, "GET",
                                 "/api/v1/search?" + urllib.parse.urlencode({"q": query}))
            if status != 200:
                failures.append(f"search {status} {body}")
            status, body = _call(base, token, "GET", "/api/v1/suggest?q=Ham")
            if status != 200:
                failures.append(f"suggest {status} {body}")

    threads = [threading.Thread(target=writer, args=(slot,)) for slot in range(len(entries))]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == [], server_log()  # the server's log says what went wrong
    # The final state is searchable (the next search catches up whatever waited).
    for entry, name in final_names.items():
        status, body = _call(base, token, "GET",
                             "/api/v1/search?" + urllib.parse.urlencode({"q": name}))
        assert status == 200 and [r["id"] for r in body["results"]] == [entry], name
    log = server_log()
    assert "Traceback" not in log and "LockError" not in log, log


@pytest.mark.skipif(not POSTGRES_URL.startswith("postgres"),
                    reason="needs COUNTERPART_TEST_DATABASE_URL=postgresql://... "
                           "(make test-postgres)")
def test_two_instances_with_their_own_indexes_on_one_postgresql_see_each_others_changes(
        app, database_url, make, tmp_path):
    other = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                        "DATABASE_URL": database_url, "INDEX_DIR": str(tmp_path / "index-2")})
    try:
        _, email = make.user("admin")
        headers = bearer(make.token(email))
        first, second = app.test_client(), other.test_client()

        def seen_within(client, text: str, entry: int, seconds: float = 2.0) -> float:
            started = time.monotonic()
            while True:
                body = client.get("/api/v1/search", query_string={"q": text},
                                  headers=headers).get_json()
                if [r["id"] for r in body["results"]] == [entry]:
                    return time.monotonic() - started
                assert time.monotonic() - started < seconds, f"{text} not seen in {seconds} s"
                time.sleep(0.05)

        created = first.post("/api/v1/contact-points", headers=headers, json={
            "family_name": "Crossnode", "country": "LB", "emails": ["crossnode@example.lb"],
            "memberships": [{"network": "emj", "role": "contact-point"}]})
        assert created.status_code == 201
        entry = created.get_json()["id"]
        seen_within(second, "Crossnode", entry)
        patched = second.patch(f"/api/v1/contact-points/{entry}", headers=headers,
                               json={"family_name": "Othernode"})
        assert patched.status_code == 200
        seen_within(first, "Othernode", entry)
        assert second.delete(f"/api/v1/contact-points/{entry}", headers=headers).status_code == 200
        started = time.monotonic()
        while first.get("/api/v1/search?q=Othernode", headers=headers).get_json()["total"]:
            assert time.monotonic() - started < 2.0
            time.sleep(0.05)
        # Both indexes hold their own copy.
        assert Path(app.config["INDEX_DIR"]) != Path(other.config["INDEX_DIR"])
        assert (tmp_path / "index-2" / "CURRENT").exists()
    finally:
        close_app(other)
