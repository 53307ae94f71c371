"""The search page: one query box, filters with counts, and "find a counterpart"."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from directory.services import commit, networks, permissions, rollback, search
from directory.services.errors import ServiceError, Unavailable
from directory.web import reads

blueprint = Blueprint("search", __name__)


@blueprint.get("/")
def index():
    actor = current_user._get_current_object()
    error = None
    page = None
    status = 200
    try:
        page = search.search_page(actor, request.args)
    except Unavailable as problem:
        error, status = problem.message, 503
    except ServiceError as problem:
        error, status = problem.message, 400
    find = request.args.get("find") == "1"
    chosen = (request.args.get("country") or "").upper() if find else None
    html = render_template(
        "search/index.html", page=page, error=error, find=find,
        networks={network.slug: network for network in networks.list_networks()},
        specialisms={specialism.slug: specialism for specialism in networks.list_specialisms()},
        args=request.args, may_log=permissions.can_log_contacts(actor),
        may_maintain=permissions.can_maintain(actor),
        country_groups=search.find_countries(actor, chosen) if status != 503 else [],
    )
    # The search counted one use of the directory: commit it once the page is rendered, as a
    # commit expires the rows the page reads (each would be loaded again, one by one).
    if page is not None:
        reads.note("search", [contact_point.id for contact_point, _, _ in page.results])
        commit()
    else:
        rollback()
    return html, status
