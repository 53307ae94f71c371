"""The interface language: the user's choice (kept in their profile), else the browser's.

Arabic pages are right to left.
"""

from __future__ import annotations

from flask import Flask, abort, has_request_context, redirect, request
from flask_babel import format_decimal, get_translations, refresh
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from directory import vocabulary
from directory.extensions import current_locale
from directory.web.security import safe_next
from imports import messages

RTL = {"ar"}
COOKIE = "lang"


def select_locale() -> str | None:
    if not has_request_context():
        return None  # the command line and background work speak English
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    chosen = request.cookies.get(COOKIE)
    if chosen in vocabulary.LOCALES:
        return chosen
    return request.accept_languages.best_match(vocabulary.LOCALES) or "en"


def translate(value) -> str:
    """A Message of the importer (which has no gettext of its own), or a value holding
    some, in the page's language."""
    return messages.render(value, messages.Reader(get_translations(), format_decimal,
                                                  current_locale()))


def init_app(app: Flask) -> None:
    # Each request chooses its language afresh, even inside an application context that an
    # earlier request or a command already used (Flask-Babel caches the choice in `g`).
    app.before_request_funcs.setdefault(None, []).insert(0, refresh)

    @app.context_processor
    def language_context():
        locale = current_locale()
        return {"locale": locale, "text_direction": "rtl" if locale in RTL else "ltr",
                "vocabulary": vocabulary}

    @app.post("/language", endpoint="language")
    def choose_language():
        """Remember the chosen language: in the profile when signed in, else in a cookie."""
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)
        code = request.form.get("code")
        if code not in vocabulary.LOCALES:
            abort(400)
        if current_user.is_authenticated:
            from directory.services import commit, users

            users.update_profile(current_user._get_current_object(), {"locale": code})
            commit()
        response = redirect(safe_next(request.form.get("next")))
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return response
