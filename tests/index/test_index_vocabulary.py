"""Country, specialism and language names, found through the codes when the index is given the
vocabularies (SearchIndex(vocabulary_terms=...)) instead of indexing the labels per document;
and caches that survive edits."""

from collections import Counter
from datetime import date

import pytest
from index_fixtures import (
    NEAR_MISSES,
    SPELLINGS,
    TARGETS,
    facet_values,
    make_doc,
    passes,
    synthetic_population,
    vocabulary_terms,
)

from index import SearchIndex, SearchQuery

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def population():
    return TARGETS + NEAR_MISSES + synthetic_population(400)


@pytest.fixture(scope="module")
def with_vocabulary(tmp_path_factory, population):
    search_index = SearchIndex(
        str(tmp_path_factory.mktemp("vocabulary") / "ix"), vocabulary_terms=vocabulary_terms()
    )
    search_index.rebuild(population, watermark=1)
    yield search_index
    search_index.close()


def ids(search_index, text, **options):
    result = search_index.search(SearchQuery(text=text, per_page=1000, **options))
    assert result.total == len(result.hits)
    return {hit.id for hit in result.hits}


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Maroc", "country", "MA"),
        ("المغرب", "country", "MA"),
        ("Morocco", "country", "MA"),
        ("algerie", "country", "DZ"),
        ("traite", "specialisms", "thb"),
        ("asset recovery", "specialisms", "asset-recovery"),
        ("recouvrement des avoirs", "specialisms", "asset-recovery"),
        ("الاتجار بالبشر", "specialisms", "thb"),
        ("arabe", "languages", "ar"),
        ("Spanish", "languages", "es"),
        ("الفرنسية", "languages", "fr"),
    ],
)
def test_names_of_countries_matters_and_languages_find_exactly_their_entries(
    with_vocabulary, population, text, key, value
):
    expected = {
        d["id"] for d in population
        if (d[key] == value if key == "country" else value in d[key])
    }  # fmt: skip
    assert expected
    found = with_vocabulary.search(SearchQuery(text=text, per_page=1000)).hits
    # Every entry is found; others may come too ("Maroc" is one swap from the name "Marco",
    # "asset" is in "Asset Recovery Office"), never above a name match.
    assert expected <= {hit.id for hit in found}


def test_a_name_with_a_country_name_requires_both(with_vocabulary, population):
    expected = {d["id"] for d in population if d["family_name"] == "Tazi" and d["country"] == "MA"}
    assert expected
    assert ids(with_vocabulary, "Tazi Maroc") == expected


@pytest.mark.parametrize(("expected", "text"), SPELLINGS, ids=[t for _, t in SPELLINGS])
def test_relevance_is_the_same_with_vocabulary_terms(with_vocabulary, expected, text):
    hits = with_vocabulary.search(SearchQuery(text=text)).hits[:3]
    assert expected in [hit.id for hit in hits]


def test_an_index_built_with_labels_still_answers_country_names(new_index, tmp_path):
    docs = synthetic_population(60)
    new_index(tmp_path / "ix").rebuild(docs, watermark=1)  # labels indexed per document
    upgraded = new_index(tmp_path / "ix", vocabulary_terms=vocabulary_terms())
    expected = {d["id"] for d in docs if d["country"] == "TN"}
    assert ids(upgraded, "Tunisie") == expected
    # Entries written since then carry codes only; both kinds are found, and score alike.
    upgraded.apply([(2, 5000, make_doc(5000, given_name="Nadia", country="TN"))])
    assert ids(upgraded, "Tunisie") == expected | {5000}
    hits = upgraded.search(SearchQuery(text="Tunisie", per_page=100)).hits
    assert len({hit.score for hit in hits}) == 1


FILTER_CASES = [
    {},
    {"country": ["MA", "TN"]},
    {"country": ["MA"], "specialism": ["thb"]},
    {"verified": ["1"], "language": ["ar"]},
]


@pytest.mark.parametrize("vocabulary", [False, True])
def test_counts_facets_and_order_stay_true_after_edits(new_index, vocabulary):
    """Caches kept across edits (per segment) must see every edit and deletion."""
    options = {"vocabulary_terms": vocabulary_terms()} if vocabulary else {}
    search_index = new_index(**options)
    docs = {d["id"]: d for d in synthetic_population(300)}
    search_index.rebuild(list(docs.values()), watermark=1)

    def check():
        for filters in FILTER_CASES:
            for text in ("", "Magistrate", "Tunisie"):
                result = search_index.search(
                    SearchQuery(text=text, filters=filters, today=TODAY, sort="name",
                                per_page=1000)
                )  # fmt: skip
                matching = [
                    d for d in docs.values()
                    if not text or (text == "Magistrate" and d["title"] == text)
                    or (text == "Tunisie" and d["country"] == "TN")
                ]  # fmt: skip
                allowed = [d for d in matching if passes(d, filters)]
                assert result.total == len(allowed)
                assert {hit.id for hit in result.hits} == {d["id"] for d in allowed}
                for key in ("country", "specialism", "language", "verified"):
                    expected = Counter(
                        value for d in matching if passes(d, filters, skip=key)
                        for value in facet_values(d, key)
                    )  # fmt: skip
                    assert result.facets[key] == dict(expected), (filters, text, key)
        by_name = [hit.id for hit in search_index.search(
            SearchQuery(sort="name", per_page=1000)).hits]  # fmt: skip
        assert sorted(by_name) == sorted(docs)

    check()  # warms every cache
    seq = 1
    ids_in_order = sorted(docs)
    for step, doc_id in enumerate(ids_in_order[:12]):
        seq += 1
        if step % 3 == 0:
            search_index.apply([(seq, doc_id, None)])
            del docs[doc_id]
        else:
            changed = dict(docs[doc_id], country="MA" if step % 2 else "TN",
                           specialisms=["thb"], languages=["ar"], title="Magistrate",
                           last_verified_on=TODAY)  # fmt: skip
            changed["country_names"] = ""  # the app's labels are irrelevant with vocabulary
            if not vocabulary:
                from index_fixtures import COUNTRIES

                changed["country_names"] = COUNTRIES[changed["country"]]
            search_index.apply([(seq, doc_id, changed)])
            docs[doc_id] = changed
        if step % 4 == 3:
            check()
    seq += 1
    search_index.apply([(seq, 9000, make_doc(9000, given_name="Zineb", family_name="Amrani",
                                             country="MA", title="Magistrate"))])  # fmt: skip
    docs[9000] = make_doc(9000, given_name="Zineb", family_name="Amrani", country="MA",
                          title="Magistrate")  # fmt: skip
    check()


@pytest.fixture(scope="module")
def languages_and_countries(tmp_path_factory):
    """Speakers of Italian and Arabic elsewhere, and people in Italy and Syria who speak neither;
    the vocabulary has multi-word country labels holding the language's name, as the app's
    does ("Italian Republic", "République arabe syrienne")."""
    terms = vocabulary_terms()
    terms["country"].update({"Italian Republic": "IT", "Syria": "SY",
                             "République arabe syrienne": "SY"})  # fmt: skip
    search_index = SearchIndex(str(tmp_path_factory.mktemp("labels") / "ix"),
                               vocabulary_terms=terms)  # fmt: skip
    docs = [
        # Names sorting first, so that a tie broken by name would put them first.
        make_doc(1, given_name="Aldo", family_name="Abate", country="IT", languages=["en"]),
        make_doc(2, given_name="Bruna", family_name="Abbate", country="IT", languages=["fr"]),
        make_doc(3, given_name="Ahmad", family_name="Abbas", country="SY", languages=["en"]),
        make_doc(4, given_name="Zoe", family_name="Zorzi", country="FR", languages=["it"]),
        make_doc(5, given_name="Zaid", family_name="Zaki", country="MA", languages=["ar"]),
        make_doc(6, given_name="Zeno", family_name="Zanetti", country="IT", languages=["it"]),
        make_doc(7, given_name="Zita", family_name="Zeller", country="DE", languages=["it"]),
        make_doc(8, given_name="Zora", family_name="Zubak", country="ES", languages=["it", "en"]),
    ]
    search_index.rebuild(docs, watermark=1)
    yield search_index
    search_index.close()


def ordered(search_index, text):
    return [hit.id for hit in search_index.search(SearchQuery(text=text, per_page=50)).hits]


@pytest.mark.parametrize(
    ("text", "first", "then"),
    [
        # A language's name: its speakers first, then (if at all) people located in a country
        # whose longer name holds the word ("Italian Republic").
        ("Italian", {4, 6, 7, 8}, {1, 2}),
        ("italien", {4, 6, 7, 8}, set()),
        ("arabe", {5}, {3}),
        # A country's name: the people located there, and nobody else.
        ("Italie", {1, 2, 6}, set()),
        ("Italy", {1, 2, 6}, set()),
        ("Syria", {3}, set()),
    ],
)
def test_a_language_name_prefers_the_language_a_country_name_the_country(
    languages_and_countries, text, first, then
):
    ids = ordered(languages_and_countries, text)
    assert set(ids[: len(first)]) == first, ids
    assert set(ids[len(first) :]) == then, ids


def test_a_speaker_located_in_the_country_of_that_name_comes_first(languages_and_countries):
    assert ordered(languages_and_countries, "Italian")[0] == 6
