"""Passwords: argon2 hashes, and the rules a new password must meet.

At least 12 characters, not a common password, not the e-mail. The common passwords are the
30,000 of the `zxcvbn` package's frequency list (from leaked password sets), shipped with it:
nothing is fetched at run time. A common password with digits or signs around it
(`Password2024!`), said twice (`qwertyqwerty`) or a plain run (`123456789012`, `abcdefghijkl`)
is common too.
"""

from __future__ import annotations

import re
import secrets
from functools import cache
from itertools import pairwise

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext, ngettext

MIN_LENGTH = 12
MAX_LENGTH = 1000
_hashers: dict[tuple, tuple[PasswordHasher, str]] = {}
# Digits, signs and spaces that people put around a word to pass a rule.
_DECORATION = re.compile(r"^[\W\d_]{0,6}(.*?)[\W\d_]{0,6}$")


def _hasher_and_dummy() -> tuple[PasswordHasher, str]:
    """The argon2 hasher for the app's PASSWORD_HASHING settings (argon2-cffi's defaults
    unless configured; the test suite uses cheap ones), and a dummy hash: verifying against
    it keeps the time of a sign-in for an unknown account like a known one."""
    settings = tuple(sorted((current_app.config.get("PASSWORD_HASHING") or {}).items()))
    if settings not in _hashers:
        hasher = PasswordHasher(**dict(settings))
        _hashers[settings] = (hasher, hasher.hash("not a real password"))
    return _hashers[settings]


def hash_password(password: str) -> str:
    return _hasher_and_dummy()[0].hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher_and_dummy()[0].verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher_and_dummy()[0].check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend the time of one verification, for an account that does not exist."""
    hasher, dummy = _hasher_and_dummy()
    try:
        hasher.verify(dummy, password)
    except VerificationError:
        pass


def generate() -> str:
    return secrets.token_urlsafe(15)


@cache
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _is_run(text: str) -> bool:
    """Each character follows the one before (`0` follows `9`), or each precedes it."""
    steps = {(ord(b) - ord(a)) % 10 if a.isdigit() and b.isdigit() else ord(b) - ord(a)
             for a, b in pairwise(text)}
    return steps in ({1}, {-1}, {9})


def is_common(password: str) -> bool:
    """The password, or its word without the digits and signs around it, or the unit it
    repeats, is one of the common passwords; or it is a plain run of characters."""
    folded = re.sub(r"\s+", "", password.lower())
    if _is_run(folded):
        return True
    core = _DECORATION.match(folded).group(1)
    candidates = {folded, core}
    for size in range(1, len(folded) // 2 + 1):
        if len(folded) % size == 0 and folded[:size] * (len(folded) // size) == folded:
            candidates.add(folded[:size])
            if size <= 3:
                return True  # "aaaaaaaaaaaa", "abcabcabcabc"
            break
    return bool(candidates & _common_passwords())


def problem(password: str, email: str | None) -> str | None:
    """Why this password may not be chosen, or None."""
    if len(password) < MIN_LENGTH:
        return ngettext("Use at least %(num)s character.", "Use at least %(num)s characters.",
                        MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return ngettext("Use at most %(num)s character.", "Use at most %(num)s characters.",
                        MAX_LENGTH)
    folded = password.lower()
    if email:
        address = email.strip().lower()
        local = address.partition("@")[0]
        if address in folded or (len(local) >= 6 and local in folded):
            return gettext("Do not use your e-mail address in your password.")
    if is_common(password):
        return gettext("This is one of the most common passwords: choose another.")
    return None
