"""`imports` and `index` stand on their own: importing them loads neither Flask nor the database
layer, so a script (or another service) can read a network's list or query an index without the
web application."""

import subprocess
import sys

import pytest

PROBE = """
import sys
import {package}
loaded = sorted(name for name in ("flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy",
                                  "directory.extensions", "directory.services")
                if name in sys.modules)
print(",".join(loaded))
"""


@pytest.mark.parametrize("package", ["imports", "imports.plan", "index", "directory.vocabulary"])
def test_importing_loads_no_web_framework(package):
    finished = subprocess.run([sys.executable, "-c", PROBE.format(package=package)],
                              capture_output=True, text=True, check=False, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "", f"{package} loads {finished.stdout.strip()}"


def test_the_app_factory_is_still_importable_from_the_package():
    finished = subprocess.run(
        [sys.executable, "-c", "from directory import create_app; print(create_app.__name__)"],
        capture_output=True, text=True, check=False, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "create_app"
