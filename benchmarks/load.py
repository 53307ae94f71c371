"""Load on loopback (issue 14): 8 clients for 60 s against gunicorn, mixing searches, entry
reads and initial contacts logged through the API, with a list imported (`counterpart
import`) while they run. Ends non-zero on any error: a refused request, a 5xx, a 4xx where
none is due, a connection failure.

With `--restart-postgres` (a PostgreSQL `--database` only), the PostgreSQL cluster serving that
database is restarted half-way (`pg_ctlcluster --skip-systemctl-redirect VERSION NAME
restart`): the requests in flight while it restarts may fail, every request that starts after
it is back must succeed (the pool pings its connections before use), and the run must go on
serving. The restart interrupts every other user of that cluster for a second or two: CI
does it; on a shared machine run it against a cluster of your own.

    python benchmarks/load.py [--seconds 60] [--clients 8] [--database postgresql://...]
                              [--restart-postgres]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, Instance, percentiles

SAMPLE_LIST = ROOT / "tests" / "data" / "emj_directory.csv"
WORDS = ["Bennani", "Mohamed", "محمد", "Haddad", "Amina", "Tunis", "Rabat", "Ben", "Moh",
         "prosecutor", "Mansouri", "Khaled", "Alger", "El Amrani", "Trabelsi"]
FILTERS = [{}, {"country": "MA"}, {"specialism": "thb"}, {"country": "TN", "network": "emj"},
           {"urgent": "1"}, {"verified": "1"}]
MATTERS = ["thb", "som", "mla", "extradition", "asset-recovery"]  # logged under plan A


@dataclass
class Outcome:
    """What one request did: its kind, when it started and ended, and any error."""

    kind: str
    started: float
    ended: float
    error: str | None = None


@dataclass
class Run:
    base: str
    token: str
    entries: list[int]
    deadline: float
    outcomes: list[Outcome] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)


def _request(run: Run, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(run.base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {run.token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _one(run: Run, rng: random.Random, client: int) -> tuple[str, str | None]:
    """One request of the mix; returns its kind and an error, if any."""
    roll = rng.random()
    if roll < 0.5:
        query = {"q": rng.choice(WORDS), **rng.choice(FILTERS)}
        status, body = _request(run, "GET", "/api/v1/search?" + urllib.parse.urlencode(query))
        kind, expected = "search", (200,)
    elif roll < 0.85:
        entry = rng.choice(run.entries)
        status, body = _request(run, "GET", f"/api/v1/contact-points/{entry}")
        kind, expected = "entry read", (200,)
    else:
        # As a person does: open the entry, then log the contact through one of its networks.
        entry = rng.choice(run.entries)
        status, body = _request(run, "GET", f"/api/v1/contact-points/{entry}")
        if status != 200:
            return "contact logged", f"entry read before logging: {status} {body[:200]!r}"
        payload = {"contact_point_id": entry, "matter": rng.choice(MATTERS), "plan": "A",
                   "network": json.loads(body)["memberships"][0]["network"],
                   "channel": "email", "purpose": "pre-mla-advice",
                   "idempotency_key": f"load-{client}-{time.monotonic_ns()}"}
        status, body = _request(run, "POST", "/api/v1/contact-events", payload)
        kind, expected = "contact logged", (201,)
    if status not in expected:
        return kind, f"{kind}: {status} {body[:200]!r}"
    return kind, None


def _client(run: Run, client: int, seed: int) -> None:
    rng = random.Random(seed * 100 + client)
    while time.monotonic() < run.deadline:
        started = time.monotonic()
        try:
            kind, error = _one(run, rng, client)
        except OSError as problem:  # refused, reset, timed out
            kind, error = "request", f"connection: {problem}"
        run.record(Outcome(kind, started, time.monotonic(), error))


def _import_list(run: Run, instance: Instance, email: str, delay: float) -> None:
    time.sleep(delay)
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "counterpart"), "import", str(SAMPLE_LIST),
         "--network", "emj", "--as", email], env=instance.env, cwd=ROOT,
        capture_output=True, text=True, timeout=300, check=False)
    error = None if done.returncode == 0 else f"import: {done.stderr.strip()[:300]}"
    run.record(Outcome("import", started, time.monotonic(), error))


def _cluster_of(database: str) -> tuple[str, str]:
    """The (version, name) of the local PostgreSQL cluster listening on the URL's port."""
    port = str(urllib.parse.urlsplit(database).port or 5432)
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True,
                             check=True).stdout
    for line in listing.splitlines():
        version, name, cluster_port = line.split()[:3]
        if cluster_port == port:
            return version, name
    raise SystemExit(f"no local PostgreSQL cluster listens on port {port}")


def _restart_postgres(database: str, delay: float, window: list[float]) -> None:
    version, name = _cluster_of(database)
    time.sleep(delay)
    window.append(time.monotonic())
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"],
                   check=True, timeout=120)
    window.append(time.monotonic())
    print(f"PostgreSQL {version}/{name} restarted in {window[1] - window[0]:.1f} s", flush=True)


def _verdict(run: Run, restart: list[float], seconds: float, clients: int) -> int:
    done = [outcome for outcome in run.outcomes if outcome.kind != "import"]
    errors = [outcome for outcome in run.outcomes if outcome.error]
    forgiven = []
    if restart:
        # In flight during the restart: started before PostgreSQL was back.
        forgiven = [outcome for outcome in errors
                    if outcome.started <= restart[1] and outcome.ended >= restart[0]]
        after = [outcome for outcome in done if outcome.started > restart[1]]
        print(f"Requests in flight during the restart that failed: {len(forgiven)}; "
              f"requests after it: {len(after)}, of which failed: "
              f"{sum(1 for outcome in after if outcome.error)}")
        if not [outcome for outcome in after if not outcome.error]:
            errors.append(Outcome("restart", 0, 0, "no request succeeded after the restart"))
        if len(forgiven) > clients + 1:  # each client's request, and the import
            errors.append(Outcome("restart", 0, 0, f"{len(forgiven)} requests failed during "
                                  f"the restart: more than the {clients + 1} in flight"))
    for kind in sorted({outcome.kind for outcome in done}):
        samples = [(outcome.ended - outcome.started) * 1000 for outcome in done
                   if outcome.kind == kind and not outcome.error]
        if samples:
            figures = percentiles(samples)
            print(f"{kind:<16} {figures['n']:>6} ok   p50 {figures['p50']:7.1f} ms   "
                  f"p95 {figures['p95']:7.1f} ms   p99 {figures['p99']:7.1f} ms")
    print(f"{len(done)} requests in {seconds:.0f} s ({len(done) / seconds:.0f}/s), "
          f"{len(errors)} errors ({len(forgiven)} during the restart)")
    unforgiven = [outcome for outcome in errors if outcome not in forgiven]
    for outcome in unforgiven[:20]:
        print("  error:", outcome.error)
    return 1 if unforgiven else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--restart-postgres", action="store_true",
                        help="restart the PostgreSQL cluster of --database half-way")
    parser.add_argument("--seed", type=int, default=14)
    options = parser.parse_args()
    if options.restart_postgres and not options.database:
        parser.error("--restart-postgres needs a PostgreSQL --database")
    with Instance.fresh(options.database) as instance:
        instance.cli("init-db")
        email = instance.admin()
        instance.cli("demo-data", "--count", str(options.entries), "--events", "200")
        token = instance.cli("create-token", email)[1].strip()
        log = instance.folder / "gunicorn.log"
        with instance.server(workers=2, threads=4, log=log) as base:
            run = Run(base, token, list(range(1, options.entries + 1)),
                      time.monotonic() + options.seconds)
            print(f"{options.clients} clients for {options.seconds:.0f} s against {base} "
                  f"({'PostgreSQL' if options.database else 'SQLite'}, "
                  f"{options.entries} entries)", flush=True)
            workers = [threading.Thread(target=_client, args=(run, n, options.seed))
                       for n in range(options.clients)]
            workers.append(threading.Thread(target=_import_list,
                                            args=(run, instance, email, options.seconds / 4)))
            restart: list[float] = []
            if options.restart_postgres:
                workers.append(threading.Thread(target=_restart_postgres, args=(
                    options.database, options.seconds / 2, restart)))
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
        verdict = _verdict(run, restart, options.seconds, options.clients)
        if verdict:
            print("The server's log ends with:\n" + "\n".join(
                log.read_text(errors="replace").splitlines()[-40:]))
    return verdict


if __name__ == "__main__":
    sys.exit(main())
