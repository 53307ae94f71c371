"""The French and Arabic catalogues: complete, consistent with the code, and compiled.

Every text the code and the templates mark for translation is in both catalogues, translated
in every plural form, with exactly the placeholders of the English text, no fuzzy entry, and
the compiled .mo files say the same as the .po files.
"""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from i18n_support import LANGUAGES, ROOT, TRANSLATIONS

PLACEHOLDER = re.compile(r"%\((\w+)\)([sd])")
# Arabic says "one contact point", "two contact points" (نقطة اتصال واحدة، نقطتا اتصال) and
# "no contact point" without the figure: only these forms may leave out %(num)s.
FORMS_WITHOUT_NUMBER = {"ar": {0, 1, 2}, "fr": set()}


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as file:
        return read_po(file, locale=language)


def messages(language: str):
    return [message for message in catalogue(language) if message.id]


def placeholders(text: str) -> set[tuple[str, str]]:
    return set(PLACEHOLDER.findall(text))


def key(message) -> tuple:
    return (message.context, message.id if isinstance(message.id, str) else tuple(message.id))


@pytest.fixture(scope="module")
def extracted() -> set[tuple]:
    """What `make translations` extracts from the code and the templates, right now."""
    with open(ROOT / "babel.cfg") as file:
        method_map, options_map = parse_mapping_cfg(file)
    keywords = dict(DEFAULT_KEYWORDS, _l=None, lazy_gettext=None)
    found = set()
    for _filename, _line, msgid, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords):
        found.add((context, msgid if isinstance(msgid, str) else tuple(msgid[:2])))
    return found


def test_the_catalogues_are_not_empty_and_know_the_arabic_plural_forms():
    assert catalogue("ar").num_plurals == 6
    assert catalogue("fr").num_plurals in (2, 3)
    for language in LANGUAGES:
        assert len(messages(language)) > 300


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_code_is_in_the_catalogue(language, extracted):
    known = {key(message) for message in messages(language)}
    missing = sorted(str(item) for item in extracted - known)
    assert not missing, ("run `make translations` and translate:\n" + "\n".join(missing))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_in_every_plural_form(language):
    number = catalogue(language).num_plurals
    untranslated, fuzzy = [], []
    for message in messages(language):
        if message.fuzzy:
            fuzzy.append(message.id)
        if isinstance(message.id, str):
            if not message.string:
                untranslated.append(message.id)
        elif len(message.string) != number or not all(message.string):
            untranslated.append(message.id)
    assert not untranslated, untranslated
    assert not fuzzy, fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_exactly_the_placeholders_of_the_english(language):
    wrong = []
    for message in messages(language):
        if isinstance(message.id, str):
            if placeholders(message.string) != placeholders(message.id):
                wrong.append((message.id, message.string))
            continue
        expected = placeholders(message.id[0]) | placeholders(message.id[1])
        for form, text in enumerate(message.string):
            allowed = [expected]
            if form in FORMS_WITHOUT_NUMBER[language]:
                allowed.append(expected - {("num", "s"), ("num", "d")})
            if placeholders(text) not in allowed:
                wrong.append((message.id[0], form, text))
    assert not wrong, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_literal_percent_sign_is_doubled_where_placeholders_are_formatted(language):
    for message in messages(language):
        if "python-format" not in message.flags:
            continue
        texts = [message.string] if isinstance(message.id, str) else list(message.string)
        for text in texts:
            assert "%" not in re.sub(r"%\(\w+\)[sd]|%%", "", text), (message.id, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_babel_finds_no_error_in_the_catalogue(language):
    problems = [(message.id, errors) for message, errors in catalogue(language).check()]
    assert not problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_says_what_the_po_file_says(language):
    """`pybabel compile` was run after the last change to the .po file."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as file:
        compiled = {key(message): message.string for message in read_mo(file) if message.id}
    for message in messages(language):
        string = message.string if isinstance(message.id, str) else tuple(message.string)
        got = compiled.get(key(message))
        assert (tuple(got) if isinstance(got, (list, tuple)) else got) == string, message.id


def test_the_template_is_the_union_of_what_the_catalogues_translate():
    with open(TRANSLATIONS / "messages.pot", "rb") as file:
        template = {key(message) for message in read_po(file) if message.id}
    for language in LANGUAGES:
        assert {key(message) for message in messages(language)} == template
