"""The built wheel, installed in a new virtual environment (not editable, away from the
checkout), sets up its database and serves: templates, static files, translations and
migrations travel inside the package, and requirements.lock installs what it needs.

One slow test (a minute or two: a wheel build and an install from pip's cache or the index);
it is part of `make test`.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import stat
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from support import PASSWORD, free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LEFT_OUT = shutil.ignore_patterns(".venv", ".git", "instance", "build", "dist", "*.egg-info",
                                  "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache",
                                  "tests", "docs", "benchmarks", "node_modules")


def _run(*command: str | Path, **options) -> subprocess.CompletedProcess:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True,
                          timeout=600, check=False, **options)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done


def _build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    _run(BIN / "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", tmp_path / "dist", source)
    (wheel,) = (tmp_path / "dist").glob("counterpart-*.whl")
    return wheel


def _install(tmp_path: Path, wheel: Path) -> Path:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    _run(venv / "bin" / "pip", "install", "--quiet", "--require-hashes",
         "-r", ROOT / "requirements.lock")
    _run(venv / "bin" / "pip", "install", "--quiet", "--no-deps", wheel)
    return venv


def _wait_for(url: str, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:  # refused while gunicorn starts
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
    pytest.fail(f"the server did not answer:\n{log.read_text()}")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_the_wheel_in_a_new_virtual_environment_sets_up_and_serves(tmp_path):
    venv = _install(tmp_path, _build_wheel(tmp_path))
    elsewhere = tmp_path / "elsewhere"  # no checkout on the path: only what was installed
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("COUNTERPART_", "PYTHON", "VIRTUAL_ENV"))}
    run = {"cwd": elsewhere, "env": env}

    located = _run(venv / "bin" / "python", "-c", "import directory; print(directory.__file__)",
                   **run)
    assert located.stdout.startswith(str(venv / "lib"))
    assert "Database ready." in _run(venv / "bin" / "counterpart", "init-db", **run).stdout
    # A prosecutor: the roles that maintain entries enrol a second factor first.
    _run(venv / "bin" / "counterpart", "create-user", "prosecutor@wheel.example", "--role",
         "prosecutor", "--country", "FR", "--password-stdin", input=PASSWORD + "\n", **run)

    # The instance folder of an installed package is <prefix>/var/directory-instance.
    instance = venv / "var" / "directory-instance"
    assert _mode(instance) == 0o700
    assert _mode(instance / "counterpart.sqlite3") == 0o600
    assert _mode(instance / "secret_key") == 0o600

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as output:
        server = subprocess.Popen(
            [str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "directory.wsgi:app"], stdout=output, stderr=subprocess.STDOUT, **run)
        try:
            _wait_for(base + "/login", server, log)
            _check_pages(base)
        finally:
            stop_process(server)


def _check_pages(base: str) -> None:
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    arabic = urllib.request.Request(base + "/login", headers={"Accept-Language": "ar"})
    login = browser.open(arabic, timeout=30).read().decode()
    assert 'dir="rtl"' in login and "كلمة المرور" in login  # translations are installed
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login).group(1)
    form = urllib.parse.urlencode({"email": "prosecutor@wheel.example", "password": PASSWORD,
                                   "csrf_token": token}).encode()
    with browser.open(base + "/login", data=form, timeout=30) as signed_in:
        assert signed_in.url == base + "/"  # redirected to the search page
        page = signed_in.read().decode()
    assert 'role="search"' in page and "Sign out" in page  # signed in
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheets
    for href in stylesheets:
        with browser.open(base + href, timeout=30) as css:
            assert css.status == 200 and css.read()
