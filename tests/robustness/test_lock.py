"""requirements.lock pins every runtime dependency that pyproject.toml declares.

A dependency added to pyproject.toml without `make lock` installs in a developer's editable
virtual environment but not in a deployment (`pip install --require-hashes -r requirements.lock`
then the wheel with --no-deps): this says so in a second rather than in the slow wheel test.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def test_the_lock_file_pins_every_runtime_dependency_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(line).name) for line in project["dependencies"]}
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {canonicalize_name(name)
              for name in re.findall(r"^([A-Za-z0-9_.\-]+)==\S+ \\$", lock, re.MULTILINE)}

    assert declared - pinned == set(), "run `make lock`: requirements.lock misses these"
    for block in re.split(r"\n(?=[A-Za-z0-9])", lock.split("\n\n", 1)[-1]):
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]
