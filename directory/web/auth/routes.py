"""Signing in (password, then the second factor) and out, and the user's own account:
password, profile, second factor, recovery codes and API tokens."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, logout_user

from directory.extensions import current_locale
from directory.services import commit, password_links, rollback, tokens, two_factor, users
from directory.services.errors import TooManyAttempts, ValidationFailed
from directory.web.auth.forms import (
    LOCALE_CHOICES,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordForm,
    ProfileForm,
)
from directory.web.contacts.forms import language_choices
from directory.web.security import safe_next, start_session

blueprint = Blueprint("auth", __name__)
# A sign-in whose password was right waits this long for its code.
PENDING = "pending_sign_in"
PENDING_SECONDS = 300
ENROL_SECRET = "enrol_secret"


def _user():
    return current_user._get_current_object()


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("search.index"))
    if request.method == "POST" and session.get(PENDING) and "code" in request.form \
            and not request.form.get("password"):
        return login_code()  # the code sent to the sign-in page itself
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            outcome = users.authenticate(form.email.data, form.password.data,
                                         request.remote_addr, form.code.data or None)
        except TooManyAttempts as error:
            commit()  # keep the audit entry of the refusal
            form.password.errors = [error.message]
            status = 429
        except ValidationFailed as error:
            commit()  # the failed attempt must count, whatever happens next
            form.password.errors = [error.message]
        else:
            commit()
            target = safe_next(request.args.get("next"))
            if not outcome.complete:
                session[PENDING] = {"user": outcome.user.get_id(), "at": time.time(),
                                    "next": target}
                return redirect(url_for("auth.login_code"))
            start_session(outcome.user)
            return redirect(target)
    return render_template("auth/login.html", form=form), status


@blueprint.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    """"Forgot your password?": the same answer at once, whether the account exists or not;
    the link is looked up and mailed after the response has gone."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        response = current_app.make_response(render_template("auth/forgot.html", form=None))
        app, typed = current_app._get_current_object(), form.email.data
        response.call_on_close(lambda: password_links.request_reset_after_response(app, typed))
        return response
    status = 422 if request.method == "POST" else 200
    return render_template("auth/forgot.html", form=form), status


def _choose_password(token: str, purpose: str):
    """The page a mailed link opens: choose a password (a reset or an invitation)."""
    if password_links.user_for_token(token, purpose) is None:
        rollback()
        return render_template("auth/new_password.html", form=None, purpose=purpose,
                               expired=password_links.expired_message(purpose)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            password_links.set_password(token, purpose, form.password.data,
                                        form.confirmation.data)
        except ValidationFailed as error:
            rollback()
            for name, message in error.fields.items():
                getattr(form, name, form.password).errors = [message]
        else:
            commit()
            logout_user()
            session.clear()
            flash(_("Your password is set. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/new_password.html", form=form, purpose=purpose,
                           expired=None), status


@blueprint.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, password_links.RESET)


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, password_links.INVITATION)


def _pending_user():
    pending = session.get(PENDING) or {}
    if time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, pending
    return users.user_for_session(pending.get("user", "")), pending


@blueprint.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step: the code of the authenticator app, or a recovery code."""
    user, pending = _pending_user()
    if user is None:
        if session.pop(PENDING, None):
            flash(_("Sign in again: the sign-in waited too long for its code."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            users.second_factor(user, form.code.data, request.remote_addr)
        except TooManyAttempts as error:
            commit()
            form.code.errors = [error.message]
            status = 429
        except ValidationFailed as error:
            commit()  # a wrong code counts as a failed sign-in
            form.code.errors = [error.fields["code"]]
        else:
            commit()
            start_session(user)
            return redirect(safe_next(pending.get("next")))
    elif request.method == "POST":
        status = 422
    return render_template("auth/code.html", form=form), status


@blueprint.route("/logout", methods=["POST"])
def logout():
    users.logout(_user())
    commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def _profile_form(user) -> ProfileForm:
    profile = ProfileForm(prefix="profile", obj=None)
    profile.locale.choices = LOCALE_CHOICES
    profile.languages.choices = language_choices(current_locale())
    if request.method == "GET":
        profile.name.data = user.name
        profile.locale.data = user.locale or ""
        profile.languages.data = list(user.languages or [])
    return profile


def _change_password(user, password: PasswordForm):
    """The password form: a redirect when the password is changed, else None (errors set)."""
    try:
        users.change_password(user, password.current_password.data,
                              password.new_password.data, request.remote_addr)
    except TooManyAttempts as error:
        rollback()
        password.current_password.errors = [error.message]
        return None
    except ValidationFailed as error:
        commit()  # a wrong current password counts as a failed sign-in
        for field, message in error.fields.items():
            getattr(password, field).errors = [message]
        return None
    commit()
    start_session(user)  # this session continues; every other one has ended
    flash(_("Your password is changed. Your other sessions have ended and your API tokens "
            "are revoked."), "success")
    return redirect(url_for("auth.account"))


@blueprint.route("/account", methods=["GET", "POST"])
def account():
    user = _user()
    profile = _profile_form(user)
    password = PasswordForm(prefix="password")
    if request.method == "POST" and "profile-name" in request.form and profile.validate_on_submit():
        users.update_profile(user, {"name": profile.name.data, "locale": profile.locale.data,
                                    "languages": profile.languages.data})
        commit()
        refresh()  # the interface language may have just changed: say it in the new one
        flash(_("Your account is saved."), "success")
        return redirect(url_for("auth.account"))
    if (request.method == "POST" and "password-new_password" in request.form
            and password.validate_on_submit()):
        done = _change_password(user, password)
        if done is not None:
            return done
    return render_template(
        "auth/account.html", profile=profile, password=password, tokens=tokens.list_tokens(user),
        token_status=tokens.status, code_form=CodeForm(prefix="factor"),
        revoke_url=lambda token: url_for("auth.revoke_token", token_id=token.id),
        enrolled=two_factor.is_enrolled(user), required=two_factor.required_for(user),
        recovery_left=two_factor.recovery_codes_left(user) if two_factor.is_enrolled(user) else 0,
        step=users.pending_step(user))


@blueprint.route("/account/two-factor", methods=["GET", "POST"], endpoint="two_factor")
def two_factor_enrol():
    """Enrolment: the QR code and the otpauth:// URI, then a code to prove the app has it."""
    user = _user()
    if two_factor.is_enrolled(user):
        return redirect(url_for("auth.account"))
    secret = session.get(ENROL_SECRET) or two_factor.new_secret()
    session[ENROL_SECRET] = secret
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        codes = two_factor.enrol(user, secret, form.code.data)
        if codes is not None:
            commit()
            session.pop(ENROL_SECRET, None)
            return render_template("auth/recovery_codes.html", codes=codes)
        rollback()
        form.code.errors = [_("This code is not right. Check the time of your phone and type "
                              "the code the app shows now.")]
    if request.method == "POST":
        status = 422
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor.html", form=form, uri=uri, secret=secret,
                           qr=two_factor.qr_svg(uri, _("QR code to scan with your "
                                                      "authenticator app")),
                           required=two_factor.required_for(user)), status


@blueprint.post("/account/two-factor/off")
def two_factor_off():
    form = CodeForm(prefix="factor")
    if form.validate_on_submit() and two_factor.turn_off(_user(), form.code.data):
        commit()
        flash(_("Signing in no longer asks for a code."), "success")
    else:
        commit()  # a code used is used
        flash(_("The second factor is still on: the code was not right."), "error")
    return redirect(url_for("auth.account"))


@blueprint.post("/account/recovery-codes")
def recovery_codes():
    form = CodeForm(prefix="factor")
    codes = two_factor.replace_recovery_codes(_user(), form.code.data) \
        if form.validate_on_submit() else None
    if codes is None:
        rollback()
        flash(_("Your recovery codes are unchanged: the code was not right."), "error")
        return redirect(url_for("auth.account"))
    commit()
    return render_template("auth/recovery_codes.html", codes=codes)


@blueprint.post("/account/tokens/<int:token_id>/revoke")
def revoke_token(token_id: int):
    user = _user()
    tokens.revoke(user, user, token_id)
    commit()
    flash(_("The token is revoked."), "success")
    return redirect(url_for("auth.account"))
