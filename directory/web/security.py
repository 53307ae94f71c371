"""Login required everywhere, sessions that can be ended, tokens, strict headers, redirects.

Nothing but the login page and static assets is served to someone who has not signed in. A
signed-in user who must first choose their own password or enrol a second factor reaches only
that page. Sessions end with the browser, after SESSION_IDLE_MINUTES without a request, and
SESSION_MINUTES after sign-in whatever the activity.
"""

from __future__ import annotations

import logging
import re
import time
from urllib.parse import urlsplit

from flask import Flask, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from directory.extensions import login_manager
from directory.models import User
from directory.services import audit, commit, tokens, users

# confirm.page: a contact point's own confirmation page, reached from a campaign's e-mail
# (SPEC sections 2 and 11); the token in its address is what admits them. The password pages
# a mailed link opens are public too (SPEC section 13).
PUBLIC_ENDPOINTS = {"auth.login", "auth.login_code", "auth.forgot_password",
                    "auth.reset_password", "auth.accept_invitation", "static", "language",
                    "confirm.page", "confirm.correct"}
# What a user who must first change their password or enrol a second factor may reach.
PENDING_STEP_ENDPOINTS = {"password": "auth.account", "two-factor": "auth.two_factor"}
ALWAYS_ALLOWED = {"auth.logout", "static", "language"}
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
# Session activity is written back at most this often (each write is a new cookie).
SEEN_PRECISION_SECONDS = 30
log = logging.getLogger(__name__)
# Browsers drop these from a URL before reading it, so "/\t/evil.example" means "//evil.example".
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f\\]")


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def safe_next(target: str | None, fallback: str | None = None) -> str:
    """The one check of every `next=`: a path on this site, else the fallback (the search).

    Anything a browser would read as another host (`//x`, `/\\x`, `/\\t/x`, `https:x`) is
    refused."""
    fallback = fallback or url_for("search.index")
    if not target or _IGNORED_IN_URLS.search(target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Sessions carry the user's epoch: logout or a new password makes old cookies worthless."""
    return users.user_for_session(session_id)


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if request.path.startswith("/api/") and header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def _api_error(status: int, code: str, message: str):
    response = jsonify(error={"code": code, "message": message, "fields": {}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="counterpart"'
    return response


def _session_expired(app: Flask) -> bool:
    """Past the absolute lifetime, or idle for too long."""
    moment = time.time()
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if moment - session.get("signed_in_at", 0) > lifetime:
        return True
    return moment - session.get("seen_at", 0) > float(app.config["SESSION_IDLE_MINUTES"]) * 60


def _note_activity() -> None:
    moment = time.time()
    if moment - session.get("seen_at", 0) >= SEEN_PRECISION_SECONDS:
        session["seen_at"] = moment


def _token_user(token: str):
    """Sign the request in by its token (no second factor: tokens are the non-interactive
    way in); a 401 if the token is not valid."""
    found = tokens.user_for_token(token)
    if found is None:
        return _api_error(401, "unauthorized", _(
            "This API token is not valid (revoked, expired, unknown, or its user is "
            "deactivated)."))
    user, row = found
    if tokens.note_use(row):
        commit()
    g._login_user = user  # Flask-Login's slot for the request's user
    g.token_auth = True
    return None


def _pending_step_answer(user: User):
    """Until the user has chosen their password or enrolled a second factor, only that page."""
    step = users.pending_step(user)
    if step is None or request.endpoint in ALWAYS_ALLOWED:
        return None
    endpoint = PENDING_STEP_ENDPOINTS[step]
    if request.endpoint == endpoint:
        return None
    if is_api_request():
        return _api_error(403, "account_setup_required", _(
            "Finish setting up your account in the browser first (a new password or the "
            "second factor), or use an API token."))
    return redirect(url_for(endpoint))


def _warn_untrusted_proxy(app: Flask) -> None:
    """Once per process: requests come through a proxy that the app does not trust, so every
    client shares the proxy's address for throttling and the audit."""
    if app.extensions.get("counterpart_proxy_warned") or int(app.config["PROXY_COUNT"]):
        return
    if "X-Forwarded-For" in request.headers:
        app.extensions["counterpart_proxy_warned"] = True
        log.warning("Requests arrive with X-Forwarded-For but COUNTERPART_PROXY_COUNT is 0: "
                    "every client is seen as %s, the proxy. Set COUNTERPART_PROXY_COUNT to the "
                    "number of proxies in front of Counterpart.", request.remote_addr)


def init_app(app: Flask) -> None:
    login_manager.session_protection = None  # the epoch and the lifetimes do this job
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False

    @app.before_request
    def require_login():
        audit.current_address.set(request.remote_addr)
        _warn_untrusted_proxy(app)
        if request.endpoint == "static":
            return None
        token = _bearer_token()
        if token is None and current_user.is_authenticated:
            # Checked on public pages too: an expired session may not even choose a language.
            if _session_expired(app):
                logout_user()
                session.clear()
            else:
                _note_activity()
        if token is not None:
            # A token names its user, whatever session cookie comes along with it.
            return None if request.endpoint in PUBLIC_ENDPOINTS else _token_user(token)
        if current_user.is_authenticated:
            return _pending_step_answer(current_user._get_current_object())
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if is_api_request():
            return _api_error(401, "unauthorized",
                              _("Sign in, or send Authorization: Bearer TOKEN."))
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
    """A fresh session for the user: a new cookie that ends with the browser."""
    session.clear()
    session.permanent = False
    login_user(user, remember=False)
    session["signed_in_at"] = session["seen_at"] = time.time()
