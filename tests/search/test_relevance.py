"""Relevance through GET /api/v1/search over ~310 entries made through the service.

Each spelling of issue 3 brings the intended person into the first three results, among fillers
full of near misses (Mahmoud, Yousra, Drissi, Bennani, Khalil...).
"""

from __future__ import annotations

import pytest
from search_support import TARGETS
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import ContactPoint, Specialism

SPELLINGS = [
    # Both scripts in the entry.
    ("mohamed", "Mohamed"), ("mohamed", "Mohammed"), ("mohamed", "محمد"),
    ("mohamed", "Mohamed Lahlou"), ("mohamed", "Mohammed Lahlou"), ("mohamed", "Muhammad Lahlou"),
    ("mohamed", "محمد لحلو"),
    # Arabic script only in the entry.
    ("youssef", "Youssef"), ("youssef", "Youcef"), ("youssef", "Yusuf"), ("youssef", "يوسف"),
    # Latin only in the entry.
    ("abdelkader", "Abdelkader"), ("abdelkader", "Abd El Kader"), ("abdelkader", "Abdulqadir"),
    ("abdelkader", "عبد القادر"), ("abdelkader", "Abd El Kader Kaddouri"),
    ("idrissi", "El Idrissi"), ("idrissi", "Al-Idrisi"), ("idrissi", "الإدريسي"),
    ("idrissi", "Nabil Al-Idrisi"),
    ("benali", "Benali"), ("benali", "Ben Ali"), ("benali", "Bin Ali"), ("benali", "بن علي"),
    ("benali", "Sami Bin Ali"),
    # Arabic script only.
    ("khaled", "Khaled"), ("khaled", "خالد"), ("khaled", "Khaled Amrani"),
]

# Formerly INDEX BUGs (fixed in index/): they stay here so the suite says if they come back.
INDEX_BUGS = [
    # "Muhammad" and "Mahmoud"/"محمود" share the cross-script key (m-h-m-d), and Muhammad is 3
    # edits from Mohamed: the spelling closest to the query's must win among key-only matches.
    ("mohamed", "Muhammad"),
    # A typo-match of another name (Khalid -> Khalil, one edit) must not outrank the
    # cross-script key match of the right name (خالد): exact > key > typo.
    ("khaled", "Khalid"),
]


# Issue 13, item 11: vowels and consonants that Maghreb (French) and Mashreq (English)
# transliterations write differently, doubled letters, and names split or joined; among
# fillers such as Fatima Belkacem, Jaber, Khoury and Chaabane.
VARIANT_SPELLINGS = [
    ("zeineb", "Zaynab Belhadj"), ("zeineb", "Zainab Bel Haj"), ("zeineb", "Zeinab"),  # ei/ay/ai
    ("noureddine", "Noureddine Belkacem"), ("noureddine", "Nour-Eddine Bel Kacem"),  # joined
    ("noureddine", "Nourredine Belqacem"), ("noureddine", "Nureddin Belkassem"),  # q/k, c/ss
    ("djamila", "Jamila Hajjaj"), ("djamila", "Gamila Haggag"), ("djamila", "Djamila Hadjaj"),
    ("cherif", "Sherif Ouaddahi"), ("cherif", "Shareef Waddahi"), ("cherif", "Cherif Wadahi"),
    ("khadija", "Khadija Ksiri"), ("khadija", "Hadija"), ("khadija", "Khadidja El Qasiri"),
]


def top_keys(reader, ids, query, n=3):
    names = {value: key for key, value in ids.items()}
    results = reader.search(q=query)["results"]
    return [names.get(result["id"], result["id"]) for result in results[:n]]


@pytest.mark.parametrize(("key", "query"), SPELLINGS + INDEX_BUGS + VARIANT_SPELLINGS)
def test_each_spelling_brings_the_person_into_the_top_three(directory, reader, key, query):
    _, ids, _ = directory
    assert key in top_keys(reader, ids, query), query


@pytest.mark.parametrize(("key", "query"), [
    ("abdelkader", "عبد القادر قدوري"),  # Latin-only entry, Arabic query
    ("benali", "سامي بن علي"),
    ("youssef", "Youssef"),  # Arabic-only entry, Latin query
    ("khaled", "Khaled"),
])
def test_cross_script_finds_entries_written_in_one_script_only(directory, reader, key, query):
    _, ids, _ = directory
    assert top_keys(reader, ids, query, 1) == [key]


@pytest.mark.parametrize(("key", "query"), [
    ("jose", "jose"), ("jose", "JOSE ALVAREZ"), ("jose", "alvarez"),
    ("muller", "muller"), ("muller", "MULLER"), ("muller", "Müller"),
])
def test_case_and_accents_are_folded(directory, reader, key, query):
    _, ids, _ = directory
    assert top_keys(reader, ids, query, 1) == [key]


@pytest.mark.parametrize(("key", "query"), [
    ("olfa", "Olfe"),           # 4 letters, one substitution
    ("olfa", "Olf"),            # ... and as-you-type, the prefix of the last word
    ("mohamed", "Lahlau"),      # 6 letters, one edit
    ("mohamed", "Lahluo"),      # two neighbours swapped count as one edit
    ("olfa", "Ziotuni"),        # a swap in the middle
    ("abdelkader", "Kadduori"),  # 8 letters: a swap and ...
    ("abdelkader", "Kaddurii"),  # ... two edits
    ("idrissi", "Idrisssi"),
])
def test_typos_are_forgiven(directory, reader, key, query):
    _, ids, _ = directory
    assert key in top_keys(reader, ids, query), query


def test_too_many_edits_are_not_forgiven(reader):
    # 4 letters allow one edit, not two; 7 letters one, not two. (Vowels alone are not
    # enough: "Ulfe" finds Olfa through the cross-script key, which ignores vowels.)
    assert reader.search(q="Otfe")["total"] == 0
    assert reader.search(q="Zitoupa")["total"] == 0


@pytest.mark.parametrize(("key", "query"), [
    ("mohamed", "Lahl"), ("mohamed", "Mohamed Lah"), ("idrissi", "Nabil El Idr"),
    ("olfa", "Zito"), ("mohamed", "محمد لح"),
])
def test_last_word_is_a_prefix(directory, reader, key, query):
    _, ids, _ = directory
    assert key in top_keys(reader, ids, query), query


@pytest.mark.parametrize(("key", "query"), [
    ("abdelkader", "Abd el ka"), ("noureddine", "Nour Ed"), ("noureddine", "Nour Eddine Bel K"),
])
def test_a_name_typed_in_parts_finds_it_written_as_one(directory, reader, key, query):
    _, ids, _ = directory
    assert top_keys(reader, ids, query, 1) == [key], query


def test_a_common_name_does_not_bring_the_fillers_above_the_person(directory, reader):
    # Belkacem is a filler family name: "Noureddine Belkacem" is one person, not every Belkacem.
    _, ids, _ = directory
    body = reader.search(q="Nour Eddine Belkacem")
    assert [r["id"] for r in body["results"]] == [ids["noureddine"]], body["results"]
    # ... while Belkacem alone finds the Belkacems first, and Bel Kacem too.
    belkacems = reader.search(q="Belkacem", per_page=100)["results"]
    assert belkacems[0]["family_name"] == "Belkacem"
    assert ids["noureddine"] in [r["id"] for r in belkacems]


def test_exact_match_ranks_above_typo_and_names_above_notes(directory, reader):
    _, ids, _ = directory
    # "Kaddour" is a filler family name, one edit from the target's "Kaddouri".
    results = reader.search(q="Kaddour")["results"]
    families = [result["family_name"] for result in results]
    assert families[0] == "Kaddour"
    assert families.index("Kaddouri") > max(i for i, f in enumerate(families) if f == "Kaddour")
    # The notes word finds the entry, but a name beats notes.
    notes_only = reader.search(q="zanzibar")["results"]
    assert [r["id"] for r in notes_only] == [ids["notes"]]


def _count(app, statement) -> int:
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.rollback()
        return value


@pytest.mark.parametrize("query", ["Morocco", "Maroc", "المغرب", "maroc"])
def test_country_names_in_three_languages(directory, reader, query):
    app, _, _ = directory
    expected = _count(app, select(func.count()).select_from(ContactPoint).where(
        ContactPoint.country == "MA", ContactPoint.status != "archived"))
    body = reader.search(q=query, per_page=100)
    assert body["total"] == expected
    assert {result["country"] for result in body["results"]} == {"MA"}


@pytest.mark.parametrize(("query", "slug"), [
    ("asset recovery", "asset-recovery"), ("recouvrement des avoirs", "asset-recovery"),
    ("trafficking in human beings", "thb"), ("cybercrime", "cybercrime"),
])
def test_specialism_labels(directory, reader, query, slug):
    app, _, _ = directory
    expected = _count(app, select(func.count()).select_from(ContactPoint)
                      .join(ContactPoint.specialisms)
                      .where(Specialism.slug == slug, ContactPoint.status != "archived"))
    body = reader.search(q=query, per_page=100)
    assert body["total"] == expected
    assert all(slug in result["specialisms"] for result in body["results"])


@pytest.mark.parametrize(("query", "code", "country"), [
    ("Italian", "it", "IT"), ("italien", "it", "IT"), ("German", "de", "DE"),
    ("allemand", "de", "DE")])
def test_language_names(reader, query, code, country):
    speakers = {r["id"] for r in reader.search(language=code, per_page=100)["results"]}
    assert speakers
    results = reader.search(q=query, per_page=100)["results"]
    # Every speaker is found; anyone else found is from the country of that name.
    assert speakers <= {r["id"] for r in results}
    assert all(r["id"] in speakers or r["country"] == country for r in results)


def test_email_address(directory, reader):
    _, ids, _ = directory
    for key in ("mohamed", "olfa", "jose"):
        address = TARGETS[key]["emails"][0]
        assert top_keys(reader, ids, address, 1) == [key], address


def test_organisation_and_title(directory, reader):
    _, ids, _ = directory
    assert top_keys(reader, ids, "Parquet général de Rabat", 1) == ["mohamed"]
    assert top_keys(reader, ids, "deputy prosecutor general", 1) == ["mohamed"]

