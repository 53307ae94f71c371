"""API routes for proposals (SPEC sections 5 and 10): listing, accepting, rejecting."""

from __future__ import annotations

from flask import jsonify, request

from directory.services import commit, proposals
from directory.web.api import actor, blueprint, json_body


@blueprint.get("/proposals")
def list_proposals():
    """The proposals the reader made or may decide (`status`, `network` narrow them)."""
    rows = proposals.list_proposals(actor(), status=request.args.get("status") or None,
                                    network=request.args.get("network") or None)
    return jsonify(results=[proposals.proposal_json(proposal) for proposal in rows])


@blueprint.get("/proposals/<int:proposal_id>")
def get_proposal(proposal_id: int):
    return jsonify(proposals.proposal_json(proposals.get_proposal(actor(), proposal_id)))


@blueprint.post("/proposals/<int:proposal_id>/accept")
def accept_proposal(proposal_id: int):
    proposal = proposals.accept(actor(), proposal_id)
    commit()
    return jsonify(proposals.proposal_json(proposal))


@blueprint.post("/proposals/<int:proposal_id>/reject")
def reject_proposal(proposal_id: int):
    proposal = proposals.reject(actor(), proposal_id, json_body().get("reason"))
    commit()
    return jsonify(proposals.proposal_json(proposal))
