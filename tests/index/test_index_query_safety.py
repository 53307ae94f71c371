"""User text never reaches Whoosh's query language, and long queries are refused."""

import pytest
from index_fixtures import make_doc

from index import QueryTooLong, SearchQuery


@pytest.fixture
def small(new_index):
    search_index = new_index()
    search_index.rebuild(
        [
            make_doc(1, given_name="Nadia", family_name="Network", notes="x marks the spot"),
            make_doc(2, given_name="Omar", family_name="Notes", networks=["carin"]),
            make_doc(3, given_name="Anna", family_name="Andor", organisation="Orion"),
        ],
        watermark=3,
    )
    return search_index


HOSTILE = [
    "notes:x",
    "network:y",
    "*",
    "a*",
    "AND OR (((",
    '"unclosed',
    "name:[a TO z]",
    "~2",
    "title:(x OR y)^5",
    "NOT",
    "-",
    "\\",
    "id:1",
    "%",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00",
    "ﷺ",
    "  ",
    "a" * 200,
    "𝓜𝓸𝓱𝓪𝓶𝓮𝓭",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_plain_words(small, text):
    result = small.search(SearchQuery(text=text))
    assert result.total >= 0
    assert all(isinstance(hit.id, int) for hit in result.hits)


def test_field_syntax_is_searched_as_words(small):
    # "notes:x" is the words "notes" and "x"; "x" is one letter, so only "notes" counts: it is
    # Omar Notes' family name, not a search of the notes field for "x".
    assert [hit.id for hit in small.search(SearchQuery(text="notes:x")).hits] == [2]
    # "network:y" finds Nadia Network by name, not entries in a network "y".
    assert [hit.id for hit in small.search(SearchQuery(text="network:y")).hits] == [1]


def test_operators_are_words(small):
    # "AND OR (((" is the words "and" and "or", the last one a prefix (as-you-type): nobody has
    # both, so entries matching some words come: Orion, by the prefix "or".
    assert [hit.id for hit in small.search(SearchQuery(text="AND OR (((")).hits] == [3]
    assert small.search(SearchQuery(text="AND XOR (((")).total == 0
    # "Anna AND Orion" requires the word "and": nobody has all three words, so entries are
    # ranked by how many words they match instead of erroring on the operator.
    assert small.search(SearchQuery(text="Anna AND Orion")).hits[0].id == 3


def test_a_text_without_words_lists_everything(small):
    # "*" and "(((" have no letters: the user sees the whole (filtered) directory.
    assert small.search(SearchQuery(text="*")).total == 3
    assert small.search(SearchQuery(text="(((", filters={"network": ["carin"]})).total == 1


def test_more_than_200_characters_is_refused_with_a_message(small):
    assert small.search(SearchQuery(text="a" * 200)).total == 0
    with pytest.raises(QueryTooLong, match="200 characters"):
        small.search(SearchQuery(text="a" * 201))
    with pytest.raises(QueryTooLong):
        small.search(SearchQuery(text="word " * 41))


def test_highlights_are_html_escaped(new_index):
    search_index = new_index()
    search_index.rebuild(
        [
            make_doc(
                1,
                given_name="<script>alert(1)</script>",
                family_name="Evil & Co",
                notes='He said "hello" <b>script</b>',
            )
        ],
        watermark=1,
    )
    hit = search_index.search(SearchQuery(text="script evil")).hits[0]
    assert hit.highlights["name"] == (
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; <mark>Evil</mark> &amp; Co"
    )
    assert "<b>" not in hit.highlights["notes"]
    assert "&lt;b&gt;<mark>script</mark>&lt;/b&gt;" in hit.highlights["notes"]


def test_suggest_returns_ids_and_the_total_without_facets(small):
    found = small.suggest(SearchQuery(text="Na", per_page=8))
    assert [hit.id for hit in found.hits] == [1]
    assert found.total == 1 and found.facets == {}
    assert small.suggest(SearchQuery(text="", per_page=8)).hits == []
    assert small.suggest(SearchQuery(text="*", per_page=8)).hits == []
