"""API routes for freshness (SPEC sections 5 and 11): reports of outdated details,
verification campaigns, and the freshness report."""

from __future__ import annotations

from flask import jsonify, request, url_for

from directory.extensions import current_locale
from directory.services import campaigns, commit, freshness, outdated_reports
from directory.web.api import actor, blueprint, json_body


@blueprint.post("/contact-points/<int:contact_point_id>/reports")
def report_outdated(contact_point_id: int):
    """Anyone signed in: the entry's details are out of date. 201 new, 200 already open."""
    row, created = outdated_reports.report(actor(), contact_point_id, json_body())
    body = outdated_reports.report_json(row)
    commit()
    return jsonify(body), 201 if created else 200


@blueprint.get("/reports")
def list_reports():
    """Reports about entries of the networks the reader maintains (`status`: open by default,
    resolved, or all)."""
    status = request.args.get("status", "open")
    rows = outdated_reports.queue(actor(), network=request.args.get("network") or None,
                                  status=None if status == "all" else status)
    return jsonify(results=[outdated_reports.report_json(row) for row in rows])


@blueprint.post("/reports/<int:report_id>/resolve")
def resolve_report(report_id: int):
    row = outdated_reports.resolve(actor(), report_id, json_body().get("resolution"))
    body = outdated_reports.report_json(row)
    commit()
    return jsonify(body)


@blueprint.post("/campaigns")
def start_campaign():
    """Start a verification campaign; 202: its messages are prepared in the background."""
    body = json_body()
    campaign = campaigns.start(actor(), body.get("network"), body.get("only_stale", False))
    commit()
    response = jsonify(campaigns.campaign_json(campaigns.get_campaign(actor(), campaign.id)))
    response.status_code = 202
    response.headers["Location"] = url_for("api.get_campaign", campaign_id=campaign.id)
    return response


@blueprint.get("/campaigns/<int:campaign_id>")
def get_campaign(campaign_id: int):
    return jsonify(campaigns.campaign_json(campaigns.get_campaign(actor(), campaign_id)))


@blueprint.get("/freshness")
def freshness_report():
    rows = freshness.report(actor(), locale=current_locale())
    return jsonify(networks=[row.as_json() for row in rows])
