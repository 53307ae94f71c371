"""The importer's messages, in whichever language their reader speaks.

`imports` has no Flask and no language of its own, yet its problems reach French and Arabic
pages. So a problem is a Message: an English template with named values, marked N_() (or
written inside Message.counted) for `make translations` to extract into the catalogues.
str() gives the English text (the command line, logs); the web layer renders the same Message
through its catalogues; an import run keeps it as JSON, so each reader sees the report in
their own language, not the uploader's.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from directory import vocabulary


@dataclass(frozen=True, slots=True)
class Reader:
    """Whom a message is rendered for: their catalogue, number format and language."""

    translations: gettext.NullTranslations = field(default_factory=gettext.NullTranslations)
    number: Callable[[float], str] = "{:,}".format
    locale: str = "en"


ENGLISH = Reader()


def N_(template: str) -> str:
    """Marks a template for extraction; translation happens when the message is shown."""
    return template


@dataclass(frozen=True, slots=True)
class Label:
    """A vocabulary value (a country, language, specialism...) shown by its label in the
    reader's language: `vocabulary` is a name of directory.vocabulary.label."""

    vocabulary: str
    slug: str


@dataclass(frozen=True, slots=True)
class Localised:
    """A text the directory keeps in each working language (a network's role): locale → text,
    English at least."""

    texts: dict[str, str]

    def label(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts.get("en") or ""


@dataclass(frozen=True, slots=True)
class Message:
    """`template % values`, with `plural` chosen by `count` (ngettext) when given.

    Values are text, numbers (formatted for the reader: pass identifiers and line numbers as
    text), Labels, Localised texts, other Messages (translated too) or lists of these (joined
    with commas).
    """

    template: str
    values: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    @classmethod
    def of(cls, template: str, **values: Any) -> Message:
        return cls(template, values)

    @classmethod
    def counted(cls, singular: str, plural: str, count: int, **values: Any) -> Message:
        return cls(singular, {"count": count, **values}, plural, count)

    def __str__(self) -> str:
        return self.render()

    def render(self, reader: Reader = ENGLISH) -> str:
        """The text for `reader`; English when the translation is missing or does not fit
        the values (a catalogue mistake must not hide the problem)."""
        values = {name: render(value, reader) for name, value in self.values.items()}
        translations = reader.translations
        if self.plural is not None:
            texts = (translations.ngettext(self.template, self.plural, self.count or 0),
                     self.template if self.count == 1 else self.plural)
        else:
            texts = (translations.gettext(self.template), self.template)
        for text in texts:
            if not values:
                return text
            try:
                return text % values
            except (KeyError, ValueError, TypeError):
                continue
        return self.template

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"template": self.template,
                                "values": {name: encode(value)
                                           for name, value in self.values.items()}}
        if self.plural is not None:
            data["plural"], data["count"] = self.plural, self.count
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        return cls(data["template"], {name: decode(value)
                                      for name, value in (data.get("values") or {}).items()},
                   data.get("plural"), data.get("count"))


def render(value: Any, reader: Reader = ENGLISH) -> str:
    """A value as Message.render shows it: Messages translated, Labels in the reader's
    language, lists joined, numbers formatted."""
    if isinstance(value, Message):
        return value.render(reader)
    if isinstance(value, Label):
        return vocabulary.label(value.vocabulary, value.slug, reader.locale)
    if isinstance(value, Localised):
        return value.label(reader.locale)
    if isinstance(value, list):
        return ", ".join(render(item, reader) for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return reader.number(value)
    return str(value)


def encode(value: Any) -> Any:
    """JSON for a value that may hold Messages and Labels."""
    if isinstance(value, Message):
        return value.to_json()
    if isinstance(value, Label):
        return {"label": [value.vocabulary, value.slug]}
    if isinstance(value, Localised):
        return {"localised": value.texts}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, (str, int, float)) or value is None:
        return value
    return str(value)


def decode(value: Any) -> Any:
    """The value `encode` was given."""
    if isinstance(value, dict) and "template" in value:
        return Message.from_json(value)
    if isinstance(value, dict) and "label" in value:
        return Label(*value["label"])
    if isinstance(value, dict) and "localised" in value:
        return Localised(value["localised"])
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


class Problem(Exception):
    """An exception carrying a Message: `Problem(template, **values)` or `Problem(message)`."""

    def __init__(self, message: str | Message, /, **values: Any):
        if isinstance(message, Message) and values:
            raise TypeError("values belong in the Message")
        self.message = message if isinstance(message, Message) else Message(message, values)
        super().__init__(str(self.message))


class Invalid(Problem, ValueError):
    """A value the importer cannot take; callers that only know ValueError still work."""


def message_of(error: Exception) -> Message:
    """The error's Message; other errors' text is shown as it is."""
    return error.message if isinstance(error, Problem) else Message(str(error))
