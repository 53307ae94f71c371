"""Login required everywhere, sessions that can be ended, tokens, strict headers.

Nothing but the login page and static assets is served to someone who has not signed in.
"""

from __future__ import annotations

import time

from flask import Flask, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from directory.extensions import db, login_manager
from directory.models import User
from directory.services import audit, users

PUBLIC_ENDPOINTS = {"auth.login", "static", "language"}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry the user's epoch: logout or a new password makes old cookies worthless."""
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def _unauthorized(message: str):
    response = jsonify(error={"code": "unauthorized", "message": message, "fields": {}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="counterpart"'
    return response


def init_app(app: Flask) -> None:
    login_manager.session_protection = None  # the epoch and the absolute lifetime do this job
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    @app.before_request
    def require_login():
        audit.current_address.set(request.remote_addr)
        if request.endpoint == "static":
            return None
        if _bearer_token() is None and current_user.is_authenticated:
            # Checked on public pages too: an expired session may not even choose a language.
            started = session.get("signed_in_at", 0)
            if time.time() - started > app.config["PERMANENT_SESSION_LIFETIME"].total_seconds():
                logout_user()
                session.clear()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        token = _bearer_token()
        if token is not None:
            # A token names its user, whatever session cookie comes along with it.
            user = users.user_for_token(token)
            if user is None:
                return _unauthorized(_("This API token is not valid (revoked, unknown, or its "
                                       "user is deactivated)."))
            g._login_user = user  # Flask-Login's slot for the request's user
            g.token_auth = True
            return None
        if current_user.is_authenticated:
            return None
        if is_api_request():
            return _unauthorized(_("Sign in, or send Authorization: Bearer TOKEN."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.after_request
    def strict_headers(response):
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response


def start_session(user: User) -> None:
    from flask_login import login_user

    session.clear()
    session.permanent = True
    login_user(user, remember=False)
    session["signed_in_at"] = time.time()
