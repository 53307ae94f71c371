"""The search page: one query box, filters with counts, and "find a counterpart"."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import select

from directory import vocabulary
from directory.extensions import db
from directory.models import Network, Specialism
from directory.services import commit, permissions, rollback, search
from directory.services.errors import ServiceError, Unavailable
from directory.web import reads

blueprint = Blueprint("search", __name__)


@blueprint.get("/")
def index():
    actor = current_user._get_current_object()
    locale = str(get_locale() or "en")
    error = None
    page = None
    status = 200
    find = request.args.get("find") == "1"
    try:
        wanted = search.parse_request(request.args)
        if find:
            page = search.find_counterpart(actor, request.args.get("country", ""),
                                           request.args.get("matter", ""), wanted)
        else:
            page = search.search(actor, wanted)
    except Unavailable as problem:
        error, status = problem.message, 503
    except ServiceError as problem:
        error, status = problem.message, 400
    networks = {n.slug: n for n in db.session.scalars(select(Network).order_by(Network.id))}
    specialisms = {s.slug: s for s in db.session.scalars(
        select(Specialism).order_by(Specialism.position))}
    html = render_template(
        "search/index.html", page=page, error=error, find=find, networks=networks,
        specialisms=specialisms, locale=locale, args=request.args,
        may_log=permissions.can_log_contacts(actor),
        may_maintain=permissions.can_maintain(actor),
        countries=sorted(((code, term.label(locale)) for code, term in
                          vocabulary.countries().items()), key=lambda item: item[1]),
    )
    # The search counted one use of the directory: commit it once the page is rendered, as a
    # commit expires the rows the page reads (each would be loaded again, one by one).
    if page is not None:
        reads.note("search", [contact_point.id for contact_point, _, _ in page.results])
        commit()
    else:
        rollback()
    return html, status
