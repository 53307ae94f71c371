"""Browser tests: a real server process (live_server.py), Debian's Chromium driven by
pytest-playwright, and axe-core (vendor/).

Chromium is Debian's (`apt-get install chromium`; `.ci/run` does it), never a download of
Playwright's own. Without it the browser tests FAIL with a message saying so. On a developer's
machine, COUNTERPART_SKIP_BROWSER_TESTS=1 skips them instead; in CI (where CI is set) it is
ignored.

The server runs on SQLite, or on PostgreSQL in a schema of its own when
COUNTERPART_TEST_DATABASE_URL is set (`make test-postgres`).
"""

from __future__ import annotations

import os

import pytest
from live_server import CHROMIUM, CHROMIUM_ARGS, ServerFailed, running_server

SKIP_VARIABLE = "COUNTERPART_SKIP_BROWSER_TESTS"


@pytest.fixture(scope="session")
def chromium_executable():
    if os.environ.get(SKIP_VARIABLE) == "1" and not os.environ.get("CI"):
        pytest.skip(f"{SKIP_VARIABLE}=1: browser tests skipped on this machine")
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests use Debian's package: "
            f"run `apt-get install -y chromium` (`.ci/run` does it), never `playwright install`. "
            f"To skip them on a machine without it, set {SKIP_VARIABLE}=1 (ignored in CI).",
            pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_executable):
    return {**browser_type_launch_args, "executable_path": str(chromium_executable),
            "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, chromium_executable):
    try:
        with running_server(tmp_path_factory.mktemp("live-server")) as server:
            yield server
    except ServerFailed as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "accept_downloads": True}


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url
