"""API tokens: the non-interactive way in, named, expiring, revocable, their last use known.

Only a token's SHA-256 is stored, so a token is shown once. Revocation is for good: a
deactivated user's tokens are revoked, and reactivating the user does not bring them back.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import select, update

from directory.extensions import db
from directory.models import ApiToken, User, utcnow
from directory.services import audit
from directory.services.errors import NotFound, ValidationFailed
from directory.services.permissions import require_admin

DEFAULT_DAYS = 90
MAX_DAYS = 3650
# A token's last use is written at most this often, not on every call.
LAST_USE_PRECISION = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: User | None, user: User, days: int = DEFAULT_DAYS,
                 name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`, valid `days` days: the row, and the token to show once."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed({"days": ngettext("Between 1 and %(num)s day.",
                                                 "Between 1 and %(num)s days.", MAX_DAYS)})
    name = (name or "").strip()
    if len(name) > 100:
        raise ValidationFailed({"name": ngettext("At most %(num)s character.",
                                                 "At most %(num)s characters.", 100)})
    token = secrets.token_urlsafe(32)
    created = utcnow()
    row = ApiToken(user=user, name=name, token_hash=_hash(token), created_at=created,
                   expires_at=created + timedelta(days=days))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "token.created", "user", user.id,
                 {"token": [None, row.id], "name": [None, name], "days": [None, days]})
    return row, token


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    """The active user a valid token names (not revoked, not expired), and the token."""
    row = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(token))).first()
    moment = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= moment:
        return None
    if not row.user.active:
        return None
    return row.user, row


def note_use(row: ApiToken) -> bool:
    """Record the token's use when the last one recorded is older than a minute; whether a
    write is due (the caller commits)."""
    moment = utcnow()
    if row.last_used_at is not None and moment - row.last_used_at < LAST_USE_PRECISION:
        return False
    row.last_used_at = moment
    return True


def list_tokens(user: User) -> list[ApiToken]:
    """Every token of the user, newest first, revoked and expired ones included."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def _require_owner_or_admin(actor: User | None, user: User) -> None:
    if actor is not None and actor.id != user.id:
        require_admin(actor)


def revoke(actor: User | None, user: User, token_id: int) -> ApiToken:
    """Revoke one token of `user` (by the user, an admin, or the command line)."""
    _require_owner_or_admin(actor, user)
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound(gettext("%(email)s has no token %(id)s.", email=user.email, id=token_id))
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record(actor, "token.revoked", "user", user.id, {"token": [row.id, None]},
                     actor_label=None if actor is not None else "operator")
    return row


def revoke_all(actor: User | None, user: User, reason: str) -> int:
    """Revoke every live token of `user`; how many were live."""
    _require_owner_or_admin(actor, user)
    done = db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if done:
        audit.record(actor, "token.revoked", "user", user.id,
                     {"tokens": [done, 0], "reason": [None, reason]},
                     actor_label=None if actor is not None else "operator")
    return done


def status(row: ApiToken) -> str:
    """active, expired or revoked: for the lists on My account and the admin pages."""
    if row.revoked_at is not None:
        return "revoked"
    return "expired" if row.expires_at <= utcnow() else "active"
