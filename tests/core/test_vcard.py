"""vCard 4.0 (RFC 6350) of an entry, read back with a real vCard parser."""

from __future__ import annotations

import vobject

LONG_ARABIC_NAME = "عبد القادر بن محمد بن عبد الرحمن الإدريسي الحسني التلمساني"
LONG_NOTES = ("يفضل التواصل بالبريد الإلكتروني باللغة العربية أو الفرنسية؛ "
              "Disponible du lundi au vendredi, 8h30–16h30. ") * 4


def fetch(api, make, **values):
    entry_id = make.entry(**values)
    response = api("prosecutor").get(f"/api/v1/contact-points/{entry_id}/vcard")
    assert response.status_code == 200
    return entry_id, response


def test_vcard_is_version_4_with_crlf_and_parses(api, make):
    entry_id, response = fetch(
        api, make, given_name="Youssef", family_name="El Idrissi", title="Procureur du Roi",
        organisation={"name": "Parquet de Rabat, section financière", "kind": "prosecution-office"},
        emails=["Y.Elidrissi@Justice.Example", "parquet.rabat@justice.example"],
        phones=[{"number": "05 37 12 34 56", "kind": "office"},
                {"number": "06 61 23 45 67", "kind": "mobile"}],
        languages=["ar", "fr"], city="Rabat", address="Place Mohammed V; 3e étage")
    assert response.mimetype == "text/vcard"
    assert f'filename="contact-point-{entry_id}.vcf"' in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert raw.endswith(b"END:VCARD\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    card = vobject.readOne(raw.decode("utf-8"))
    assert card.version.value == "4.0"
    assert card.fn.value == "Youssef El Idrissi"
    assert (card.n.value.family, card.n.value.given) == ("El Idrissi", "Youssef")
    assert card.title.value == "Procureur du Roi"
    assert card.org.value == ["Parquet de Rabat, section financière"]
    assert [email.value for email in card.contents["email"]] == [
        "y.elidrissi@justice.example", "parquet.rabat@justice.example"]
    tels = card.contents["tel"]
    assert [tel.value for tel in tels] == ["tel:+212537123456", "tel:+212661234567"]
    assert all(tel.params["VALUE"] == ["uri"] for tel in tels)
    assert "cell" in tels[1].params["TYPE"][0]
    assert [lang.value for lang in card.contents["lang"]] == ["ar", "fr"]
    assert card.adr.value.street == "Place Mohammed V; 3e étage"
    assert card.adr.value.city == "Rabat"
    assert card.uid.value == f"urn:counterpart:contact-point:{entry_id}"


def test_long_lines_fold_at_75_octets_without_splitting_a_character(api, make):
    _, response = fetch(api, make, native_name=LONG_ARABIC_NAME, notes=LONG_NOTES,
                        title="Procureur général adjoint près la Cour d'appel de Tanger " * 2)
    raw = response.data
    lines = raw.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8: no character split
    card = vobject.readOne(raw.decode("utf-8"))
    assert card.nickname.value == LONG_ARABIC_NAME
    assert card.note.value == LONG_NOTES.strip()
    assert card.title.value.startswith("Procureur général adjoint")


def test_text_is_escaped(api, make):
    _, response = fetch(api, make, notes="Line one\nLine two, with a comma; and a semicolon\\",
                        family_name="Ben Ali, Jr.")
    card = vobject.readOne(response.data.decode("utf-8"))
    assert card.note.value == "Line one\nLine two, with a comma; and a semicolon\\"
    assert card.n.value.family == "Ben Ali, Jr."


def test_the_page_vcard_is_the_same(login_as, api, make):
    entry_id, from_api = fetch(api, make, native_name=LONG_ARABIC_NAME)
    from_page = login_as("reporter").get(f"/contact-points/{entry_id}/vcard")
    assert from_page.status_code == 200 and from_page.data == from_api.data
