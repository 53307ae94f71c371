"""The second factor: TOTP codes (RFC 6238) and single-use recovery codes.

A code is accepted for the current 30-second step or one step either side (clock drift), and
only for a step later than the last one accepted: a code works once, even if two requests race
(the step is claimed with one conditional UPDATE). Recovery codes are 80-bit random strings
stored as SHA-256 hashes, each usable once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from directory.extensions import db
from directory.models import RecoveryCode, User, utcnow
from directory.services import audit
from directory.services.permissions import require_admin

ISSUER = "Counterpart"
RECOVERY_CODES = 10
STEP_SECONDS = 30
DRIFT_STEPS = 1
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l


def required_for(user: User) -> bool:
    return user.role in (current_app.config["TWO_FACTOR_ROLES"] or ())


def is_enrolled(user: User) -> bool:
    return user.totp_secret is not None


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> str:
    """The QR code of the URI as inline SVG, drawn here: no image service sees the secret."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, title=title,
                                                 svgclass="qr-code", lineclass=None)


def current_step() -> int:
    return int(time.time() // STEP_SECONDS)


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    totp = pyotp.TOTP(secret)
    current = current_step()
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record the step as used, unless another request used it (or a later one) first."""
    done = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)).rowcount
    if done:
        user.totp_last_step = step
        db.session.flush()
    return bool(done)


def _digits(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def check_code(user: User, code: str) -> str | None:
    """Accept a TOTP code or an unused recovery code: "totp", "recovery-code", or None."""
    typed = _digits(code)
    if re.fullmatch(r"\d{6}", typed):
        step = _matching_step(user.totp_secret, typed, user.totp_last_step)
        return "totp" if step is not None and _claim_step(user, step) else None
    if len(typed) == 16:
        digest = hashlib.sha256(typed.encode()).hexdigest()
        used = db.session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                       RecoveryCode.code_hash == digest,
                                       RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
        return "recovery-code" if used else None
    return None


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id,
                                    code_hash=hashlib.sha256(code.encode()).hexdigest())
                       for code in codes)
    return [f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}" for code in codes]


def enrol(user: User, secret: str, code: str) -> list[str] | None:
    """Confirm enrolment with a code from the new secret; the recovery codes, shown once."""
    step = _matching_step(secret, _digits(code), None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_step = step  # the code that confirmed enrolment cannot sign anyone in
    codes = _new_recovery_codes(user)
    audit.record(user, "two_factor.enrolled", "user", user.id)
    return codes


def replace_recovery_codes(user: User, code: str) -> list[str] | None:
    if check_code(user, code) != "totp":
        return None
    audit.record(user, "two_factor.recovery_codes_replaced", "user", user.id)
    return _new_recovery_codes(user)


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def _remove(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def turn_off(user: User, code: str) -> bool:
    """A user whose role does not require it may stop using a second factor."""
    if required_for(user) or check_code(user, code) is None:
        return False
    _remove(user)
    audit.record(user, "two_factor.turned_off", "user", user.id)
    return True


def reset(actor: User, user: User) -> None:
    """An admin clears someone's second factor (a lost phone): they enrol again at their next
    sign-in, and every session they had ends."""
    require_admin(actor)
    _remove(user)
    user.session_epoch += 1
    audit.record(actor, "two_factor.reset", "user", user.id)
