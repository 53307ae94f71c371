"""What any request may carry, checked once for every route, so that hostile input gets a
clear 400 or 404 instead of reaching the database or the interpreter's limits.

- `<int:...>` in a route never hands a view an id larger than `MAX_ID`: a larger one is a
  404, never an integer overflow in the database driver.
- A JSON body nests at most `MAX_JSON_DEPTH` deep (the API's documents nest 3 deep), so the
  parser and everything that walks the document afterwards stay far from the recursion limit.
- No NUL character in a query argument, a form field or a JSON string (a 422 naming the
  field): PostgreSQL cannot store one and no person types one.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from directory import fields
from directory.services.errors import ServiceError, ValidationFailed
from directory.services.numbers import MAX_ID

MAX_JSON_DEPTH = 32


class IdConverter(IntegerConverter):
    """`<int:...>`: an id past what an INTEGER column holds becomes 0, which names no row
    either, so the view answers its usual 404. (A ValidationError here would not do: werkzeug
    then answers 405 whenever another method has a rule on the same path.)"""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else 0


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested too deep (as malformed, a ValueError that
    `request.get_json` turns into a 400) or carrying NUL characters (a 422 naming the field)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            document = json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None
        _check_document(document)
        return document


def _check_document(document: Any) -> None:
    # Walked with a list, not recursively: the check itself must not hit the recursion limit.
    # Each value travels with the top-level field it belongs to, which a refusal names.
    pending: list[tuple[Any, int, str]] = [(document, 1, "")]
    while pending:
        value, depth, field = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ValidationFailed({field: gettext(fields.NOT_ALLOWED, character="U+0000")})
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_JSON_DEPTH:
            raise ValueError(f"JSON nested more than {MAX_JSON_DEPTH} deep")
        if isinstance(value, dict):
            pending.extend((key, depth, field or key) for key in value)
            pending.extend((item, depth + 1, field or key) for key, item in value.items())
        else:
            pending.extend((item, depth + 1, field) for item in value)


def _refuse_nul_characters() -> None:
    """A NUL in a query argument or a form field is refused before any view reads it."""
    fields = [request.args]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields.append(request.form)
    for values in fields:
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                shown = name.replace("\x00", "")
                raise ServiceError(
                    _("%(name)s contains a NUL character, which is never valid.", name=shown),
                    {shown: _("Not valid.")})


def init_app(app: Flask) -> None:
    """Call before the blueprints are registered: routes bind their converters when added."""
    app.url_map.converters["int"] = IdConverter
    app.json = BoundedJSONProvider(app)
    app.before_request(_refuse_nul_characters)
