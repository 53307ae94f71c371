"""Sign-in throttling that slows guessing without letting anyone lock colleagues out.

- **Per account, across every address**: after LOGIN_FAILURES_PER_ACCOUNT failures, each new
  attempt must wait a delay that doubles from LOGIN_DELAY_SECONDS (at most 15 minutes); after
  LOGIN_HOLD_AFTER failures the account is held until LOGIN_HOLD_HOURS have passed since its
  failures began, or until it gets a new password (a successful sign-in clears the count
  too). A guesser with many addresses is slowed like one with one.
- **Per address, for unknown accounts only**: LOGIN_FAILURES_PER_ADDRESS failures for accounts
  that do not exist, from one address in LOGIN_WINDOW_MINUTES, make that address's failed
  attempts answer "too many". It never refuses the right password of a real account: a whole
  office behind one NAT (or everyone behind an untrusted proxy) keeps signing in.

Both answers look the same whether the typed account exists or not. IPv6 addresses count by
their /64 (one household or office network). Failures are kept in the database, so every
worker and node sees the same counts.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, select

from directory.extensions import db
from directory.models import LoginAttempt, User, utcnow
from directory.services.errors import TooManyAttempts

MAX_DELAY_SECONDS = 15 * 60


def now() -> datetime:
    """The clock throttling reads (tests move it)."""
    return utcnow()


def address_group(address: str | None) -> str:
    """An IPv4 address as is; an IPv6 one as its /64 (an IPv4-mapped one as IPv4)."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if parsed.version == 6:
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def account_key(typed: str, user: User | None) -> str:
    """What a failure is counted and stored under: a known account's e-mail, else a keyed
    hash of the text typed, so that a mistyped e-mail is never stored."""
    if user is not None:
        return user.email
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, typed.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"unknown:{digest[:32]}"


@dataclass
class Verdict:
    """Whether an attempt may be checked at all, and what the address's count says."""

    address_limited: bool


def _failures_since(since: datetime, **where) -> tuple[int, datetime | None]:
    query = select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False))
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    count, last = db.session.execute(query).one()
    return count or 0, last


def _account_failures(key: str, moment: datetime) -> tuple[int, datetime | None]:
    """Failures on the account since its last success, within the hold period."""
    config = current_app.config
    since = moment - timedelta(hours=float(config["LOGIN_HOLD_HOURS"]))
    last_success = db.session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.account == key, LoginAttempt.succeeded.is_(True), LoginAttempt.at >= since))
    return _failures_since(max(since, last_success) if last_success else since, account=key)


def delay_seconds(failures: int) -> float:
    """How long the next attempt must wait after `failures` failures (0: no wait)."""
    config = current_app.config
    free = int(config["LOGIN_FAILURES_PER_ACCOUNT"])
    if failures < free:
        return 0.0
    return min(float(config["LOGIN_DELAY_SECONDS"]) * 2 ** (failures - free), MAX_DELAY_SECONDS)


def check(key: str, address: str) -> Verdict:
    """Refuse an attempt on a held or slowed account; say whether the address is limited."""
    config = current_app.config
    moment = now()
    failures, last = _account_failures(key, moment)
    if failures >= int(config["LOGIN_HOLD_AFTER"]):
        raise TooManyAttempts(gettext(
            "This account is held after too many failed sign-ins. Its owner can sign in again "
            "after a day, or at once with a new password."))
    wait = delay_seconds(failures)
    if last is not None and wait:
        left = (last + timedelta(seconds=wait) - moment).total_seconds()
        if left > 0:
            raise TooManyAttempts(ngettext(
                "Too many failed sign-ins. Wait %(num)s second and try again.",
                "Too many failed sign-ins. Wait %(num)s seconds and try again.",
                math.ceil(left)))
    window = moment - timedelta(minutes=float(config["LOGIN_WINDOW_MINUTES"]))
    unknown, _ = _failures_since(window, address=address, known=False)
    return Verdict(address_limited=unknown >= int(config["LOGIN_FAILURES_PER_ADDRESS"]))


def address_refusal() -> TooManyAttempts:
    return TooManyAttempts(ngettext(
        "Too many failed sign-ins from your network. Wait %(num)s minute and try again.",
        "Too many failed sign-ins from your network. Wait %(num)s minutes and try again.",
        int(current_app.config["LOGIN_WINDOW_MINUTES"])))


def record(key: str, address: str, succeeded: bool, known: bool) -> None:
    """Count an attempt. A success clears the account's failures (they stay, as history)."""
    db.session.add(LoginAttempt(at=now(), account=key, address=address, succeeded=succeeded,
                                known=known))


def lift_hold(user: User) -> None:
    """A new password proves the account is back in its owner's hands: its failures stop
    counting, as after a successful sign-in."""
    record(user.email, "new-password", succeeded=True, known=True)
