"""API routes for the directory: search, listing and maintaining entries, vCards."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, url_for

from directory.extensions import current_locale
from directory.services import (
    access_log,
    commit,
    contact_json,
    contact_queries,
    contacts,
    personal_data,
    proposals,
    search,
    users,
    vcard,
)
from directory.services.numbers import parse_whole_number
from directory.web import reads
from directory.web.api import actor, blueprint, int_arg, json_body
from directory.web.api.openapi import openapi_document


@blueprint.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@blueprint.get("/search")
def search_entries():
    page = search.search(actor(), search.parse_request(request.args))
    body = page.as_json()  # before the commit, which would expire every row it reads
    reads.note("search", [result["id"] for result in body["results"]])
    commit()
    return jsonify(body)


@blueprint.get("/find")
def find_counterpart():
    page = search.find_counterpart(actor(), request.args.get("country", ""),
                                   request.args.get("matter", ""),
                                   search.parse_request(request.args))
    body = page.as_json()
    reads.note("search", [result["id"] for result in body["results"]])
    commit()
    return jsonify(body)


@blueprint.get("/suggest")
def suggest():
    found = search.suggest(search.parse_request(request.args), current_locale())
    reads.note("suggest", [suggestion["id"] for suggestion in found["suggestions"]])
    return jsonify(found)


@blueprint.get("/contact-points")
def list_entries():
    per_page = int_arg("per_page", 50, 500)
    page = int_arg("page", 1)
    total, rows = contact_queries.list_contact_points(
        actor(), network=request.args.getlist("network"),
        country=request.args.getlist("country"), status=request.args.getlist("status"),
        page=page, per_page=per_page)
    reads.note("listing", [row.id for row in rows])
    return jsonify(total=total, page=page, per_page=per_page,
                   results=[contact_json.contact_point_json(row) for row in rows])


@blueprint.get("/contact-points/<int:contact_point_id>")
def get_entry(contact_point_id: int):
    contact_point = contact_queries.get_visible_contact_point(actor(), contact_point_id)
    reads.note("api", [contact_point.id])
    return jsonify(contact_json.contact_point_json(contact_point))


@blueprint.post("/contact-points")
def create_entry():
    saved = contacts.create_contact_point(actor(), json_body())
    commit()
    return _saved(saved, 201 if saved.created else 200)


def _saved(saved: contacts.Saved, status: int = 200) -> Response:
    """The entry as it is now; 202 with the proposal when (part of) the change was proposed
    to the entry's other networks instead of made."""
    body = contact_json.contact_point_json(saved.contact_point)
    if saved.proposal is not None:
        body["proposal"] = proposals.proposal_json(saved.proposal)
        status = 202
    response = jsonify(body)
    response.status_code = status
    response.headers["Location"] = url_for("api.get_entry",
                                           contact_point_id=saved.contact_point.id)
    return response


def _version_header() -> int | None:
    value = (request.headers.get("If-Match") or "").strip('"W/ ')
    return parse_whole_number(value)


@blueprint.patch("/contact-points/<int:contact_point_id>")
def patch_entry(contact_point_id: int):
    saved = contacts.update_contact_point(actor(), contact_point_id, json_body(),
                                          version=_version_header())
    commit()
    return _saved(saved)


def _optional_version() -> Any:
    body = request.get_json(force=True, silent=True) if request.data else None
    if isinstance(body, dict) and "version" in body:
        return body["version"]
    return parse_whole_number(request.args.get("version")) or _version_header()


@blueprint.delete("/contact-points/<int:contact_point_id>")
def archive_entry(contact_point_id: int):
    contact_point = contacts.archive_contact_point(actor(), contact_point_id, _optional_version())
    commit()
    return jsonify(contact_json.contact_point_json(contact_point))


@blueprint.post("/contact-points/<int:contact_point_id>/verify")
def verify_entry(contact_point_id: int):
    contact_point = contacts.verify_contact_point(actor(), contact_point_id, _optional_version())
    commit()
    return jsonify(contact_json.contact_point_json(contact_point))


@blueprint.get("/contact-points/<int:contact_point_id>/vcard")
def entry_vcard(contact_point_id: int):
    contact_point = contact_queries.get_visible_contact_point(actor(), contact_point_id)
    reads.note("vcard", [contact_point.id])
    return Response(
        vcard.vcard(contact_point), mimetype="text/vcard",
        headers={"Content-Disposition":
                 f'attachment; filename="contact-point-{contact_point.id}.vcf"'},
    )


@blueprint.get("/contact-points/<int:contact_point_id>/access-log")
def entry_access_log(contact_point_id: int):
    """Admins: who read this entry, when and how (newest first, PER_PAGE a page)."""
    page = int_arg("page", 1)
    total, rows = access_log.reads_of_entry(actor(), contact_point_id, page)
    body = {"contact_point_id": contact_point_id, "total": total, "page": page,
            "per_page": access_log.PER_PAGE,
            "results": [access_log.entry_json(row) for row in rows]}
    commit()
    return jsonify(body)


@blueprint.get("/users/<int:user_id>/access-log")
def user_access_log(user_id: int):
    """Admins: which entries this user read, when and how."""
    page = int_arg("page", 1)
    total, rows = access_log.reads_by_user(actor(), users.get_user(user_id).id, page)
    body = {"user_id": user_id, "total": total, "page": page, "per_page": access_log.PER_PAGE,
            "results": [access_log.entry_json(row) for row in rows]}
    commit()
    return jsonify(body)


@blueprint.get("/contact-points/<int:contact_point_id>/subject-report")
def entry_subject_report(contact_point_id: int):
    """Admins: everything held about this person (SPEC section 13)."""
    report = personal_data.subject_report(actor(), contact_point_id)
    commit()
    return Response(personal_data.report_text(report), mimetype="application/json")


@blueprint.post("/contact-points/<int:contact_point_id>/erase")
def erase_entry(contact_point_id: int):
    """Admins: erase this person (SPEC section 13), with a reason."""
    erasure = personal_data.erase(actor(), contact_point_id, json_body().get("reason"))
    personal_data.finish_in_background(erasure)
    commit()
    return jsonify(erased=erasure.contact_point_id, counts=erasure.counts,
                   unfinished=erasure.unfinished, pending=erasure.pending)
