"""As-you-type suggestions (GET /api/v1/suggest): one row per person with a second line that
tells namesakes apart, partial multi-word names, and the total of the search they lead to."""

from __future__ import annotations

import pytest


def suggest(reader, language="en", **params):
    response = reader.client.get("/api/v1/suggest", query_string=params,
                                 headers={**reader.headers, "Accept-Language": language})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_suggestion_is_one_name_and_what_the_person_does_where(directory, reader):
    _, ids, _ = directory
    body = suggest(reader, q="Lahl")
    assert body["suggestions"][0] == {
        "id": ids["mohamed"], "name": "Mohamed Lahlou",
        "details": ["Deputy Prosecutor General", "Parquet général de Rabat", "Morocco"]}


@pytest.mark.parametrize(("language", "name", "country"), [
    ("fr", "Mohamed Lahlou", "Maroc"), ("ar", "محمد لحلو", "المغرب")])
def test_suggestions_speak_the_readers_language(directory, reader, language, name, country):
    _, ids, _ = directory
    first = suggest(reader, language, q="Lahl")["suggestions"][0]
    assert first["id"] == ids["mohamed"]
    assert first["name"] == name  # in Arabic, the name in Arabic script first
    assert first["details"][-1] == country


def test_the_texts_for_the_list_and_screen_readers_are_in_the_readers_language(directory,
                                                                              reader):
    body = suggest(reader, q="Haddad")
    assert body["total"] > len(body["suggestions"]) == 8
    assert body["see_all"] == f"See all {body['total']} results"
    assert body["status"] == "8 suggestions; use the up and down arrows to choose."
    french, arabic = suggest(reader, "fr", q="Haddad"), suggest(reader, "ar", q="Haddad")
    assert french["see_all"] == f"Voir les {body['total']} résultats"
    assert french["status"].startswith("8 suggestions")
    assert arabic["see_all"] and "See all" not in arabic["see_all"]
    assert arabic["status"] and "suggestion" not in arabic["status"]


def test_the_total_is_what_the_search_shows_with_the_same_filters(directory, reader):
    for params in ({"q": "Haddad"}, {"q": "Haddad", "country": "MA"},
                   {"q": "Ha", "network": ["emj", "carin"], "urgent": "1"}):
        assert suggest(reader, **params)["total"] == reader.search(**params)["total"], params


def test_each_person_once_and_namesakes_told_apart(directory, reader):
    for text in ("Haddad", "Fatima", "Mahmoud Bouzid", "Karima"):
        body = suggest(reader, q=text)
        ids = [item["id"] for item in body["suggestions"]]
        assert len(ids) == len(set(ids)), text
        lines = [(item["name"], *item["details"]) for item in body["suggestions"]]
        names = [item["name"] for item in body["suggestions"]]
        # Two rows with the same name always differ in their second line.
        for line in lines:
            if names.count(line[0]) > 1:
                assert lines.count(line) == 1, (text, line)


def test_a_name_typed_in_parts_brings_that_name(directory, reader):
    _, ids, _ = directory
    body = suggest(reader, q="Abd el ka")
    assert body["suggestions"][0]["id"] == ids["abdelkader"]
    assert suggest(reader, q="Nour Ed")["suggestions"][0]["id"] == ids["noureddine"]


def test_nothing_typed_or_nothing_found(directory, reader):
    for text in ("", "*", "zzzqqqxxx"):
        body = suggest(reader, q=text)
        assert body["suggestions"] == [] and body["total"] == 0 and body["see_all"] == ""
        assert body["status"] == "No suggestions: press Enter to search."


def test_bad_input_is_refused_with_a_message(directory, reader):
    response = reader.get("/api/v1/suggest", query_string={"q": "x" * 201})
    assert response.status_code == 400
    assert "200 characters" in response.get_json()["error"]["message"]
    response = reader.get("/api/v1/suggest", query_string={"q": "a", "urgent": "maybe"})
    assert response.status_code == 400
    assert "urgent" in response.get_json()["error"]["fields"]


def test_namesakes_alike_in_every_other_way_get_their_city_then_their_networks(api, make):
    alike = {"given_name": "Samia", "family_name": "Zerhouni", "title": "Prosecutor",
             "organisation": {"name": "Parquet de Tanger", "kind": "prosecution-office"}}
    tangier = make.entry(city="Tanger", **alike)
    tetouan = make.entry(city="Tétouan", **alike)
    emj = make.entry(city="Tanger", **{**alike, "given_name": "Samir"})
    carin = make.entry(city="Tanger", **{**alike, "given_name": "Samir"},
                       memberships=[{"network": "carin", "role": "judicial"}])
    body = api("admin").get("/api/v1/suggest?q=Zerhouni").get_json()
    details = {item["id"]: item["details"] for item in body["suggestions"]}
    assert details[tangier] == ["Prosecutor", "Parquet de Tanger", "Morocco", "Tanger"]
    assert details[tetouan] == ["Prosecutor", "Parquet de Tanger", "Morocco", "Tétouan"]
    assert details[emj] == ["Prosecutor", "Parquet de Tanger", "Morocco", "Tanger",
                            "EMJ Directory"]
    assert details[carin][-1] == "CARIN contact points"
