"""Micro benchmark of the index layer alone (no HTTP): rebuild time and query latency.

    .venv/bin/python benchmarks/index_bench.py --sizes 10000 100000 [--procs 2] [--queries 600]
        [--data directory|simple] [--no-vocabulary] [--code PATH]

Documents come from tests/index/index_fixtures.py (invented people): ``directory`` (default)
has directory-like name diversity (hundreds of given and family names, a few very common),
``simple`` the 30 given and 20 family names of the tests. The index gets the vocabulary terms
the app passes (unless --no-vocabulary). The query mix is what prosecutors do: full names, two
words, one typo, 3-5-letter prefixes, a name with a country or matter word, country + specialism
filters (browse and "find a counterpart"). Prints rebuild time, p50/p95/p99 per kind and
overall, then the cost of one edit made searchable and of the next queries after it.

``--code PATH`` benchmarks the ``index`` package of another checkout (e.g. an older commit
exported with ``git archive``) on the same data, for before/after figures. The machine's load
average is printed: figures taken under load are not comparable.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if "--code" in sys.argv:
    sys.path.insert(0, os.path.abspath(sys.argv[sys.argv.index("--code") + 1]))
else:
    sys.path.insert(0, ROOT)

from index import SearchIndex, SearchQuery  # noqa: E402 - after --code chose the checkout


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
        choice = n % 7
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
        elif choice == 5:
            country = fixtures.COUNTRY_LABELS[doc["country"]]
            label = rng.choice([rng.choice(country), "traite", "asset recovery", "arabe"])
            kinds.append(("with label", SearchQuery(text=f"{doc['family_name']} {label}")))
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


def run(size, procs, queries, data="directory", vocabulary=True, seed=11):
    fixtures = load_fixtures()
    populate = (
        fixtures.directory_population if data == "directory" else fixtures.synthetic_population
    )
    docs = populate(size, seed=seed)
    workdir = tempfile.mkdtemp(prefix="index-bench-")
    try:
        options = {}
        if vocabulary and "vocabulary_terms" in inspect.signature(SearchIndex).parameters:
            options["vocabulary_terms"] = fixtures.vocabulary_terms()
        search_index = SearchIndex(os.path.join(workdir, "ix"), **options)
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), os.times()
        search_index.rebuild(docs, watermark=size, procs=procs)
        build = time.perf_counter() - started
        after = os.times()
        cpu_s = sum(after[:4]) - sum(cpu[:4])  # user + system, this process and its workers
        print(
            f"\n== {size:,} documents ({data} data, vocabulary terms: {bool(options)}): "
            f"rebuild {build:.1f} s, CPU {cpu_s:.1f} s (procs={procs}; load average before "
            f"{load:.1f})"
        )

        rng = random.Random(seed)
        mix = query_mix(fixtures, docs, rng, queries)
        started = time.perf_counter()
        search_index.search(mix[0][1])
        print(f"first search after opening: {(time.perf_counter() - started) * 1000:.0f} ms")
        for _kind, query in mix[:30]:  # warm the caches, as a running worker has
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

        # One edit, then: is it found (apply + reopen + first query), and what do the next
        # queries cost (caches rebuilt or kept)?
        after_edit = [
            ("browse", lambda _n: SearchQuery(filters={"country": ["MA"]})),
            ("filters", lambda _n: SearchQuery(filters={"country": ["TN"], "specialism": ["thb"]},
                                               sort="name")),
            ("name", lambda n: SearchQuery(text=f"{mix[n][1].text or 'Bennani'}")),
            ("prefix", lambda _n: SearchQuery(text="Ben")),
        ]  # fmt: skip
        edits, next_queries = [], {kind: [] for kind, _ in after_edit}
        for n in range(7):
            doc = dict(rng.choice(docs), given_name=f"Edited{n}", status="active")
            started = time.perf_counter()
            search_index.apply([(size + 1 + n, doc["id"], doc)])
            hits = search_index.search(SearchQuery(text=f"Edited{n}")).hits
            edits.append((time.perf_counter() - started) * 1000)
            assert hits and hits[0].id == doc["id"]
            for kind, make in after_edit:
                started = time.perf_counter()
                search_index.search(make(n))
                next_queries[kind].append((time.perf_counter() - started) * 1000)
        first = search_index.search(SearchQuery(filters={"country": ["MA"]}))
        assert first.total > 0
        print(f"one edit applied and found: median {statistics.median(edits):.0f} ms "
              f"(apply + reopen + first query)")  # fmt: skip
        print(
            "next query after an edit, median ms: "
            + ", ".join(
                f"{kind} {statistics.median(times):.1f}" for kind, times in next_queries.items()
            )
        )
        search_index.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--queries", type=int, default=700)
    parser.add_argument("--data", choices=("directory", "simple"), default="directory")
    parser.add_argument("--no-vocabulary", dest="vocabulary", action="store_false")
    parser.add_argument("--code", help="directory holding the index package to measure")
    arguments = parser.parse_args()
    for size in arguments.sizes:
        run(size, arguments.procs, arguments.queries, arguments.data, arguments.vocabulary)


if __name__ == "__main__":
    main()
