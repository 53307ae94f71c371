"""Blueprints: the pages for people and the JSON API, thin layers over the services."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from directory.services import outdated_reports, permissions, proposals

# (endpoint, label, who sees it) — entries whose blueprint is not registered are skipped.
MENU = (
    ("events.mine", _l("My contacts"), permissions.can_log_contacts),
    ("reports.indicators_page", _l("Indicators"), lambda _user: True),
    ("contacts.create", _l("New entry"), lambda user: permissions.can_maintain(user)),
    ("contacts.stale", _l("To re-verify"), lambda user: permissions.can_maintain(user)),
    ("imports.upload", _l("Import"), lambda user: permissions.can_maintain(user)),
    ("proposals.queue", _l("Proposals"), lambda user: permissions.can_maintain(user)),
    ("freshness.report", _l("Freshness"), permissions.can_read_freshness),
    ("admin.user_list", _l("Users"), lambda user: user.role == "admin"),
)
# A number beside a menu entry: what waits for the user there.
COUNTS = {"proposals.queue": proposals.count_to_decide}


def register_blueprints(app: Flask) -> None:
    from directory.web import errors, limits, reads, templating
    from directory.web.admin.routes import blueprint as admin
    from directory.web.api import blueprint as api
    from directory.web.api import events as _api_events  # noqa: F401
    from directory.web.api import freshness as _api_freshness  # noqa: F401
    from directory.web.api import proposals as _api_proposals  # noqa: F401
    from directory.web.api import routes as _api_routes  # noqa: F401  (attaches the routes)
    from directory.web.auth.routes import blueprint as auth
    from directory.web.confirm.routes import blueprint as confirm
    from directory.web.contacts.routes import blueprint as contacts
    from directory.web.events.routes import blueprint as events
    from directory.web.freshness.routes import blueprint as freshness
    from directory.web.imports.routes import blueprint as imports
    from directory.web.outdated.routes import blueprint as outdated
    from directory.web.proposals.routes import blueprint as proposals_pages
    from directory.web.reports.routes import blueprint as reports
    from directory.web.search.routes import blueprint as search

    limits.init_app(app)
    for blueprint in (auth, search, contacts, events, reports, imports, proposals_pages, admin,
                      freshness, outdated, confirm, api):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    templating.init_app(app)
    reads.init_app(app)
    app.add_template_global(outdated_reports.REASONS, "report_reasons")
    app.add_template_global(outdated_reports.RESOLUTIONS, "report_resolutions")

    @app.context_processor
    def menu():
        def main_menu():
            if not current_user.is_authenticated:
                return []
            user = current_user._get_current_object()
            return [{"url": url_for(endpoint), "label": label,
                     "count": COUNTS[endpoint](user) if endpoint in COUNTS else None}
                    for endpoint, label, visible in MENU
                    if endpoint in app.view_functions and visible(user)]

        return {"main_menu": main_menu}
