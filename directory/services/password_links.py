"""Links by mail that let a person choose their own password: "Forgot your password?" and the
invitation a new user receives (SPEC section 13).

A link carries a token signed with the secret key that names the user and a fingerprint of
their current password hash. Setting a password through it (or in any other way) changes the
hash, so the link works once, without a table of tokens: nothing to purge, nothing to steal
from the database. A reset link is valid RESET_MINUTES, an invitation INVITATION_DAYS days.

Asking for a reset answers the same, as fast, whether the account exists or not: the web page
answers at once and calls `request_reset` after its response has gone, so that looking the
account up, rendering and queuing the mail never show in the answer's timing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import AuditEntry, User, utcnow
from directory.services import audit, mail, passwords, throttling, tokens, users
from directory.services.errors import ValidationFailed
from directory.services.permissions import require_admin

log = logging.getLogger(__name__)
RESET = "password-reset"
INVITATION = "invitation"
RESET_MINUTES = 30
# Reset mails one account may receive in an hour: "Forgot your password?" is no way to flood
# a colleague's mailbox.
RESETS_PER_HOUR = 3


def now() -> float:
    """The clock links are dated and checked by (tests move it)."""
    return time.time()


class _Signer(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(now())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]),
                                  salt=f"counterpart.{purpose}", signer=_Signer)


def _fingerprint(user: User, purpose: str) -> str:
    """Changes when the password (or the e-mail) does: a used link stops working."""
    material = f"{purpose}|{user.id}|{user.email}|{user.password_hash or '-'}"
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def max_age(purpose: str) -> int:
    if purpose == INVITATION:
        return invitation_days() * 86400
    return RESET_MINUTES * 60


def make_token(user: User, purpose: str) -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _fingerprint(user, purpose)})


def user_for_token(token: str, purpose: str) -> User | None:
    """The active user a valid, unused, unexpired link names; None otherwise."""
    try:
        claims = _serializer(purpose).loads(token or "", max_age=max_age(purpose))
    except BadData:
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("u"), int):
        return None
    user = db.session.get(User, claims["u"])
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(str(claims.get("f", "")), _fingerprint(user, purpose)):
        return None
    return user


def _recent_requests(user: User) -> int:
    since = utcnow() - timedelta(hours=1)
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "user.password_reset_requested", AuditEntry.target_id == user.id,
        AuditEntry.target_type == "user", AuditEntry.at >= since)) or 0


def request_reset(typed: str) -> bool:
    """Send a reset link to the account `typed` names, if it is an active account that has
    not had RESETS_PER_HOUR links in the last hour. Whether a mail was queued (for the logs
    and tests only: the person who asked is never told)."""
    email = (typed or "").strip().lower()[:320]
    user = users.find_user(email) if email else None
    if user is None or not user.active:
        # The work of a real request (sign a link, render the mail), so that even a process
        # busy with it after the response is as busy for an account that does not exist.
        decoy = User(id=0, email=email or "nobody@invalid", password_hash=None)
        mail.render("password_reset", {"name": "", "minutes": RESET_MINUTES,
                                       "link": make_token(decoy, RESET)}, "en")
        audit.record(None, "user.password_reset_requested", "user", None,
                     actor_label=throttling.account_key(email, None))
        return False
    if _recent_requests(user) >= RESETS_PER_HOUR:
        audit.record(None, "login.throttled", "user", user.id, {"stage": [None, "reset"]},
                     actor_label=user.email)
        return False
    link = mail.absolute_url("auth.reset_password", token=make_token(user, RESET))
    mail.queue(user.email, "password_reset",
               {"name": user.name, "link": link, "minutes": RESET_MINUTES}, user.locale)
    audit.record(None, "user.password_reset_requested", "user", user.id, actor_label=user.email)
    return True


def invitation_days() -> int:
    return int(current_app.config["INVITATION_DAYS"])


def create_invited_user(actor: User, values: dict[str, Any]) -> User:
    """A user created on the admin pages: no password until they choose one through the
    invitation mailed to them (nobody else ever knows it)."""
    user = users.create_user(actor, {key: value for key, value in values.items()
                                     if key != "password"})
    invite(actor, user)
    return user


def invite(actor: User | None, user: User) -> None:
    """Mail `user` a link to choose their password (a new user, or one an admin invites
    again); `actor` None is the command line."""
    if actor is not None:
        require_admin(actor)
    link = mail.absolute_url("auth.accept_invitation", token=make_token(user, INVITATION))
    inviter = (actor.name or actor.email) if actor is not None else None
    mail.queue(user.email, "invitation",
               {"name": user.name, "link": link, "inviter": inviter,
                "days": invitation_days()}, user.locale)
    audit.record(actor, "user.invited", "user", user.id,
                 actor_label=None if actor is not None else "operator")


def set_password(token: str, purpose: str, password: Any, confirmation: Any) -> User:
    """Set the password of the user a link names. The link then stops working; every session
    of the user ends, every API token is revoked, and a sign-in hold is lifted (the owner has
    proved they read the account's mail). The second factor, if any, is still asked."""
    user = user_for_token(token, purpose)
    if user is None:
        raise ValidationFailed({"password": expired_message(purpose)})
    password = password if isinstance(password, str) else ""
    problem = passwords.problem(password, user.email)
    if problem is None and password != confirmation:
        raise ValidationFailed({"confirmation": gettext("The two passwords are not the same.")})
    if problem:
        raise ValidationFailed({"password": problem})
    user.password_hash = passwords.hash_password(password)
    user.must_change_password = False
    users.end_sessions(user)
    tokens.revoke_all(user, user, "password reset")
    throttling.lift_hold(user)
    audit.record(user, "user.password_reset" if purpose == RESET else "user.invitation_accepted",
                 "user", user.id)
    return user


def expired_message(purpose: str) -> str:
    if purpose == INVITATION:
        return gettext("This invitation has expired or was used already. Ask an "
                       "administrator for a new one.")
    return gettext("This link has expired or was used already. Ask for a new one.")


def request_reset_after_response(app, typed: str) -> None:
    """`request_reset` in a transaction of its own, once the page has answered (see the
    module's docstring); a failure is logged, never shown."""
    from directory.services import commit, rollback

    with app.app_context():
        try:
            request_reset(typed)
            commit()
        except Exception:
            rollback()
            log.exception("Could not send a password reset link")
        finally:
            db.session.remove()
