"""Users: accounts, passwords, sign-in with throttling, sessions and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from directory import vocabulary
from directory.extensions import db
from directory.models import ApiToken, LoginAttempt, Network, User, utcnow
from directory.services import audit
from directory.services.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from directory.services.permissions import require_admin
from imports.normalise import normalise_email

ROLES = tuple(vocabulary.ROLES)
MIN_PASSWORD_LENGTH = 12
_hashers: dict[tuple, tuple[PasswordHasher, str]] = {}


def _hasher_and_dummy() -> tuple[PasswordHasher, str]:
    """The argon2 hasher for the app's PASSWORD_HASHING settings (argon2-cffi's defaults
    unless configured; the test suite uses cheap ones), and a dummy hash: verifying against
    it keeps the time of a sign-in for an unknown account like a known one."""
    settings = tuple(sorted((current_app.config.get("PASSWORD_HASHING") or {}).items()))
    if settings not in _hashers:
        hasher = PasswordHasher(**dict(settings))
        _hashers[settings] = (hasher, hasher.hash("not a real password"))
    return _hashers[settings]


def _hasher() -> PasswordHasher:
    return _hasher_and_dummy()[0]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_strength(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return ngettext("Use at least %(num)s character.", "Use at least %(num)s characters.",
                        MIN_PASSWORD_LENGTH)
    if len(password) > 1000:
        return ngettext("Use at most %(num)s character.", "Use at most %(num)s characters.", 1000)
    return None


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(gettext("There is no user %(id)s.", id=user_id))
    return user


def find_user(email: str) -> User | None:
    return db.session.scalars(select(User).where(User.email == email.strip().lower())).first()


def _clean_user(values: dict[str, Any], creating: bool) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
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
    for field in ("name", "organisation"):
        if field in values:
            text = (values.get(field) or "").strip()
            if len(text) > 300:
                errors[field] = ngettext("At most %(num)s character.", "At most %(num)s characters.",
                                         300)
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
    if "password" in values and values["password"] is not None:
        problem = check_password_strength(values["password"])
        if problem:
            errors["password"] = problem
        clean["password_hash"] = hash_password(values["password"]) if not problem else None
    if clean.get("role") == "secretariat" and not clean.get("networks") and creating:
        errors.setdefault("networks", gettext("A secretariat maintains at least one network."))
    if errors:
        raise ValidationFailed(errors)
    return clean


def create_user(actor: User | None, values: dict[str, Any]) -> User:
    """Create a user. `actor` None means the command line (an operator on the server)."""
    if actor is not None:
        require_admin(actor)
    clean = _clean_user(values, creating=True)
    if find_user(clean["email"]) is not None:
        raise Conflict(gettext("A user with the e-mail %(email)s already exists.",
                               email=clean["email"]),
                       {"email": gettext("Already in use.")})
    user = User(**{"languages": [], **clean})
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.created", "user", user.id,
                 {"email": [None, user.email], "role": [None, user.role],
                  "networks": [None, sorted(user.network_slugs)]})
    return user


def update_user(actor: User, user_id: int, values: dict[str, Any]) -> User:
    """Admin edits a user; deactivating or a new password ends the user's sessions."""
    require_admin(actor)
    user = get_user(user_id)
    clean = _clean_user(values, creating=False)
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
        raise ValidationFailed({"networks": gettext("A secretariat maintains at least one network.")})
    if not user.active or "password_hash" in clean:
        end_sessions(user)
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


def change_password(actor: User, current: str, new: str) -> None:
    if not verify_password(actor, current):
        raise ValidationFailed({"current_password": gettext("This is not your current password.")})
    problem = check_password_strength(new)
    if problem:
        raise ValidationFailed({"new_password": problem})
    actor.password_hash = hash_password(new)
    end_sessions(actor)
    audit.record(actor, "user.password_changed", "user", actor.id)


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _recent_failures(**where: str) -> int:
    window = utcnow() - timedelta(minutes=int(current_app.config["LOGIN_WINDOW_MINUTES"]))
    query = select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.at >= window, LoginAttempt.succeeded.is_(False)
    )
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    return db.session.scalar(query) or 0


def authenticate(email: str, password: str, address: str) -> User:
    """Check a sign-in. Throttled per account-and-address and per address, in the database.

    Counting an account's failures only from the address that made them means nobody can
    lock another person out by failing on their account from elsewhere.
    """
    account = (email or "").strip().lower()[:320]
    address = (address or "unknown")[:64]
    config = current_app.config
    if (_recent_failures(account=account, address=address) >= config["LOGIN_FAILURES_PER_ACCOUNT"]
            or _recent_failures(address=address) >= config["LOGIN_FAILURES_PER_ADDRESS"]):
        audit.record(None, "login.throttled", "user", None, {"email": [None, account]},
                     actor_label=account)
        raise TooManyAttempts(ngettext(
            "Too many failed sign-ins. Wait %(num)s minute and try again.",
            "Too many failed sign-ins. Wait %(num)s minutes and try again.",
            int(config["LOGIN_WINDOW_MINUTES"])))
    user = find_user(account) if account else None
    if user is None:
        _burn_time(password)
    # The password is checked first, so a deactivated account answers as slowly as any other.
    ok = user is not None and verify_password(user, password) and user.active
    db.session.add(LoginAttempt(account=account, address=address, succeeded=ok))
    if not ok:
        audit.record(user, "login.failed", "user", user.id if user else None,
                     actor_label=account)
        message = gettext("The e-mail or the password is not right.")
        raise ValidationFailed({"password": message}, message)
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(user, "login.succeeded", "user", user.id)
    return user


def _burn_time(password: str) -> None:
    try:
        _hasher_and_dummy()[0].verify(_hasher_and_dummy()[1], password)
    except VerificationError:
        pass


def logout(user: User) -> None:
    end_sessions(user)
    audit.record(user, "logout", "user", user.id)


def create_token(actor: User | None, user: User) -> str:
    """A new API token for `user`; only its hash is stored, so it is shown once."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token)))
    audit.record(actor, "token.created", "user", user.id)
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_token(token: str) -> User | None:
    user = db.session.scalars(
        select(User).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked.is_(False))
    ).first()
    if user is None or not user.active:
        return None
    return user


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))
