"""Recording reads of entries in the access log from the pages and the API.

A view calls `note(how, ids)`; the rows are written in bulk once the response has gone (the
WSGI server closes it), off the request's critical path (services/access_log.py).
"""

from __future__ import annotations

import atexit
import weakref
from collections.abc import Iterable

from flask import Flask, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from directory.services import access_log

# How an entry was read, for the access log pages.
HOW = {"page": _l("its page"), "api": _l("the API"), "vcard": _l("its vCard"),
       "search": _l("search results"), "listing": _l("a listing"),
       "suggest": _l("as-you-type suggestions"), "export": _l("an export")}
CHANNEL = {"web": _l("web"), "api": _l("API"), "cli": _l("command line")}


def note(how: str, contact_point_ids: Iterable[int]) -> None:
    channel = "api" if request.path.startswith("/api/") else "web"
    access_log.record(current_user._get_current_object(), how, channel, contact_point_ids)


def _flush_at_exit(app_ref: weakref.ref) -> None:
    app = app_ref()
    if app is not None:
        access_log.flush_if_due(app, force=True)


def init_app(app: Flask) -> None:
    @app.context_processor
    def access_log_labels():
        return {"how_label": lambda how: HOW.get(how, how),
                "channel_label": lambda channel: CHANNEL.get(channel, channel)}

    # A worker that stops (gunicorn's graceful stop, a restart) writes what it still holds.
    atexit.register(_flush_at_exit, weakref.ref(app))

    @app.after_request
    def write_after_the_response(response):
        if access_log.pending():
            target = current_app._get_current_object()
            response.call_on_close(lambda: access_log.flush_if_due(target))
        return response
