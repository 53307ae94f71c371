"""The JSON API (`/api/v1`): the same services and permissions as the pages.

Authenticated by the browser session (then a CSRF token header is required on writes) or by
`Authorization: Bearer TOKEN`. Errors are `{"error": {"code", "message", "fields"}}`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request, url_for
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from directory.extensions import csrf
from directory.services import commit, contacts, search, vcard
from directory.services.errors import ServiceError
from directory.web.api.openapi import openapi_document

blueprint = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(blueprint)


@blueprint.before_request
def csrf_for_sessions():
    """A browser session must prove the request came from our pages; a token needs no more."""
    if request.method in ("GET", "HEAD", "OPTIONS") or g.get("token_auth"):
        return None
    try:
        validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
    except ValidationError:
        raise ServiceError("Send the page's CSRF token in the X-CSRFToken header, "
                           "or use Authorization: Bearer TOKEN.") from None
    return None


def actor():
    return current_user._get_current_object()


def json_body() -> Any:
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise ServiceError("The request body must be valid JSON.", {"": "Malformed JSON."})
    if not isinstance(body, dict):
        raise ServiceError("The request body must be a JSON object.", {"": "Not an object."})
    return body


def _int_arg(name: str, default: int, maximum: int | None = None) -> int:
    value = request.args.get(name)
    if value in (None, ""):
        return default
    if not value.isdigit() or int(value) < 1:
        raise ServiceError(f"{name} must be a whole number of 1 or more.", {name: "Not valid."})
    if maximum and int(value) > maximum:
        raise ServiceError(f"{name} is at most {maximum}.", {name: "Too large."})
    return int(value)


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@blueprint.get("/search")
def search_entries():
    page = search.search(actor(), search.parse_request(request.args))
    commit()
    return jsonify(page.as_json())


@blueprint.get("/find")
def find_counterpart():
    page = search.find_counterpart(actor(), request.args.get("country", ""),
                                   request.args.get("matter", ""),
                                   page=_int_arg("page", 1), per_page=_int_arg("per_page", 20, 100))
    commit()
    return jsonify(page.as_json())


@blueprint.get("/suggest")
def suggest():
    text = (request.args.get("q") or "").strip()
    if len(text) > search.MAX_QUERY:
        raise ServiceError(f"At most {search.MAX_QUERY} characters.", {"q": "Too long."})
    return jsonify(suggestions=search.suggest(text))


@blueprint.get("/contact-points")
def list_entries():
    per_page = _int_arg("per_page", 50, 500)
    page = _int_arg("page", 1)
    total, rows = contacts.list_contact_points(
        network=request.args.getlist("network"), country=request.args.getlist("country"),
        status=request.args.getlist("status"), page=page, per_page=per_page)
    return jsonify(total=total, page=page, per_page=per_page,
                   results=[contacts.contact_point_json(row) for row in rows])


@blueprint.get("/contact-points/<int:contact_point_id>")
def get_entry(contact_point_id: int):
    return jsonify(contacts.contact_point_json(contacts.get_contact_point(contact_point_id)))


@blueprint.post("/contact-points")
def create_entry():
    contact_point, created = contacts.create_contact_point(actor(), json_body())
    commit()
    response = jsonify(contacts.contact_point_json(contact_point))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_entry", contact_point_id=contact_point.id)
    return response


def _version_header() -> int | None:
    value = (request.headers.get("If-Match") or "").strip('"W/ ')
    return int(value) if value.isdigit() else None


@blueprint.patch("/contact-points/<int:contact_point_id>")
def patch_entry(contact_point_id: int):
    contact_point = contacts.update_contact_point(actor(), contact_point_id, json_body(),
                                                  version=_version_header())
    commit()
    return jsonify(contacts.contact_point_json(contact_point))


def _optional_version() -> Any:
    body = request.get_json(force=True, silent=True) if request.data else None
    if isinstance(body, dict) and "version" in body:
        return body["version"]
    if request.args.get("version", "").isdigit():
        return int(request.args["version"])
    return _version_header()


@blueprint.delete("/contact-points/<int:contact_point_id>")
def archive_entry(contact_point_id: int):
    contact_point = contacts.archive_contact_point(actor(), contact_point_id, _optional_version())
    commit()
    return jsonify(contacts.contact_point_json(contact_point))


@blueprint.post("/contact-points/<int:contact_point_id>/verify")
def verify_entry(contact_point_id: int):
    contact_point = contacts.verify_contact_point(actor(), contact_point_id, _optional_version())
    commit()
    return jsonify(contacts.contact_point_json(contact_point))


@blueprint.get("/contact-points/<int:contact_point_id>/vcard")
def entry_vcard(contact_point_id: int):
    contact_point = contacts.get_contact_point(contact_point_id)
    return Response(
        vcard.vcard(contact_point), mimetype="text/vcard",
        headers={"Content-Disposition": f'attachment; filename="contact-point-{contact_point.id}.vcf"'},
    )
