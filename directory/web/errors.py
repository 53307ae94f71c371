"""Every error becomes a clear message, as JSON for the API and as a page for people.

No traceback ever reaches a user; unexpected errors are logged and answered with a 500.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from directory.extensions import login_manager
from directory.services import rollback
from directory.services.errors import ServiceError
from directory.web.security import is_api_request

log = logging.getLogger(__name__)
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large",
         415: "unsupported_media_type", 422: "validation_failed", 429: "too_many_requests",
         500: "internal_error", 503: "unavailable"}


def error_response(status: int, message: str, code: str | None = None,
                   fields: dict[str, str] | None = None, **extra):
    if is_api_request():
        body = {"code": code or CODES.get(status, "error"), "message": message,
                "fields": fields or {}, **extra}
        response = jsonify(error=body)
        response.status_code = status
        return response
    return render_template("error.html", status=status, message=message,
                           fields=fields or {}), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        rollback()
        extra = {}
        if getattr(error, "existing_id", None) is not None:
            extra["existing_id"] = error.existing_id
        return error_response(error.status, error.message, error.code, error.fields, **extra)

    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError):
        rollback()
        return error_response(400, _("The form had expired or did not come from this site. "
                                     "Reload the page and try again."), "csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        rollback()
        messages = {
            404: _("This page or record does not exist."),
            405: _("This method is not allowed here."),
            413: _("The upload is too large: at most 20 MB."),
        }
        return error_response(error.code or 500, messages.get(error.code, error.description))

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        log.error("Database unavailable: %s", error)
        rollback()
        if "_login_user" not in g:
            # The user could not be loaded: the page is answered as to a visitor (language
            # from the browser), without asking the unavailable database again.
            g._login_user = login_manager.anonymous_user()
        if "database is locked" in str(error.orig):  # SQLite: another transaction held it
            return error_response(503, _("The directory is busy with a long change (an import "
                                         "being checked or applied). Try again in a moment."))
        return error_response(503, _("The database is unavailable or not initialised "
                                     "(an administrator runs `counterpart init-db`)."))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("Unexpected error", exc_info=error)
        rollback()
        return error_response(
            InternalServerError.code,
            _("Something went wrong on our side. The error was logged; please try again."))
