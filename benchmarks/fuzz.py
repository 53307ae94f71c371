"""The API fuzzed from its own OpenAPI document (issue 14): schemathesis against a real
gunicorn, signed in with an admin's API token, every operation, a fixed number of examples and
a fixed seed, so a run is repeatable and bounded. It fails on any 500 and on any answer the
document does not describe (status, content type, body schema).

    python benchmarks/fuzz.py [--examples 25] [--seed 2026] [--database postgresql://...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BIN, Instance

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=25, help="examples per operation")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--timeout", type=int, default=900, help="seconds for the whole run")
    options = parser.parse_args()
    with Instance.fresh(options.database) as instance:
        instance.cli("init-db")
        email = instance.admin()
        instance.cli("demo-data", "--count", "40", "--events", "40")
        token = instance.cli("create-token", email)[1].strip()
        with instance.server(workers=2, threads=2) as base:
            command = [
                str(BIN / "schemathesis"), "run", f"{base}/api/v1/openapi.json",
                "--url", f"{base}/api/v1", "--header", f"Authorization: Bearer {token}",
                "--checks", CHECKS, "--max-examples", str(options.examples),
                "--seed", str(options.seed),
                "--workers", "1",
                "--request-timeout", "60", "--no-color", "--output-truncate", "false",
                "--phases", "examples,coverage,fuzzing",
            ]
            try:
                done = subprocess.run(command, timeout=options.timeout, check=False)
            except subprocess.TimeoutExpired:
                print(f"schemathesis did not finish within {options.timeout} s", flush=True)
                return 1
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
