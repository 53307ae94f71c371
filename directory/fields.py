"""One definition of an entry's fields: their labels, limits and allowed characters.

The model sizes its columns from it, and the forms, the API validation and the importer check
every value against it, so that what one of them accepts the others can store, show and edit.
Standard library only: the importer (`imports`) reads it without Flask.

Texts are normalised before they are measured: in a one-line field every run of white space
(tabs and line breaks included) becomes one space; a multi-line field keeps its line breaks as
`\\n`. What remains must not hold a control character (C0 or C1), a line or paragraph separator
(U+2028, U+2029) or a bidirectional override, embedding or isolate (U+202A–U+202E,
U+2066–U+2069): they corrupt vCards, CSV files and page titles, and can make a name read
backwards. Problems come back as a `Problem` whose message is an English msgid that each
channel translates: the API and the forms name the field, the importer the line and column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


def N_(text: str) -> str:
    """Marks a text for translation; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Text:
    label: str
    max_length: int
    multiline: bool = False


@dataclass(frozen=True)
class Items:
    """A list field: at most `max_items` values of at most `max_length` characters each (as
    written, before a value is looked up or normalised)."""

    label: str
    max_items: int
    max_length: int


TEXTS = {
    "given_name": Text(N_("Given name"), 200),
    "family_name": Text(N_("Family name"), 200),
    "native_name": Text(N_("Name in native script"), 300),
    "title": Text(N_("Title or function"), 300),
    "organisation": Text(N_("Organisation"), 300),
    "city": Text(N_("City"), 200),
    "address": Text(N_("Address"), 500, multiline=True),
    "urgent_instructions": Text(N_("How to reach them urgently"), 2000, multiline=True),
    "notes": Text(N_("Notes"), 5000, multiline=True),
    "external_id": Text(N_("ID in the network"), 120),
}
LISTS = {
    "name_variants": Items(N_("Other spellings of the name"), 20, 200),
    "emails": Items(N_("E-mail addresses"), 10, 254),
    "phones": Items(N_("Phones"), 10, 40),
    "languages": Items(N_("Languages"), 20, 60),
    "specialisms": Items(N_("Specialisms"), 30, 60),
}
# The label of every field of an entry (and of the values an import compares), for messages
# and the description of changes.
LABELS = {
    **{name: spec.label for name, spec in TEXTS.items()},
    **{name: spec.label for name, spec in LISTS.items()},
    "country": N_("Country"), "organisation_kind": N_("Kind of organisation"),
    "urgent": N_("Available 24/7 for urgent requests"), "status": N_("Status"),
    "last_verified_on": N_("Last verified on"), "memberships": N_("Networks"),
    "role": N_("Role"),
}
# Stored E.164 numbers and e-mail addresses: the columns' sizes.
PHONE_NUMBER_LENGTH = 32
EMAIL_LENGTH = 320

TOO_LONG = N_("is %(length)s characters long; at most %(limit)s are allowed")
TOO_MANY = N_("has %(count)s values; at most %(limit)s are allowed")
ITEM_TOO_LONG = N_("%(value)s is %(length)s characters long; at most %(limit)s are allowed")
NOT_ALLOWED = N_("contains %(character)s, which cannot be stored (control and text-direction "
                 "characters are not allowed)")

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029"
                        "\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?")
_SPACES = re.compile(r"[^\S\n]+")


@dataclass(frozen=True)
class Problem:
    """What is wrong with a value: `message` (an English msgid) with its `values`."""

    message: str
    values: dict[str, str | int] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message % self.values


def _shown(text: str, limit: int = 40) -> str:
    """A value quoted in a message, cut so that one value cannot flood it."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _character(char: str) -> str:
    """U+202E (RIGHT-TO-LEFT OVERRIDE): how a message names a character nobody can see."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def forbidden_character(text: str) -> Problem | None:
    """The first character of `text` that may not be stored, as a Problem."""
    found = _FORBIDDEN.search(text)
    return Problem(NOT_ALLOWED, {"character": _character(found.group())}) if found else None


def clean_text(name: str, value: str) -> tuple[str, Problem | None]:
    """The text of field `name` normalised (see the module's docstring) and its problem, if
    any; an empty result means the field is empty."""
    spec = TEXTS[name]
    problem = forbidden_character(value)  # tab, CR and LF are white space, not forbidden
    if problem is not None:
        return value, problem
    if spec.multiline:
        text = "\n".join(_SPACES.sub(" ", line).strip()
                         for line in _LINE_BREAKS.sub("\n", value).split("\n")).strip()
    else:
        text = " ".join(value.split())
    if len(text) > spec.max_length:
        return text, Problem(TOO_LONG, {"length": len(text), "limit": spec.max_length})
    return text, None


def check_items(name: str, items: list[str]) -> Problem | None:
    """Whether the values of list field `name`, as written, are few and short enough and hold
    only characters that may be stored."""
    spec = LISTS[name]
    if len(items) > spec.max_items:
        return Problem(TOO_MANY, {"count": len(items), "limit": spec.max_items})
    for item in items:
        problem = forbidden_character(item)
        if problem is not None:
            return problem
        if len(item) > spec.max_length:
            return Problem(ITEM_TOO_LONG, {"value": _shown(item), "length": len(item),
                                           "limit": spec.max_length})
    return None
