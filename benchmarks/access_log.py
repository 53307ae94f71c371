"""The access log's cost: the same pages through gunicorn with the log and without it.

Every read of an entry, every listing and search page is logged (SPEC section 13); the rows
are written in bulk after the response has gone. This measures whether a page is slower for
it: an entry page, a search result page (20 entries) and an API listing page (50 entries),
alternating runs (and which goes first) with and without the log
(benchmarks/without_access_log.py) so that the load of the machine weighs on both alike.
Run alone: `python benchmarks/access_log.py`.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Browser, Instance, percentiles

PAGES = {
    "entry page": lambda rng, count: f"/contact-points/{rng.randint(1, count)}",
    "search page (20 results)": lambda rng, _count: f"/?q={rng.choice(['a', 'mo', 'ha', 'el'])}",
    "API listing (50 entries)": lambda rng, count:
        f"/api/v1/contact-points?page={rng.randint(1, max(1, count // 50))}",
}


def measure(instance: Instance, email: str, app: str, count: int, requests: int,
            seed: int) -> dict[str, list[float]]:
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in PAGES}
    with instance.server(workers=2, app=app) as base:
        browser = Browser(base, email)
        for _ in range(20):  # warm both workers
            browser.get("/login")
        for _ in range(requests):
            for name, path in PAGES.items():
                samples[name].append(browser.timed(path(rng, count)))
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    instance = Instance()
    instance.cli("init-db")
    email = instance.admin()
    instance.cli("demo-data", "--count", str(args.count), "--events", "0")
    modes = [("with the access log", "wsgi:app"),
             ("without", "benchmarks.without_access_log:app")]
    runs: dict[str, list] = {label: [] for label, _ in modes}
    for round_number in range(args.rounds):
        for label, app in modes if round_number % 2 == 0 else modes[::-1]:
            runs[label].append(measure(instance, email, app, args.count, args.requests,
                                       seed=round_number))
    print(f"{args.count} entries, {args.rounds} alternating rounds of {args.requests} "
          "requests per page and mode, gunicorn with 2 workers, SQLite")
    for name in PAGES:
        for label, rounds in runs.items():
            figures = percentiles([ms for samples in rounds for ms in samples[name]])
            print(f"{name:<26} {label:<20} p50 {figures['p50']:6.1f} ms  "
                  f"p95 {figures['p95']:6.1f} ms  (n={figures['n']})", flush=True)
    database = instance.env["COUNTERPART_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT count(*) FROM access_log").fetchone()[0]
    print(f"access log rows written: {rows}")


if __name__ == "__main__":
    main()
