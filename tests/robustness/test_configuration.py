"""Configuration that cannot hurt: a setting that cannot work stops the command line and the
WSGI server with one line naming it, and what the instance folder holds is its owner's only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from support import free_port, stop_process

from directory.config import configure

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

BAD_SETTINGS = [
    ("COUNTERPART_DATABASE_URL", ""),
    ("COUNTERPART_DATABASE_URL", "not a url"),
    ("COUNTERPART_DATABASE_URL", "42"),
    ("COUNTERPART_DATABASE_URL", "nosuchdatabase://host/db"),
    ("COUNTERPART_DATABASE_URL", "postgresql://host:port/db"),
    ("COUNTERPART_SESSION_MINUTES", "eight hours"),
    ("COUNTERPART_STALE_AFTER_DAYS", "-1"),
    ("COUNTERPART_PROXY_COUNT", "true"),
    ("COUNTERPART_INDEX_LOCK_TIMEOUT", "soon"),
    ("COUNTERPART_SESSION_COOKIE_SECURE", "yes"),
    ("COUNTERPART_LANGUAGES", "en"),
    ("COUNTERPART_INDEX_DIR", " "),
]


def _environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("COUNTERPART_")}
    return {**clean, "COUNTERPART_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "COUNTERPART_INDEX_DIR": str(tmp_path / "index"),
            "COUNTERPART_SECRET_KEY": "configuration-tests", **settings}


def _assert_one_line_naming(output: str, variable: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: ") and variable in lines[0], output
    assert "Traceback" not in output


@pytest.mark.parametrize(("variable", "value"), BAD_SETTINGS)
def test_a_setting_that_cannot_work_is_one_line_from_the_command_line(tmp_path, variable,
                                                                      value):
    env = _environment(tmp_path, **{variable: value})
    for command in (["init-db"], ["quickstart", "--count", "0"]):  # quickstart: `make run`
        done = subprocess.run([str(BIN / "counterpart"), *command], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 2, done.stderr
        _assert_one_line_naming(done.stderr, variable)
        assert done.stdout == ""
    assert not (tmp_path / "db.sqlite3").exists() or variable != "COUNTERPART_DATABASE_URL"


@pytest.mark.parametrize(("variable", "value"), [BAD_SETTINGS[0], BAD_SETTINGS[5]])
def test_a_setting_that_cannot_work_stops_gunicorn_with_one_line(tmp_path, variable, value):
    env = _environment(tmp_path, **{variable: value})
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{free_port()}", "--workers", "1",
             "wsgi:app"], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            status = process.wait(timeout=60)
        finally:
            stop_process(process)
    text = log.read_text()
    assert status == 4, text  # gunicorn's "App failed to load": the master stops
    assert "Traceback" not in text
    errors = [line for line in text.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and variable in errors[0], text


def test_settings_of_the_right_type_are_taken_as_written(tmp_path):
    env = _environment(tmp_path, COUNTERPART_SECRET_KEY="12345", COUNTERPART_SESSION_MINUTES="30",
                       COUNTERPART_INDEX_LOCK_TIMEOUT="2", COUNTERPART_SESSION_COOKIE_SECURE="true")
    script = ("from directory import create_app; app = create_app(); c = app.config; "
              "print(repr(c['SECRET_KEY']), c['SESSION_MINUTES'], c['INDEX_LOCK_TIMEOUT'], "
              "c['SESSION_COOKIE_SECURE'])")
    done = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["'12345'", "30", "2.0", "True"]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_folder_database_and_key_are_readable_by_their_owner_only(tmp_path,
                                                                            monkeypatch):
    for variable in [key for key in os.environ if key.startswith("COUNTERPART_")]:
        monkeypatch.delenv(variable)
    previous = os.umask(0o022)  # the usual umask, which would make files world-readable
    try:
        app = Flask("directory", instance_path=str(tmp_path / "instance"))
        configure(app)
    finally:
        os.umask(previous)
    instance = tmp_path / "instance"
    assert _mode(instance) == 0o700
    assert _mode(instance / "counterpart.sqlite3") == 0o600
    assert _mode(instance / "secret_key") == 0o600
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/counterpart.sqlite3")
