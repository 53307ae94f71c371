"""The cell normalisers, which the API uses too."""

from datetime import date, datetime

import pytest

from imports import normalise_email, normalise_phone, parse_date, split_full_name, split_values
from imports.normalise import (
    normalise_country,
    normalise_emails,
    normalise_languages,
    normalise_phones,
    normalise_specialisms,
    parse_yes_no,
)


@pytest.mark.parametrize("text, country, expected", [
    ("05 37 12 34 56", "MA", "+212537123456"),
    ("0537-12.34.56", "MA", "+212537123456"),
    ("+212 537 12 34 56", None, "+212537123456"),
    ("00212 537 12 34 56", "FR", "+212537123456"),
    ("+33 (0)1 40 60 28 14", "MA", "+33140602814"),
    ("01 40 60 28 14 poste 12", "FR", "+33140602814"),
    ("212537123456", "FR", "+212537123456"),  # Excel dropped the 00
    ("030/1234567", "DE", "+49301234567"),
    ("71 841 980", "TN", "+21671841980"),
    ("02 274 9640", "PS", "+97022749640"),
])
def test_normalise_phone(text, country, expected):
    assert normalise_phone(text, country) == expected


@pytest.mark.parametrize("text, country", [
    ("12", "MA"), ("call the office", "MA"), ("05 37 12", "MA"), ("+999 123 456 789", None),
    ("0537123456", None), ("", "MA")])
def test_normalise_phone_refuses(text, country):
    with pytest.raises(ValueError, match="^not a phone number"):
        normalise_phone(text, country)


def test_phone_cells_with_several_numbers_and_labels():
    assert normalise_phones("Bureau : 05 37 12 34 56 / GSM : 06 61 23 45 67 ; Fax: 05 37 00 00 00",
                            "MA") == [("+212537123456", "office"), ("+212661234567", "mobile")]
    assert normalise_phones("0537123456 ou 0661234567\n24/7: 0537999999", "MA") == [
        ("+212537123456", "office"), ("+212661234567", "office"), ("+212537999999", "24-7")]
    assert normalise_phones("0661234567, 0661234567", "MA", kind="mobile") == [
        ("+212661234567", "mobile")]


@pytest.mark.parametrize("text, expected", [
    ("Said.Bennani@Justice.MA.example", "said.bennani@justice.ma.example"),
    (" mailto:said@justice.ma.example ", "said@justice.ma.example"),
    ("Said Bennani <said@justice.ma.example>", "said@justice.ma.example"),
])
def test_normalise_email(text, expected):
    assert normalise_email(text) == expected


@pytest.mark.parametrize("text", ["said(at)justice.ma.example", "said@", "@justice.ma.example",
                                  "said@justice", "a..b@justice.ma.example", "said@host.local",
                                  "said bennani@justice.ma.example", ""])
def test_normalise_email_refuses(text):
    with pytest.raises(ValueError):
        normalise_email(text)


def test_email_cells():
    assert normalise_emails("A@X.example; b@x.example\nc@x.example, a@x.example / d@x.example") == [
        "a@x.example", "b@x.example", "c@x.example", "d@x.example"]
    assert normalise_emails("Marie Dupont <m@x.example>; Paul <p@x.example>") == [
        "m@x.example", "p@x.example"]
    with pytest.raises(ValueError, match="not an e-mail address: 'nobody'"):
        normalise_emails("a@x.example; nobody")


def test_split_values():
    assert split_values("a; b, c / d\ne|f") == ["a", "b", "c", "d", "e", "f"]
    assert split_values(" ; ,, ") == []
    assert split_values(None) == []
    assert split_values(12.0) == ["12"]


@pytest.mark.parametrize("text, expected", [
    ("DUPONT Marie", ("Marie", "Dupont")),
    ("Marie DUPONT", ("Marie", "Dupont")),
    ("Marie Dupont", ("Marie", "Dupont")),
    ("Dupont, Marie", ("Marie", "Dupont")),
    ("DUPONT, Marie", ("Marie", "Dupont")),
    ("EL IDRISSI Mohamed", ("Mohamed", "El Idrissi")),
    ("Mohamed El Idrissi", ("Mohamed", "El Idrissi")),
    ("AL-MANSOURI Abdul Qadir", ("Abdul Qadir", "Al-Mansouri")),
    ("D'ANGELO Paolo", ("Paolo", "D'Angelo")),
    ("PEÑA José", ("José", "Peña")),
    ("Jean-Pierre van der Berg", ("Jean-Pierre", "van der Berg")),
    ("MARIE DUPONT", ("Marie", "Dupont")),
    ("Dupont", ("", "Dupont")),
    ("J. DUPONT", ("J.", "Dupont")),
    ("سعيد بناني", ("سعيد", "بناني")),
])
def test_split_full_name(text, expected):
    assert split_full_name(text) == expected


def test_split_full_name_family_first_convention():
    assert split_full_name("DUPONT MARIE", family_first=True) == ("Marie", "Dupont")
    assert split_full_name("Dupont Marie", family_first=True) == ("Marie", "Dupont")


@pytest.mark.parametrize("value, expected", [
    ("2023-06-01", date(2023, 6, 1)),
    ("2023-06-01T10:30:00", date(2023, 6, 1)),
    ("01/06/2023", date(2023, 6, 1)),
    ("1/6/2023", date(2023, 6, 1)),
    ("01.06.2023", date(2023, 6, 1)),
    ("01-06-2023", date(2023, 6, 1)),
    ("01/06/23", date(2023, 6, 1)),
    ("2023/06/01", date(2023, 6, 1)),
    ("06/25/2023", date(2023, 6, 25)),  # cannot be day first
    ("1er juin 2023", date(2023, 6, 1)),
    ("15 février 2024", date(2024, 2, 15)),
    ("June 1, 2023", date(2023, 6, 1)),
    (45078, date(2023, 6, 1)),
    (45078.75, date(2023, 6, 1)),
    ("45078", date(2023, 6, 1)),
    (datetime(2023, 6, 1, 9, 0), date(2023, 6, 1)),
    (date(2023, 6, 1), date(2023, 6, 1)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2023", "13/13/2023", "tomorrow", "", "2023", True, -5])
def test_parse_date_refuses(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize("value, expected", [
    ("Oui", True), ("non", False), ("YES", True), ("No", False), ("x", True), ("X", True),
    ("1", True), ("0", False), (1, True), (0.0, False), (True, True), ("نعم", True),
    ("لا", False), ("Vrai", True), ("faux", False), ("Oui (via le standard)", True),
    ("", None), (None, None)])
def test_yes_no(value, expected):
    assert parse_yes_no(value) is expected


def test_vocabularies():
    assert normalise_country("المغرب") == "MA"
    assert normalise_languages("arabe, français; English / es") == ["ar", "fr", "en", "es"]
    assert normalise_languages("Grec, Greek, el") == ["el"]
    assert normalise_languages("Arabe (langue maternelle)") == ["ar"]
    assert normalise_specialisms("Traite des êtres humains / Entraide judiciaire") == ["thb", "mla"]
    assert normalise_specialisms("freezing-confiscation, asset-recovery") == [
        "freezing-confiscation", "asset-recovery"]
    assert normalise_specialisms("Trafficking in human beings and smuggling of migrants") == [
        "thb", "som"]
    assert normalise_specialisms("Cybercrime and electronic evidence") == ["cybercrime"]
    with pytest.raises(ValueError, match="unknown languages: 'klingon', 'elvish'"):
        normalise_languages("arabe, klingon, elvish")


def test_phone_labels_that_name_no_kind_keep_the_columns_kind():
    assert normalise_phones("Secrétariat : 05 37 12 34 56", "MA", kind="mobile") == [
        ("+212537123456", "mobile")]
    with pytest.raises(ValueError, match="not a phone number: 'Secrétariat'"):
        normalise_phones("Secrétariat", "MA")
