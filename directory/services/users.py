"""Users: accounts, sign-in (password, then the second factor), sessions, password changes.

Passwords are in passwords.py, throttling in throttling.py, the second factor in
two_factor.py and API tokens in tokens.py; this module puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import select

from directory import vocabulary
from directory.extensions import db
from directory.models import Network, User
from directory.services import audit, passwords, throttling, tokens, two_factor
from directory.services.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from directory.services.permissions import require_admin
from imports.normalise import normalise_email

ROLES = tuple(vocabulary.ROLES)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(gettext("There is no user %(id)s.", id=user_id))
    return user


def find_user(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email.strip().lower())).first()


def _clean_account(values: dict[str, Any], creating: bool, clean: dict[str, Any],
                   errors: dict[str, str]) -> None:
    """E-mail, role, networks and country: who the user is and what they may do."""
    if creating or "email" in values:
        try:
            clean["email"] = normalise_email(values.get("email") or "")
        except ValueError:
            errors["email"] = gettext("'%(value)s' is not a valid e-mail address.",
                                      value=values.get("email") or "")
    if creating or "role" in values:
        role = values.get("role")
        if role not in ROLES:
            errors["role"] = gettext("'%(value)s' is not a role; use one of %(choices)s.",
                                     value=role, choices=", ".join(ROLES))
        clean["role"] = role
    if "networks" in values:
        slugs = list(values.get("networks") or [])
        networks = list(db.session.scalars(select(Network).where(Network.slug.in_(slugs))))
        missing = set(slugs) - {network.slug for network in networks}
        if missing:
            errors["networks"] = gettext("Unknown network: %(networks)s.",
                                         networks=", ".join(sorted(missing)))
        clean["networks"] = networks
    if values.get("country"):
        code = vocabulary.lookup("country", values["country"])
        if code is None:
            errors["country"] = gettext("'%(value)s' is not a known country.",
                                        value=values["country"])
        clean["country"] = code
    elif "country" in values:
        clean["country"] = None
    if clean.get("role") == "secretariat" and not clean.get("networks") and creating:
        errors.setdefault("networks", gettext("A secretariat maintains at least one network."))


def _clean_profile(values: dict[str, Any], clean: dict[str, Any], errors: dict[str, str]) -> None:
    """Name, organisation, languages and interface language."""
    for field in ("name", "organisation"):
        if field in values:
            text = (values.get(field) or "").strip()
            if len(text) > 300:
                errors[field] = ngettext("At most %(num)s character.",
                                         "At most %(num)s characters.", 300)
            clean[field] = text
    if "languages" in values:
        codes = []
        for item in values.get("languages") or []:
            code = vocabulary.lookup("language", item)
            if code is None:
                errors["languages"] = gettext("'%(value)s' is not a known language.", value=item)
            elif code not in codes:
                codes.append(code)
        clean["languages"] = codes
    if "locale" in values:
        locale = values.get("locale") or None
        if locale not in (None, *vocabulary.LOCALES):
            errors["locale"] = gettext("Choose English, French or Arabic.")
        clean["locale"] = locale


def _clean_user(values: dict[str, Any], creating: bool,
                email: str | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    _clean_account(values, creating, clean, errors)
    _clean_profile(values, clean, errors)
    if values.get("password") is not None:
        problem = passwords.problem(values["password"], clean.get("email") or email)
        if problem:
            errors["password"] = problem
        else:
            clean["password_hash"] = passwords.hash_password(values["password"])
    if errors:
        raise ValidationFailed(errors)
    return clean


def create_user(actor: User | None, values: dict[str, Any],
                one_time_password: bool = False) -> User:
    """Create a user. `actor` None means the command line (an operator on the server).
    A one-time password (one the user did not choose) must be changed at the first sign-in."""
    if actor is not None:
        require_admin(actor)
    clean = _clean_user(values, creating=True)
    if find_user(clean["email"]) is not None:
        raise Conflict(gettext("A user with the e-mail %(email)s already exists.",
                               email=clean["email"]),
                       {"email": gettext("Already in use.")})
    user = User(**{"languages": [], **clean},
                must_change_password=one_time_password and "password_hash" in clean)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id,
                 {"email": [None, user.email], "role": [None, user.role],
                  "networks": [None, sorted(user.network_slugs)]})
    return user


def update_user(actor: User, user_id: int, values: dict[str, Any]) -> User:
    """Admin edits a user. Deactivating ends the user's sessions and revokes their tokens for
    good; a password set here is a one-time password, and ends sessions and tokens too."""
    require_admin(actor)
    user = get_user(user_id)
    clean = _clean_user(values, creating=False, email=user.email)
    if "email" in clean and clean["email"] != user.email:
        other = find_user(clean["email"])
        if other is not None:
            raise Conflict(gettext("A user with the e-mail %(email)s already exists.",
                                   email=clean["email"]),
                           {"email": gettext("Already in use.")})
    before = _user_state(user)
    for field, value in clean.items():
        setattr(user, field, value)
    if "active" in values:
        user.active = bool(values["active"])
    after = _user_state(user)
    if user.role == "secretariat" and not user.networks:
        raise ValidationFailed(
            {"networks": gettext("A secretariat maintains at least one network.")})
    if "password_hash" in clean:
        user.must_change_password = True
        throttling.lift_hold(user)
    if not user.active or "password_hash" in clean:
        end_sessions(user)
        tokens.revoke_all(actor, user, "deactivated" if not user.active else "password set")
    changes = audit.diff(before, after)
    if "password_hash" in clean:
        changes["password"] = ["***", "***"]
    audit.record(actor, "user.updated", "user", user.id, changes)
    return user


def _user_state(user: User) -> dict[str, Any]:
    return {"email": user.email, "name": user.name, "role": user.role, "country": user.country,
            "organisation": user.organisation, "languages": list(user.languages or []),
            "locale": user.locale, "active": user.active,
            "networks": sorted(user.network_slugs)}


def update_profile(actor: User, values: dict[str, Any]) -> User:
    """What users may change about themselves: name, languages, interface language."""
    allowed = {key: values[key] for key in ("name", "languages", "locale") if key in values}
    clean = _clean_user(allowed, creating=False)
    before = _user_state(actor)
    for field, value in clean.items():
        setattr(actor, field, value)
    audit.record(actor, "user.profile_updated", "user", actor.id,
                 audit.diff(before, _user_state(actor)))
    return actor


def end_sessions(user: User) -> None:
    """Every session cookie issued before now stops working, even a copied one."""
    user.session_epoch += 1


def change_password(actor: User, current: str, new: str, address: str | None) -> None:
    """The user changes their password. A wrong current password counts as a failed sign-in
    (so this form is no way around throttling). Ends every session and revokes every token."""
    key, group = actor.email, throttling.address_group(address)
    throttling.check(key, group)
    if not passwords.verify(actor.password_hash, current):
        throttling.record(key, group, succeeded=False, known=True)
        audit.record(actor, "login.failed", "user", actor.id,
                     {"stage": [None, "current-password"]})
        raise ValidationFailed({"current_password": gettext("This is not your current password.")})
    problem = passwords.problem(new, actor.email)
    if problem is None and new == current:
        problem = gettext("Choose a password different from the current one.")
    if problem:
        raise ValidationFailed({"new_password": problem})
    actor.password_hash = passwords.hash_password(new)
    actor.must_change_password = False
    end_sessions(actor)
    tokens.revoke_all(actor, actor, "password changed")
    audit.record(actor, "user.password_changed", "user", actor.id)


@dataclass
class SignIn:
    """The outcome of a right password: complete, or waiting for the second factor."""

    user: User
    complete: bool


def _refused(key: str, error: TooManyAttempts) -> TooManyAttempts:
    audit.record(None, "login.throttled", "user", None, actor_label=key)
    return error


def _failed(user: User | None, key: str, group: str, stage: str, address_limited: bool,
            field: str, message: str) -> ValidationFailed | TooManyAttempts:
    throttling.record(key, group, succeeded=False, known=user is not None)
    audit.record(user, "login.failed", "user", user.id if user else None,
                 {"stage": [None, stage]}, actor_label=key)
    if address_limited:
        return throttling.address_refusal()
    return ValidationFailed({field: message}, message)


def _succeeded(user: User, group: str, second_factor: str | None) -> SignIn:
    throttling.record(user.email, group, succeeded=True, known=True)
    audit.record(user, "login.succeeded", "user", user.id,
                 {"second_factor": [None, second_factor]} if second_factor else None)
    return SignIn(user, complete=True)


def authenticate(email: str, password: str, address: str | None, code: str | None = None) -> SignIn:
    """Check a sign-in's password (and its code, when given with it). Throttled as
    throttling.py says; an unknown account answers like a known one, as slowly."""
    typed = (email or "").strip().lower()[:320]
    group = throttling.address_group(address)
    user = find_user(typed) if typed else None
    key = throttling.account_key(typed, user)
    try:
        verdict = throttling.check(key, group)
    except TooManyAttempts as error:
        raise _refused(key, error) from None
    if user is None:
        passwords.burn_time(password)
    # The password is checked first, so a deactivated account answers as slowly as any other.
    if not (user is not None and passwords.verify(user.password_hash, password) and user.active):
        raise _failed(user, key, group, "password", verdict.address_limited, "password",
                      gettext("The e-mail or the password is not right."))
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if not two_factor.is_enrolled(user):
        return _succeeded(user, group, None)
    if not code:
        return SignIn(user, complete=False)
    return second_factor(user, code, address)


def second_factor(user: User, code: str, address: str | None) -> SignIn:
    """The second step of a sign-in whose password was right: a TOTP or recovery code.
    Wrong codes count as failed sign-ins of the account."""
    group = throttling.address_group(address)
    try:
        throttling.check(user.email, group)
    except TooManyAttempts as error:
        raise _refused(user.email, error) from None
    method = two_factor.check_code(user, code)
    if method is None:
        raise _failed(user, user.email, group, "code", False, "code",
                      gettext("This code is not right, or it was used already."))
    return _succeeded(user, group, method)


def user_for_session(session_id: str) -> User | None:
    """The user a session (or a sign-in waiting for its code) names, if it is still valid:
    logout, a new password or deactivation bump the epoch and end it."""
    user_id, _, epoch = (session_id or "").partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


def pending_step(user: User) -> str | None:
    """What a signed-in user must do before anything else: "password" (choose their own),
    "two-factor" (enrol, their role requires it), or None."""
    if user.must_change_password:
        return "password"
    if two_factor.required_for(user) and not two_factor.is_enrolled(user):
        return "two-factor"
    return None


def logout(user: User) -> None:
    end_sessions(user)
    audit.record(user, "logout", "user", user.id)


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))
