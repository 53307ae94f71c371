"""Does "Forgot your password?" answer as fast for an account that exists as for one that does
not? Requests alternate between existing accounts and invented addresses, one at a time,
through gunicorn (one sync worker: the work done after a response delays the next one, so a
difference in that work would show on the request that follows). Run alone:
`python benchmarks/password_reset.py`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import BIN, ROOT, Browser, Instance, percentiles

MAKE_USERS = """
from directory import create_app
from directory.services import commit, users
app = create_app()
with app.app_context():
    for number in range({count}):
        users.create_user(None, {{"email": f"known{{number}}@bench.example",
                                  "role": "prosecutor"}})
    commit()
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per kind of address")
    args = parser.parse_args()

    instance = Instance()
    instance.env["COUNTERPART_MAIL_DIR"] = str(instance.folder / "outbox")
    instance.cli("init-db")
    # One known account per request: each one really gets its mail (3 an hour per account).
    subprocess.run([str(BIN / "python"), "-c", MAKE_USERS.format(count=args.requests)],
                   env=instance.env, cwd=ROOT, check=True)
    samples: dict[str, list[float]] = {"existing account": [], "no such account": []}
    with instance.server(workers=1) as base:
        browser = Browser(base)
        for _ in range(20):
            browser.get("/password/forgot")
        for number in range(args.requests):
            for kind, email in (("existing account", f"known{number}@bench.example"),
                                ("no such account", f"invented{number}@bench.example")):
                token_page = browser.get("/password/forgot")
                token = token_page.split('name="csrf_token" type="hidden" value="')[1]
                token = token.split('"')[0]
                started = time.perf_counter()
                browser.opener.open(base + "/password/forgot", data=(
                    f"csrf_token={token}&email={email}").encode(), timeout=30).read()
                samples[kind].append((time.perf_counter() - started) * 1000)
    outbox = instance.folder / "outbox"
    mails = len(list(outbox.glob("*.eml"))) if outbox.is_dir() else 0
    print(f"{args.requests} requests per kind, alternating, gunicorn 1 sync worker, SQLite, "
          f"mail as .eml files ({mails} written)")
    for kind, values in samples.items():
        figures = percentiles(values)
        print(f"{kind:<18} p50 {figures['p50']:6.1f} ms  p95 {figures['p95']:6.1f} ms  "
              f"p99 {figures['p99']:6.1f} ms  (n={figures['n']})", flush=True)


if __name__ == "__main__":
    main()
