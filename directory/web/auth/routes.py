"""Signing in and out, and the user's own account (password, languages)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, logout_user

from directory.extensions import current_locale
from directory.services import commit, rollback, users
from directory.services.errors import TooManyAttempts, ValidationFailed
from directory.web.auth.forms import LOCALE_CHOICES, LoginForm, PasswordForm, ProfileForm
from directory.web.contacts.forms import language_choices
from directory.web.security import start_session

blueprint = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never send a user off to another host after signing in."""
    if not target:
        return url_for("search.index")
    parts = urlsplit(target)
    # Browsers read `/\\host` as `//host`: a backslash never belongs in a path of ours.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return url_for("search.index")
    return target


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("search.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.email.data, form.password.data, request.remote_addr)
        except TooManyAttempts as error:
            commit()  # keep the audit entry of the refusal
            form.password.errors = [error.message]
            status = 429
        except ValidationFailed:
            commit()  # the failed attempt must count, whatever happens next
            form.password.errors = [_("The e-mail or the password is not right.")]
        else:
            commit()
            start_session(user)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    users.logout(current_user._get_current_object())
    commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account", methods=["GET", "POST"])
def account():
    user = current_user._get_current_object()
    profile = ProfileForm(prefix="profile", obj=None)
    profile.locale.choices = LOCALE_CHOICES
    profile.languages.choices = language_choices(current_locale())
    password = PasswordForm(prefix="password")
    if request.method == "GET":
        profile.name.data = user.name
        profile.locale.data = user.locale or ""
        profile.languages.data = list(user.languages or [])
    if request.method == "POST" and "profile-name" in request.form and profile.validate_on_submit():
        users.update_profile(user, {"name": profile.name.data, "locale": profile.locale.data,
                                    "languages": profile.languages.data})
        commit()
        refresh()  # the interface language may have just changed: say it in the new one
        flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"))
    if (request.method == "POST" and "password-new_password" in request.form
            and password.validate_on_submit()):
        try:
            users.change_password(user, password.current_password.data,
                                  password.new_password.data)
        except ValidationFailed as error:
            rollback()
            for field, message in error.fields.items():
                getattr(password, field).errors = [message]
        else:
            commit()
            start_session(user)  # this session continues; every other one has ended
            flash(_("Your password is changed. Your other sessions have ended."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", profile=profile, password=password)
