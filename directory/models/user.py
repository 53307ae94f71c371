"""Users, their second factor and API tokens, and the sign-in attempts that throttling counts."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import db
from directory.models.network import Network


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


user_network = Table(
    "user_network",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("network_id", ForeignKey("network.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    organisation: Mapped[str | None] = mapped_column(String(300))
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    # A password someone else chose (the command line's one-time password, an admin's): the
    # user must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # The TOTP secret (base32) once enrolment is confirmed; None means no second factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    # The last time step whose code was accepted: a code of that step or an earlier one is
    # refused, so a code works once.
    totp_last_step: Mapped[int | None] = mapped_column()
    # Bumped by logout, password change and deactivation: every older session stops working.
    session_epoch: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    networks: Mapped[list[Network]] = relationship(secondary=user_network, order_by="Network.id")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_epoch}"

    @property
    def network_slugs(self) -> set[str]:
        return {network.slug for network in self.networks}


class RecoveryCode(db.Model):
    """One of the ten single-use codes that replace the TOTP code when the phone is lost."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of an 80-bit random code: as safe to store as the API tokens' hashes.
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column()


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    # SHA-256 of the token: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    # Written at most once a minute, so that API calls do not each pay for a write.
    last_used_at: Mapped[datetime | None] = mapped_column()
    # Revocation is for good: reactivating the user does not bring a token back.
    revoked_at: Mapped[datetime | None] = mapped_column()
    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """A failed or successful sign-in, counted by throttling.

    `account` is the e-mail of a known account, else a keyed hash of what was typed: a
    mistyped address is personal data too. `address` is the client's IPv4 address or IPv6 /64.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(320), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    known: Mapped[bool] = mapped_column(default=False)
