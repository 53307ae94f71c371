"""API routes for initial contacts and the direct-contacts indicators."""

from __future__ import annotations

from flask import jsonify, request, url_for

from directory.services import commit, events, indicators
from directory.web.api import actor, blueprint, int_arg, json_body


@blueprint.post("/contact-events")
def log_contact():
    event, created = events.log_contact(actor(), json_body())
    commit()
    response = jsonify(events.event_json(event))
    response.status_code = 201 if created else 200
    response.headers["Location"] = url_for("api.get_contact", event_id=event.id)
    return response


@blueprint.get("/contact-events/<int:event_id>")
def get_contact(event_id: int):
    return jsonify(events.event_json(events.get_own(actor(), event_id)))


@blueprint.get("/contact-events")
def list_contacts():
    per_page = int_arg("per_page", 50, 500)
    page = int_arg("page", 1)
    total, rows = events.list_own(actor(), page=page, per_page=per_page)
    return jsonify(total=total, page=page, per_page=per_page,
                   results=[events.event_json(event) for event in rows])


@blueprint.post("/contact-events/<int:event_id>/void")
def void_contact(event_id: int):
    event = events.void(actor(), event_id, json_body().get("reason"))
    commit()
    return jsonify(events.event_json(event))


@blueprint.post("/contact-events/<int:event_id>/established")
def mark_established(event_id: int):
    body = json_body() if request.data else {}
    event = events.mark_established(actor(), event_id, body.get("established_on"))
    commit()
    return jsonify(events.event_json(event))


@blueprint.get("/indicators")
def indicator_report():
    start, end, by = indicators.parse_period(request.args.get("from"), request.args.get("to"),
                                             request.args.get("by"))
    report = indicators.build_report(actor(), start, end, by)
    return jsonify(report.as_json())
