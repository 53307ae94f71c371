"""Micro benchmark of the index layer alone (no HTTP): rebuild time and query latency.

    .venv/bin/python benchmarks/index_bench.py --sizes 10000 100000 [--procs 2] [--queries 600]

Documents come from tests/index/conftest.py (synthetic, invented people). The query mix is what
prosecutors do: full names, two words, one typo, 3-5-letter prefixes, country + specialism
filters (browse and "find a counterpart"). Prints rebuild time, the cost of the first search
after one edit, and p50/p95/p99 per kind and overall.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from index import SearchIndex, SearchQuery


def load_fixtures():
    spec = importlib.util.spec_from_file_location(
        "index_test_fixtures", os.path.join(ROOT, "tests", "index", "index_fixtures.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def typo(rng, word):
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def query_mix(fixtures, docs, rng, count):
    latin = [d for d in docs if d["family_name"]]
    kinds = []
    for n in range(count):
        doc = rng.choice(latin)
        choice = n % 6
        if choice == 0:
            kinds.append(("name", SearchQuery(text=f"{doc['given_name']} {doc['family_name']}")))
        elif choice == 1:
            kinds.append(("two words", SearchQuery(text=f"{doc['family_name']} {doc['city']}")))
        elif choice == 2:
            kinds.append(("typo", SearchQuery(text=typo(rng, doc["family_name"]))))
        elif choice == 3:
            word = rng.choice([doc["family_name"], doc["given_name"], doc["city"]])
            kinds.append(("prefix", SearchQuery(text=word[: rng.randint(3, 5)])))
        elif choice == 4:
            kinds.append(
                (
                    "filters",
                    SearchQuery(
                        filters={"country": [doc["country"]],
                                 "specialism": [rng.choice(sorted(fixtures.SPECIALISMS))]},
                        sort="name",
                    ),
                )
            )  # fmt: skip
        else:
            kinds.append(
                (
                    "counterpart",
                    SearchQuery(
                        filters={"country": [doc["country"]], "specialism": ["thb"]},
                        boost_networks=["emj", "eurojust"],
                        boost_languages=["fr"],
                    ),
                )
            )
    return kinds


def percentiles(samples):
    ordered = sorted(samples)

    def at(p):
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return at(50), at(95), at(99)


def run(size, procs, queries, seed=11):
    fixtures = load_fixtures()
    docs = fixtures.synthetic_population(size, seed=seed)
    workdir = tempfile.mkdtemp(prefix="index-bench-")
    try:
        search_index = SearchIndex(os.path.join(workdir, "ix"))
        started = time.perf_counter()
        search_index.rebuild(docs, watermark=size, procs=procs)
        build = time.perf_counter() - started
        print(f"\n== {size:,} documents: rebuild {build:.1f} s (procs={procs})")

        rng = random.Random(seed)
        mix = query_mix(fixtures, docs, rng, queries)
        for _kind, query in mix[:30]:  # warm the per-searcher caches, as a running worker has
            search_index.search(query)
        by_kind: dict[str, list[float]] = {}
        for kind, query in mix:
            started = time.perf_counter()
            search_index.search(query)
            by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        every = [t for times in by_kind.values() for t in times]
        print(f"{'kind':<12} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for kind, times in [*by_kind.items(), ("ALL", every)]:
            p50, p95, p99 = percentiles(times)
            print(f"{kind:<12} {len(times):>5} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}")

        edits = []
        for n in range(5):
            doc = dict(rng.choice(docs), given_name=f"Edited{n}")
            started = time.perf_counter()
            search_index.apply([(size + 1 + n, doc["id"], doc)])
            hits = search_index.search(SearchQuery(text=f"Edited{n}")).hits
            edits.append((time.perf_counter() - started) * 1000)
            assert hits and hits[0].id == doc["id"]
        first = search_index.search(SearchQuery(filters={"country": ["MA"]}))
        assert first.total > 0
        print(f"one edit applied and found: median {statistics.median(edits):.0f} ms "
              f"(apply + reopen + first query)")  # fmt: skip
        search_index.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--queries", type=int, default=600)
    arguments = parser.parse_args()
    for size in arguments.sizes:
        run(size, arguments.procs, arguments.queries)


if __name__ == "__main__":
    main()
