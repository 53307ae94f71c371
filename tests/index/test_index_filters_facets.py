"""Filters, facet counts, sorting, paging and "find a counterpart" boosts, checked against
counts computed directly from the documents."""

from collections import Counter
from datetime import date

import pytest
from index_fixtures import FACET_TODAY, facet_values, make_doc, passes

from index import SearchQuery

TODAY = FACET_TODAY


FILTER_CASES = [
    {},
    {"country": ["MA"]},
    {"country": ["MA", "TN"]},
    {"country": ["MA", "TN"], "specialism": ["thb"]},
    {"network": ["carin"], "language": ["ar", "fr"]},
    {"urgent": ["1"], "verified": ["1"]},
    {"kind": ["none", "aro"], "specialism": ["asset-recovery", "freezing-confiscation"]},
]


@pytest.mark.parametrize("filters", FILTER_CASES)
@pytest.mark.parametrize("text", ["", "Magistrate"])
def test_totals_and_facets_equal_counts_from_the_documents(populated, filters, text):
    search_index, docs = populated
    result = search_index.search(SearchQuery(text=text, filters=filters, today=TODAY))
    matching = [d for d in docs if not text or d["title"] == "Magistrate"]
    assert result.total == sum(1 for d in matching if passes(d, filters))
    for key in ("country", "network", "specialism", "language", "kind", "urgent", "verified"):
        # Each facet counts with the *other* filters applied (values of one filter are ORed).
        expected = Counter(
            value
            for d in matching
            if passes(d, filters, skip=key)
            for value in facet_values(d, key)
        )
        assert result.facets[key] == dict(expected), key


def test_filters_or_within_a_key_and_across_keys(populated):
    search_index, _docs = populated

    def ids(**filters):
        return {
            hit.id
            for hit in search_index.search(
                SearchQuery(filters=filters, per_page=1000, today=TODAY)
            ).hits
        }

    ma, tn = ids(country=["MA"]), ids(country=["TN"])
    assert ids(country=["MA", "TN"]) == ma | tn
    thb = ids(specialism=["thb"])
    assert ids(country=["MA"], specialism=["thb"]) == ma & thb
    assert ids(country=["ZZ"]) == set()


def test_archived_entries_are_never_returned(new_index):
    search_index = new_index()
    search_index.rebuild(
        [
            make_doc(1, given_name="Nadia", family_name="Saleh", status="archived"),
            make_doc(2, given_name="Nadia", family_name="Sabri"),
        ],
        watermark=2,
    )
    assert [hit.id for hit in search_index.search(SearchQuery(text="Nadia")).hits] == [2]
    search_index.apply([(3, 2, make_doc(2, given_name="Nadia", status="archived"))])
    assert search_index.search(SearchQuery(text="Nadia")).total == 0


@pytest.fixture
def sortable(new_index):
    search_index = new_index()
    search_index.rebuild(
        [
            make_doc(
                1,
                given_name="Zoé",
                family_name="Amrani",
                country="TN",
                last_verified_on=date(2024, 1, 1),
            ),
            make_doc(
                2,
                given_name="Ali",
                family_name="Ziani",
                country="DZ",
                last_verified_on=date(2025, 5, 1),
            ),
            make_doc(
                3, given_name="Marie", family_name="Élie", country="FR", last_verified_on=None
            ),
            make_doc(
                4,
                given_name="",
                family_name="",
                native_name="بناني",
                country="MA",
                last_verified_on=date(2023, 3, 3),
            ),
            make_doc(
                5,
                given_name="Omar",
                family_name="Berrada",
                country="MA",
                last_verified_on=date(2025, 5, 1),
            ),
        ],
        watermark=5,
    )
    return search_index


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", [1, 5, 3, 2, 4]),  # by family name, accents folded; Arabic after Latin
        ("country", [2, 3, 5, 4, 1]),  # DZ, FR, MA (by name), TN
        ("last_verified", [5, 2, 1, 4, 3]),  # newest first, ties by name, never verified last
        ("relevance", [1, 5, 3, 2, 4]),  # nothing to rank: by name
    ],
)
def test_sorts(sortable, sort, expected):
    assert [hit.id for hit in sortable.search(SearchQuery(sort=sort)).hits] == expected


def test_paging(sortable):
    pages = [
        [hit.id for hit in sortable.search(SearchQuery(sort="name", page=p, per_page=2)).hits]
        for p in (1, 2, 3, 4)
    ]
    assert pages == [[1, 5], [3, 2], [4], []]
    assert sortable.search(SearchQuery(sort="name", page=3, per_page=2)).total == 5


def test_paging_by_relevance_is_stable_and_complete(populated):
    search_index, docs = populated
    seen = []
    for page in range(1, 20):
        hits = search_index.search(SearchQuery(text="justice", page=page, per_page=25)).hits
        seen.extend(hit.id for hit in hits)
    assert len(seen) == len(set(seen)) == len(docs)


def test_find_a_counterpart_prefers_networks_and_languages(new_index):
    search_index = new_index()
    search_index.rebuild(
        [
            make_doc(
                1,
                given_name="Anna",
                family_name="Aa",
                networks=["carin"],
                languages=["it"],
                specialisms=["thb"],
            ),
            make_doc(
                2,
                given_name="Bruno",
                family_name="Bb",
                networks=["emj"],
                languages=["it"],
                specialisms=["thb"],
            ),
            make_doc(
                3,
                given_name="Carla",
                family_name="Cc",
                networks=["eurojust"],
                languages=["fr"],
                specialisms=["thb"],
            ),
            make_doc(
                4,
                given_name="Dario",
                family_name="Dd",
                networks=["carin"],
                languages=["fr"],
                specialisms=["thb"],
            ),
            make_doc(
                5,
                given_name="Elena",
                family_name="Ee",
                networks=["emj"],
                languages=["fr"],
                specialisms=["som"],
            ),
        ],
        watermark=5,
    )
    result = search_index.search(
        SearchQuery(
            filters={"country": ["MA"], "specialism": ["thb"]},
            boost_networks=["emj", "eurojust"],
            boost_languages=["fr"],
        )
    )
    # Preferred network and language first, then network only, then language only, then none.
    assert [hit.id for hit in result.hits] == [3, 2, 4, 1]
