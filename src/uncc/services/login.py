"""Log-in: a password (and a TOTP code where enrolled) exchanged for a token.

Guessing is slowed by the throttle (per account and per address, in the database); an
unknown or disabled user costs the same argon2 verification as a known one, so neither
the answer nor the time it takes tells whether a name exists. Web sessions get tokens
that end with the session (idle timeout and a maximum length); API and CLI tokens last
30 days.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets

from sqlalchemy import Connection, insert, select, update

from uncc.adapters.crypto import check_password, hash_password, new_token, password_hashing_cost
from uncc.adapters.db import schema
from uncc.errors import PermissionDeniedError, SecondFactorRequired
from uncc.services import second_factor, throttle
from uncc.services.context import NodeContext, audit

TOKEN_DAYS = 30
"""How long an API or CLI token lasts."""

WRONG = "wrong user name or password"


def _dummy_hash() -> str:
    """A hash no password matches: verified for unknown users, to cost the same work."""
    return _dummy_for(password_hashing_cost())


@functools.cache
def _dummy_for(_cost: tuple[int, int, int]) -> str:
    """The dummy hash made at the cost new hashes have now (one per cost, made once)."""
    return hash_password(secrets.token_urlsafe(32))


def _issue(ctx: NodeContext, conn: Connection, user: str, now: dt.datetime, web: bool) -> str:
    token, digest = new_token()
    lasts = ctx.session_length if web else dt.timedelta(days=TOKEN_DAYS)
    conn.execute(
        insert(schema.tokens).values(
            hash=digest,
            user_id=user,
            created_at=now,
            expires_at=now + lasts,
            kind="web" if web else "api",
            last_used_at=now,
        )
    )
    return token


def login(
    ctx: NodeContext,
    user: str,
    password: str,
    *,
    code: str | None = None,
    address: str | None = None,
    web: bool = False,
) -> str:
    """Exchange a user's password (and TOTP code, when enrolled) for a token.

    Raises:
        ThrottledError: too many recent failures for the account or address; nothing checked.
        SecondFactorRequired: the password is right and the account needs its code.
        PermissionDeniedError: unknown user, disabled user, wrong password or wrong or
            replayed code (the same message for all).
    """
    now = ctx.clock()
    dummy = _dummy_hash()  # made by the first log-in of any user, known or not
    counters = throttle.keys(user, address)
    with ctx.engine.begin() as conn:
        reserved = throttle.reserve(conn, counters, now)
    with ctx.engine.connect() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.id == user)).mappings().first()
    stored = row["password_hash"] if row is not None else dummy
    ok = check_password(stored, password) and row is not None and bool(row["active"])
    if ok and row is not None and row["totp_confirmed"] and not code:
        with ctx.engine.begin() as conn:
            throttle.release(conn, reserved, success=False)
        raise SecondFactorRequired("enter the 6-digit code from your authenticator app")
    step = None
    if ok and row is not None and row["totp_confirmed"]:
        step = second_factor.matching_step(ctx, row, code or "", now)
        ok = step is not None
    token = None
    with ctx.engine.begin() as conn:
        if ok and step is not None:  # the step is used once, even by two racing log-ins
            users = schema.users
            used = conn.execute(
                update(users)
                .where(users.c.id == user)
                .where((users.c.totp_step.is_(None)) | (users.c.totp_step < step))
                .values(totp_step=step)
            )
            ok = used.rowcount == 1
        if ok:
            throttle.release(conn, reserved, success=True)
            token = _issue(ctx, conn, user, now, web)
            audit(conn, now, user, "user.login", obj=user, outcome="ok", address=address)
        else:
            audit(
                conn, now, user[:64], "user.login", obj=user[:80], outcome="denied", address=address
            )
            throttle.failed(conn, reserved, now, user[:64], address)
    if token is None:  # the denial is committed to the audit trail first
        raise PermissionDeniedError(WRONG)
    return token
