"""One definition of an entry's fields (directory/fields.py): the API, the forms and the
importer accept the same lengths, counts and characters, and say which field or cell is wrong.
"""

from __future__ import annotations

import pytest
from core_support import page_token

from directory import fields
from imports import parse_file

HEADER = "ID;Pays;Nom;Prénom;Adresse;Courriel;Langues"


def entry(**values) -> dict:
    return {"given_name": "Leila", "family_name": "Khoury", "country": "LB",
            "emails": ["leila.khoury@justice.example"],
            "memberships": [{"network": "emj", "role": "contact-point"}], **values}


@pytest.mark.parametrize("field, value, expected", [
    ("family_name", "Khoury\x00", "U+0000"),
    ("given_name", "Lei\x0bla", "U+000B"),
    ("title", "Procureur\u2028général", "U+2028 (LINE SEPARATOR)"),
    ("family_name", "\u202eyruohK", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("notes", "call\u2066 first", "U+2066"),
    ("city", "Beyrouth\x85", "U+0085"),
    ("address", "x" * 501, "is 501 characters long; at most 500 are allowed"),
    ("notes", "x" * 5001, "is 5001 characters long; at most 5000 are allowed"),
    ("name_variants", [f"Khouri {n}" for n in range(21)], "has 21 values; at most 20"),
    ("name_variants", ["K" * 201], "is 201 characters long; at most 200 are allowed"),
    ("emails", [f"l{n}@justice.example" for n in range(11)], "has 11 values; at most 10"),
    ("languages", ["ar"] * 21, "has 21 values; at most 20"),
    ("phones", [{"number": "1" * 41}], "is 41 characters long; at most 40 are allowed"),
])
def test_the_api_refuses_what_cannot_be_stored_and_names_the_field(api, field, value,
                                                                    expected):
    admin = api("admin")
    response = admin.post("/api/v1/contact-points", json=entry(**{field: value}))
    assert response.status_code == 422, response.json
    assert expected in response.json["error"]["fields"][field]
    assert admin.get("/api/v1/contact-points").json["total"] == 0


def test_white_space_is_normalised_not_refused(api):
    response = api("admin").post("/api/v1/contact-points", json=entry(
        given_name=" Leila\t Maria ", title="Procureur\r\ngénéral",
        notes="Line one\r\nLine two\rLine three", address="Rue 1\n  Beyrouth  "))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["given_name"], body["title"]) == ("Leila Maria", "Procureur général")
    assert body["notes"] == "Line one\nLine two\nLine three"
    assert body["address"] == "Rue 1\nBeyrouth"


def test_the_limits_are_the_columns(app):
    from directory.models import ContactPoint, Email, Membership, Organisation

    columns = ContactPoint.__table__.c
    for name in ("given_name", "family_name", "native_name", "title", "city", "address"):
        assert columns[name].type.length == fields.TEXTS[name].max_length
    assert Organisation.__table__.c.name.type.length == fields.TEXTS["organisation"].max_length
    assert Membership.__table__.c.external_id.type.length == fields.TEXTS[
        "external_id"].max_length
    assert Email.__table__.c.address.type.length >= fields.LISTS["emails"].max_length


def test_the_form_names_the_field(login_as):
    browser = login_as("admin")
    form = {"csrf_token": page_token(browser, "/contact-points/new"), "family_name": "Khoury",
            "given_name": "Lei\u202ela", "country": "LB", "emails": "leila@justice.example",
            "status": "active", "member-emj": "1", "role-emj": "contact-point",
            "organisation_kind": "", "address": "x" * 501}
    response = browser.post("/contact-points/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Given name: contains U+202E (RIGHT-TO-LEFT OVERRIDE)" in page
    assert "Address: is 501 characters long; at most 500 are allowed" in page
    assert 'maxlength="500"' in browser.get("/contact-points/new").get_data(as_text=True)


def test_the_importer_names_the_line_and_column(tmp_path):
    rows = [
        "E-1;Liban;Khoury;Leila;" + "x" * 501 + ";l1@justice.example;arabe",
        "E-2;Liban;Kh\u202eoury;Leila;Beyrouth;l2@justice.example;arabe",
        "E-3;Liban;Khoury;Lei\x0bla;Beyrouth;l3@justice.example;arabe",
        "E-4;Liban;Khoury;Leila;Beyrouth;" + ";".join(
            f"l4.{n}@justice.example" for n in range(11)).replace(";", ",") + ";arabe",
        "E-5;Liban;Khoury;Leila;Rue 1\tBeyrouth;l5@justice.example;arabe",
    ]
    path = tmp_path / "list.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    parsed = parse_file(path, "emj")
    problems = [(error.line, error.column, str(error.message)) for error in parsed.errors]
    refused = "which cannot be stored (control and text-direction characters are not allowed)"
    assert problems == [
        (2, "Adresse", "is 501 characters long; at most 500 are allowed"),
        (3, "Nom", f"contains U+202E (RIGHT-TO-LEFT OVERRIDE), {refused}"),
        (4, "Prénom", f"contains U+000B, {refused}"),
        (5, "Courriel", "has 11 values; at most 10 are allowed"),
    ]
    assert [row.address for row in parsed.rows] == ["Rue 1 Beyrouth"]
