"""Search (issue 3): a full reindex, then a realistic query mix over HTTP with 2 gunicorn workers.

For each size: `counterpart demo-data --count N --events 0` into a fresh SQLite instance, a timed
`counterpart reindex`, then through gunicorn (2 workers, 127.0.0.1) a mix of searches on
`/api/v1/search` and `/api/v1/find` (names in Latin and Arabic script, two words, typos,
3-5-letter prefixes, country and specialism filters, find a counterpart), signed in, and the
signed-out `/login` page in the same run as the baseline.

Targets: at 10,000 entries p50 < 15 ms and p95 < 60 ms; at 100,000 p95 < 150 ms; a full
reindex of 100,000 in < 90 s; the search API's p50 no more than 3x the /login p50.

    python benchmarks/search.py --sizes 10000 100000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Browser, Instance, report

# Drawn from the demo data's vocabulary (directory/services/demo.py), so queries find people.
LATIN_NAMES = ["Mohamed", "Mohammed", "Muhammad", "Youssef", "Youcef", "Yusuf", "Abdelkader",
               "Abd El Kader", "Khaled", "Khalid", "Fatima", "Karim", "Leila", "Benali",
               "Ben Ali", "El Idrissi", "Al-Idrisi", "Haddad", "Mansouri", "Chaabane", "Garcia",
               "Müller", "jose", "Papadopoulou", "Rossi"]
ARABIC_NAMES = ["محمد", "يوسف", "عبد القادر", "خالد", "فاطمة", "بن علي", "الإدريسي", "حداد",
                "المنصوري", "محمد بن علي"]
TWO_WORDS = ["Mohamed Benali", "Youssef El Idrissi", "Karim Haddad", "Fatima Mansouri",
             "Leila Khoury", "Omar Saidi", "Marie Dupont", "Giulia Rossi", "Hassan Toumi",
             "Nadia Bouzid"]
TYPOS = ["Mohamd", "Yousef", "Hadad", "Idrisi", "Khaeld", "Mansuori", "Benalli", "Abdelkadr",
         "Chabane", "Papadopulou"]
PREFIXES = ["Moh", "Yous", "Hadd", "Bena", "Kha", "Mans", "Fati", "Sli", "Abde", "Rach",
            "مح", "يوس"]
COUNTRIES = ["MA", "DZ", "TN", "EG", "LB", "JO", "FR", "ES", "IT", "GR"]
SPECIALISMS = ["thb", "som", "mla", "asset-recovery", "freezing-confiscation", "cybercrime"]


def query_mix(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(kind, path) pairs in a realistic proportion, shuffled."""
    def search(**params) -> str:
        return "/api/v1/search?" + urllib.parse.urlencode(params, doseq=True)

    makers = [
        (5, "name (Latin)", lambda: search(q=rng.choice(LATIN_NAMES))),
        (3, "name (Arabic)", lambda: search(q=rng.choice(ARABIC_NAMES))),
        (3, "two words", lambda: search(q=rng.choice(TWO_WORDS))),
        (2, "typo", lambda: search(q=rng.choice(TYPOS))),
        (3, "prefix 2-5 letters", lambda: search(q=rng.choice(PREFIXES))),
        (2, "name + country", lambda: search(q=rng.choice(LATIN_NAMES),
                                             country=rng.choice(COUNTRIES))),
        (2, "country + specialism", lambda: search(country=rng.choice(COUNTRIES),
                                                   specialism=rng.choice(SPECIALISMS))),
        (1, "browse, sorted by name", lambda: search(sort="name", page=rng.randint(1, 5))),
        (2, "find a counterpart", lambda: "/api/v1/find?" + urllib.parse.urlencode(
            {"country": rng.choice(COUNTRIES), "matter": rng.choice(SPECIALISMS)})),
    ]
    weights = [weight for weight, _, _ in makers]
    chosen = rng.choices(makers, weights=weights, k=count)
    return [(kind, make()) for _, kind, make in chosen]


def run(size: int, requests: int, workers: int) -> dict[str, float]:
    print(f"\n== {size:,} entries ==", flush=True)
    instance = Instance()
    instance.cli("init-db")
    email = instance.admin()
    seconds, _ = instance.cli("demo-data", "--count", str(size), "--events", "0")
    print(f"{'demo-data --count ' + str(size) + ' --events 0':<44} {seconds:7.1f} s", flush=True)
    _, token = instance.cli("create-token", email)
    reindex, output = instance.cli("reindex")
    print(f"{'counterpart reindex':<44} {reindex:7.1f} s   ({output.strip()})", flush=True)

    rng = random.Random(size)
    figures: dict[str, float] = {"reindex_s": reindex}
    with instance.server(workers=workers) as base:
        browser = Browser(base, email)
        anonymous = Browser(base)
        # Warm both workers: searchers opened, caches of the common filters filled.
        for _, path in query_mix(random.Random(1), 60):
            browser.get(path)
        for _ in range(20):
            anonymous.get("/login")
        by_kind: dict[str, list[float]] = {}
        everything: list[float] = []
        logins: list[float] = []
        for index, (kind, path) in enumerate(query_mix(rng, requests)):
            elapsed = browser.timed(path)
            by_kind.setdefault(kind, []).append(elapsed)
            everything.append(elapsed)
            if index % 2 == 0:  # the baseline interleaved, so both see the same machine
                logins.append(anonymous.timed("/login"))
        for kind, samples in by_kind.items():
            report(f"  {kind}", samples)
        mix = report("search mix (/api/v1/search + /find)", everything)
        login = report("GET /login (baseline, signed out)", logins)

        # One edit made searchable: PATCH, then the first search that finds the new name.
        edits = []
        for number in range(20):
            name = f"Zqedit{chr(97 + number % 26)}{chr(97 + number // 26)}x"
            started = time.perf_counter()
            _patch(base, token.strip(), number + 1, {"family_name": name})
            while '"total":0' in browser.get("/api/v1/search?q=" + name).replace(" ", ""):
                pass
            edits.append((time.perf_counter() - started) * 1000)
        report("one edit made searchable (PATCH + search)", edits)

    ratio = mix["p50"] / login["p50"] if login["p50"] else float("inf")
    figures.update(p50=mix["p50"], p95=mix["p95"], p99=mix["p99"], login_p50=login["p50"],
                   ratio=ratio)
    print(f"{'search p50 / login p50':<44} {ratio:7.2f} x", flush=True)
    return figures


def _patch(base: str, token: str, contact_point_id: int, body: dict) -> None:
    request = urllib.request.Request(
        f"{base}/api/v1/contact-points/{contact_point_id}", data=json.dumps(body).encode(),
        method="PATCH", headers={"Content-Type": "application/json",
                                 "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def verdict(size: int, figures: dict[str, float]) -> list[str]:
    lines = []

    def check(label: str, value: float, limit: float, unit: str) -> None:
        mark = "ok  " if value < limit else "MISS"
        lines.append(f"  [{mark}] {label}: {value:.1f} {unit} (target < {limit:g} {unit})")

    if size == 10_000:
        check("p50 at 10,000", figures["p50"], 15, "ms")
        check("p95 at 10,000", figures["p95"], 60, "ms")
    if size == 100_000:
        check("p95 at 100,000", figures["p95"], 150, "ms")
        check("reindex of 100,000", figures["reindex_s"], 90, "s")
    mark = "ok  " if figures["ratio"] <= 3 else "MISS"
    lines.append(f"  [{mark}] search p50 / login p50 at {size:,}: {figures['ratio']:.2f}x "
                 f"(target <= 3x)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    results = {size: run(size, args.requests, args.workers) for size in args.sizes}
    print("\nTargets (issue 3):")
    for size, figures in results.items():
        print("\n".join(verdict(size, figures)))


if __name__ == "__main__":
    main()
