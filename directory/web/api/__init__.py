"""The JSON API (`/api/v1`): the same services and permissions as the pages.

Authenticated by the browser session (then a CSRF token header is required on writes) or by
`Authorization: Bearer TOKEN`. Errors are `{"error": {"code", "message", "fields"}}`.
Routes live in `routes.py` (directory and search) and `events.py` (initial contacts and
indicators); this module holds the blueprint and what they share.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from directory.extensions import csrf
from directory.services.errors import ServiceError
from directory.services.numbers import MAX_ID, whole_number

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)


@blueprint.before_request
def csrf_for_sessions():
    """A browser session must prove the request came from our pages; a token needs no more."""
    if request.method in ("GET", "HEAD", "OPTIONS") or g.get("token_auth"):
        return
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError:
        raise ServiceError(_("Send the page's CSRF token in the X-CSRFToken header, "
                             "or use Authorization: Bearer TOKEN.")) from None
    return


def actor():
    return current_user._get_current_object()


def json_body() -> Any:
    """The request's JSON object; malformed JSON is a 400, never a 500."""
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ServiceError(_("The request body must be valid JSON."), {"": _("Malformed JSON.")})
    if not isinstance(body, dict):
        raise ServiceError(_("The request body must be a JSON object."),
                           {"": _("Not an object.")})
    return body


def int_arg(name: str, default: int, maximum: int = MAX_ID) -> int:
    return whole_number(request.args.get(name), name, default, maximum)
