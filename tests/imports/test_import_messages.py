"""The importer's messages: English for the command line, the reader's language on the pages."""

from __future__ import annotations

import io
import json
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from imports import parse_file
from imports.messages import Label, Localised, Message, Reader, message_of
from imports.normalise import normalise_languages, normalise_phone
from imports.parse import RowError

TRANSLATIONS = Path(__file__).resolve().parents[2] / "directory" / "translations"


def catalogue(language: str) -> Reader:
    """A reader of that language, with the project's real catalogue."""
    return Reader(Translations.load(str(TRANSLATIONS), [language]), locale=language)


def test_english_text_is_the_template_filled_in():
    message = Message.of("the e-mail %(email)s is already on line %(line)s",
                         email="a@b.example", line="4")
    assert str(message) == "the e-mail a@b.example is already on line 4"


def test_a_message_survives_its_json_round_trip_with_nested_messages_and_lists():
    inner = Message("the country (a header such as Country or Pays)")
    message = Message.of("%(file)s has no column for %(missing)s; columns recognised: "
                         "%(found)s.", file="list.csv", missing=inner, found=["'Nom'", "'Mail'"])
    stored = json.loads(json.dumps(message.to_json()))
    assert Message.from_json(stored) == message
    assert str(Message.from_json(stored)) == (
        "list.csv has no column for the country (a header such as Country or Pays); "
        "columns recognised: 'Nom', 'Mail'.")


def test_labels_and_localised_texts_render_in_the_readers_language_after_storage():
    message = Message.of("%(field)s: %(old)s → %(new)s", field="Role",
                         old=[Label("specialism", "thb"), Label("country", "MA")],
                         new=Localised({"en": "Contact point", "fr": "Point de contact"}))
    stored = Message.from_json(json.loads(json.dumps(message.to_json())))
    assert stored == message
    assert str(stored) == "Role: Trafficking in human beings, Morocco → Contact point"
    assert stored.render(catalogue("fr")) == (
        "Role\u00a0: Traite des êtres humains, Maroc → Point de contact")
    # No Arabic label for the role: its English one rather than nothing.
    assert "Contact point" in stored.render(catalogue("ar"))


def test_row_error_keeps_english_text_and_the_message_to_translate():
    error = RowError(7, "Pays", Message.of("unknown country: %(value)s", value="'Narnia'"))
    stored = error.to_json()
    assert stored["message"] == "unknown country: 'Narnia'"  # what the CLI and API show
    assert RowError.from_json(stored) == error


def test_french_rendering_translates_nested_messages_and_formats_numbers():
    french = catalogue("fr")
    message = Message.of("is %(length)s characters long; at most %(limit)s are allowed",
                         length=5001, limit=5000)
    text = message.render(Reader(french.translations,
                                 lambda number: f"{number:,}".replace(",", "\u202f"), "fr"))
    assert "characters long" not in text
    assert "5\u202f001" in text and "5\u202f000" in text


def test_arabic_plural_forms_follow_the_count():
    arabic = catalogue("ar")
    texts = set()
    for values in (["'x'"], ["'x'", "'y'"], ["'x'", "'y'", "'z'"]):
        try:
            normalise_languages("; ".join(value.strip("'") + "zz" for value in values))
        except ValueError as error:
            text = message_of(error).render(arabic)
            assert "unknown" not in text
            texts.add(text.split(":")[0])
    # One, two and three unknown languages: three different Arabic forms.
    assert len(texts) == 3


def test_a_broken_translation_falls_back_to_english_rather_than_failing():
    broken = Catalog(locale="fr")
    broken.add("not a phone number: %(value)s", "pas un numéro : %(valeur)s")
    compiled = io.BytesIO()
    write_mo(compiled, broken)
    compiled.seek(0)
    with pytest.raises(ValueError) as raised:
        normalise_phone("12", "FR")
    text = message_of(raised.value).render(Reader(GNUTranslations(compiled), locale="fr"))
    assert text == "not a phone number: '12'"


def test_every_problem_of_a_bad_list_is_in_the_catalogues(tmp_path):
    """Each message the importer produced at run time has a French and an Arabic text: none
    was built from a sentence that the catalogues cannot know."""
    path = tmp_path / "bad.csv"
    path.write_text(
        "Pays;Nom;Prénom;Courriel;Tél.;Langues;Domaines;Urgent;Mis à jour;Type d'organisation\n"
        "Narnia;;Said;nobody;12;klingon;basket weaving;peut-être;31/02/2023;Bakery\n"
        ";Bennani;Said;a@x.example, b@;+33 1 23;;;;01/01/2062;\n"
        "Maroc;Alaoui;;a@x.example;;;;;01/01/1970;\n"
        "Maroc;Alaoui;Amal;c@x.example;;;;;;;extra;cells\n", encoding="utf-8")
    parsed = parse_file(path, "emj")
    assert len(parsed.errors) >= 12
    for language in ("fr", "ar"):
        reader = catalogue(language)
        for error in parsed.errors:
            english = str(error.message)
            translated = error.message.render(reader)
            assert translated != english, (language, english)
