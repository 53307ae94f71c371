"""Pages for proposals: the queue of one's networks, and accepting or rejecting one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from directory.services import commit, contact_queries, outdated_reports, proposals, rollback
from directory.services.errors import Conflict, ValidationFailed

blueprint = Blueprint("proposals", __name__, url_prefix="/proposals")


def _actor():
    return current_user._get_current_object()


@blueprint.get("")
def queue():
    """Pending proposals about the entries of the reader's networks, and the reader's own."""
    network = request.args.get("network") or None
    actor = _actor()
    return render_template("proposals/queue.html", queue=proposals.queue(actor, network),
                           reports=outdated_reports.queue(actor, network),
                           networks=contact_queries.networks_of(actor), network=network,
                           action_form=FlaskForm())


def _back():
    """Back to the page the decision was made on (a local path only)."""
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("proposals.queue"))


def _decide(decision, done: str):
    """Run `decision(actor)`; back to the page it was made on, saying what happened."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        decision(_actor())
    except (Conflict, ValidationFailed) as error:
        rollback()
        flash(error.message if isinstance(error, Conflict) else "; ".join(
            error.fields.values()), "error")
        return _back()
    commit()
    flash(done, "success")
    return _back()


@blueprint.post("/<int:proposal_id>/accept")
def accept(proposal_id: int):
    return _decide(lambda actor: proposals.accept(actor, proposal_id),
                   _("The proposal is accepted: the entry is changed."))


@blueprint.post("/<int:proposal_id>/reject")
def reject(proposal_id: int):
    return _decide(lambda actor: proposals.reject(actor, proposal_id,
                                                  request.form.get("reason", "")),
                   _("The proposal is rejected; its proposer sees your reason."))
