"""Directory core: demo-data at 10,000 entries, then entry pages and the listing API over HTTP.

Targets (issue 2): `counterpart demo-data --count 10000` under 60 s; an entry page and the
listing API under 50 ms at 10,000 entries. Run with `make bench` or `python benchmarks/core.py`.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Browser, Instance, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    instance = Instance()
    instance.cli("init-db")
    email = instance.admin()
    seconds, _ = instance.cli("demo-data", "--count", str(args.count))
    print(f"demo-data --count {args.count:<27} {seconds:7.1f} s", flush=True)

    rng = random.Random(7)
    with instance.server(workers=2) as base:
        browser = Browser(base, email)
        for _ in range(20):  # warm both workers
            browser.get("/login")
        report("GET /contact-points/{id} (page)",
               [browser.timed(f"/contact-points/{rng.randint(1, args.count)}")
                for _ in range(args.requests)])
        pages = max(1, args.count // 50)
        report("GET /api/v1/contact-points?page=N (50 a page)",
               [browser.timed(f"/api/v1/contact-points?page={rng.randint(1, pages)}")
                for _ in range(args.requests)])
        report("GET /api/v1/contact-points/{id}",
               [browser.timed(f"/api/v1/contact-points/{rng.randint(1, args.count)}")
                for _ in range(args.requests)])
        anonymous = Browser(base)
        report("GET /login (baseline, signed out)",
               [anonymous.timed("/login") for _ in range(args.requests)])


if __name__ == "__main__":
    main()
