"""Helpers of the job tests (imported by name: conftest modules of two folders clash)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest


def wait_until(condition, what: str, seconds: float = 90, log_path: str | None = None):
    """Poll `condition` until it holds; fail naming `what` (and the worker's log)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    details = Path(log_path).read_text()[-3000:] if log_path else ""
    pytest.fail(f"{what}: not within {seconds} s.\n{details}")
