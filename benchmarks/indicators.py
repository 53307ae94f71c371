"""Benchmark of the direct-contacts indicators and of logging an initial contact.

    .venv/bin/python benchmarks/indicators.py [--events 1000000] [--posts 300] [--keep]

Builds a fresh SQLite database in a temporary instance folder (2,000 synthetic entries,
200 prosecutors, N events over three years inserted in bulk), then measures through the Flask
test client, i.e. the whole request path (routing, auth, SQL, JSON or Jinja):

- the API report, GET /api/v1/indicators, for a reporter (all events), a secretariat (its
  networks) and a prosecutor (own events), several breakdowns;
- the report page, GET /reports/indicators, which runs every breakdown and draws the charts;
- logging an initial contact, POST /api/v1/contact-events (p50 / p95 over --posts requests).

Targets (issue 5): API < 1 s, page < 1.5 s, logging p95 < 30 ms.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from directory import create_app, vocabulary
from directory.extensions import db
from directory.models import (
    ContactPoint,
    InitialContact,
    Membership,
    Network,
    User,
    utcnow,
)
from directory.services import commit, schema, users

PASSWORD = "benchmark password 2026"
COUNTRIES = ["MA", "DZ", "TN", "LY", "EG", "PS", "LB", "JO", "FR", "ES", "IT", "MT", "GR", "PT",
             "BE", "DE", "NL", "CY"]
MATTERS = {"A": ["thb", "som"], "B": ["freezing-confiscation", "asset-recovery",
                                      "financial-investigations", "cryptocurrencies"]}
NETWORKS_OF_PLAN = {"A": ["emj", "eurojust"], "B": ["carin", "eurojust"]}


def populate(entries: int, prosecutors: int, events: int, rng: random.Random) -> dict:
    started = time.perf_counter()
    networks = {n.slug: n.id for n in db.session.scalars(select(Network))}
    now = utcnow()
    db.session.execute(ContactPoint.__table__.insert(), [
        {"given_name": "Synthetic", "family_name": f"Counterpart {number}",
         "name_variants": [], "languages": ["fr"], "country": rng.choice(COUNTRIES),
         "urgent": False, "status": "active", "version": 1, "created_at": now,
         "updated_at": now, "last_verified_on": date.today()}
        for number in range(entries)])
    cps = list(db.session.execute(select(ContactPoint.id, ContactPoint.country)))
    memberships, entry_networks = [], {}
    for cp_id, _ in cps:
        slugs = rng.sample(sorted(networks), k=rng.choice([1, 1, 2, 3]))
        entry_networks[cp_id] = slugs
        memberships += [{"contact_point_id": cp_id, "network_id": networks[slug],
                         "role": "contact-point" if slug != "carin" else "judicial",
                         "external_id": f"{slug}-{cp_id}"} for slug in slugs]
    db.session.execute(Membership.__table__.insert(), memberships)
    # Prosecutors without a password (never signed in): hashing 200 passwords takes minutes.
    db.session.execute(User.__table__.insert(), [
        {"email": f"prosecutor{number}@bench.example", "name": "", "role": "prosecutor",
         "country": COUNTRIES[number % len(COUNTRIES)], "organisation": "Prosecutor General",
         "languages": [], "active": True, "session_epoch": 0, "created_at": now}
        for number in range(prosecutors)])
    people = list(db.session.execute(select(User.id, User.country, User.organisation)
                                     .where(User.role == "prosecutor")))
    db.session.commit()

    by_network: dict[str, list[tuple[int, str]]] = {}
    for cp_id, country in cps:
        for slug in entry_networks[cp_id]:
            by_network.setdefault(slug, []).append((cp_id, country))
    today = date.today()
    channels, purposes = list(vocabulary.CHANNELS), list(vocabulary.PURPOSES)
    rows = []
    for _ in range(events):
        plan = rng.choice("AB")
        network = rng.choice(NETWORKS_OF_PLAN[plan])
        cp_id, country = rng.choice(by_network[network])
        user_id, user_country, organisation = rng.choice(people)
        occurred = today - timedelta(days=rng.randint(0, 3 * 365))
        established = rng.random() < 0.6
        rows.append((user_id, cp_id, occurred, network, country, user_country, organisation,
                     plan, rng.choice(MATTERS[plan]), rng.choice(channels),
                     rng.choice(purposes), established,
                     min(today, occurred + timedelta(days=rng.randint(0, 10)))
                     if established else None, rng.random() < 0.03, now))
    rows.sort(key=lambda row: row[2])  # events arrive in time order
    rows = [(*row[:2], row[2].isoformat(), *row[3:12],
             row[12].isoformat() if row[12] else None, row[13], "Logged twice."
             if row[13] else None, row[14].isoformat(sep=" ")) for row in rows]
    generated = time.perf_counter()
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.execute("BEGIN")
        cursor.executemany(
            "INSERT INTO initial_contact (user_id, contact_point_id, occurred_on, network, "
            "counterpart_country, requesting_country, requesting_organisation, plan, matter, "
            "channel, purpose, established, established_on, voided, void_reason, created_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        cursor.execute("COMMIT")
        cursor.execute("PRAGMA cache_size=-2000")
    finally:
        connection.close()
    return {"entries": len(cps), "prosecutors": len(people), "events": events,
            "generate_s": generated - started, "insert_s": time.perf_counter() - generated,
            "prosecutor_ids": [p[0] for p in people], "cps": [c[0] for c in cps],
            "entry_networks": entry_networks}


def timed(call, runs: int) -> tuple[float, float, float]:
    """(first, median of the others, max of the others) in milliseconds."""
    samples = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    rest = samples[1:]
    return samples[0], statistics.median(rest), max(rest)


def sign_in(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 302, "sign-in failed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--prosecutors", type=int, default=200)
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary instance folder")
    options = parser.parse_args()

    instance = Path(tempfile.mkdtemp(prefix="counterpart-bench-"))
    app = create_app({"SECRET_KEY": "benchmark", "DATABASE_URL":
                      f"sqlite:///{instance / 'bench.sqlite3'}",
                      "INDEX_DIR": str(instance / "index")})
    rng = random.Random(20261127)
    try:
        with app.app_context():
            schema.init_db()
            facts = populate(options.entries, options.prosecutors, options.events, rng)
            reporter = users.create_user(None, {"email": "reporter@bench.example",
                                                "role": "reporter", "password": PASSWORD})
            secretariat = users.create_user(None, {"email": "carin@bench.example",
                                                   "role": "secretariat", "networks": ["carin"],
                                                   "password": PASSWORD})
            logger = users.create_user(None, {"email": "logger@bench.example",
                                              "role": "prosecutor", "country": "FR",
                                              "password": PASSWORD})
            tokens = {user.email: users.create_token(None, user)
                      for user in (reporter, secretariat, logger)}
            prosecutor = db.session.get(User, facts["prosecutor_ids"][0])
            tokens["prosecutor"] = users.create_token(None, prosecutor)
            commit()
            own_events = db.session.scalar(
                select(db.func.count(InitialContact.id))
                .where(InitialContact.user_id == prosecutor.id))
        print(f"Database: {instance / 'bench.sqlite3'}")
        print(f"Populated {facts['entries']:,} entries, {facts['prosecutors']} prosecutors, "
              f"{facts['events']:,} events: generated in {facts['generate_s']:.1f} s, "
              f"bulk-inserted in {facts['insert_s']:.1f} s")

        client = app.test_client()
        today = date.today()
        period = f"from={(today - timedelta(days=3 * 365)).isoformat()}&to={today.isoformat()}"
        year = f"from={today.year - 1}-01-01&to={today.year - 1}-12-31"

        def api_get(token: str, query: str):
            def call():
                response = client.get(f"/api/v1/indicators?{query}",
                                      headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200, response.get_data(as_text=True)
                return response
            return call

        first = api_get(tokens["reporter@bench.example"], period)().json
        print(f"Whole period: A-4.1 = {first['indicators']['A-4.1']['value']:,}, "
              f"B-4.1 = {first['indicators']['B-4.1']['value']:,}, "
              f"initiated = {first['totals']['initiated']:,}")
        print(f"\nGET /api/v1/indicators (ms: first, median of {options.runs}, max)"
              "   target < 1000")
        cases = [
            ("reporter, 3 years, by quarter", "reporter@bench.example", f"{period}&by=quarter"),
            ("reporter, 3 years, by month", "reporter@bench.example", f"{period}&by=month"),
            ("reporter, 3 years, by country", "reporter@bench.example", f"{period}&by=country"),
            ("reporter, 3 years, by matter", "reporter@bench.example", f"{period}&by=matter"),
            ("reporter, last year, by quarter", "reporter@bench.example", f"{year}&by=quarter"),
            ("secretariat (carin), 3 years", "carin@bench.example", f"{period}&by=network"),
            (f"prosecutor ({own_events:,} own events)", "prosecutor", f"{period}&by=quarter"),
        ]
        for label, who, query in cases:
            cold, median, worst = timed(api_get(tokens[who], query), options.runs)
            print(f"  {label:<42} {cold:7.0f} {median:7.0f} {worst:7.0f}")

        browser = app.test_client()
        sign_in(browser, "reporter@bench.example")
        print(f"\nGET /reports/indicators (ms: first, median of {options.runs}, max)   "
              "target < 1500")
        for label, query in (("reporter, 3 years, by quarter", f"{period}&by=quarter"),
                             ("reporter, 3 years, by month", f"{period}&by=month")):
            def page(query=query):
                response = browser.get(f"/reports/indicators?{query}")
                assert response.status_code == 200 and b"<svg" in response.data
            cold, median, worst = timed(page, options.runs)
            print(f"  {label:<42} {cold:7.0f} {median:7.0f} {worst:7.0f}")
        for label, path in (("CSV download", "/reports/indicators.csv"),
                            ("XLSX download", "/reports/indicators.xlsx")):
            def download(path=path):
                assert browser.get(f"{path}?{period}&by=month").status_code == 200
            cold, median, worst = timed(download, options.runs)
            print(f"  {label:<42} {cold:7.0f} {median:7.0f} {worst:7.0f}")

        print(f"\nPOST /api/v1/contact-events, {options.posts} requests   target p95 < 30 ms")
        headers = {"Authorization": f"Bearer {tokens['logger@bench.example']}"}
        samples = []
        cps = facts["cps"]
        for number in range(options.posts):
            cp_id = rng.choice(cps)
            payload = {"contact_point_id": cp_id, "network": facts["entry_networks"][cp_id][0],
                       "matter": "thb", "plan": "A", "channel": "email",
                       "purpose": "pre-mla-advice", "idempotency_key": f"bench-{number}"}
            started = time.perf_counter()
            response = client.post("/api/v1/contact-events", json=payload, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 201, response.get_data(as_text=True)
        samples.sort()
        p95 = samples[int(len(samples) * 0.95) - 1]
        print(f"  p50 {statistics.median(samples):.1f} ms   p95 {p95:.1f} ms   "
              f"max {samples[-1]:.1f} ms")
    finally:
        with app.app_context():
            db.engine.dispose()
        if options.keep:
            print(f"\nKept {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
