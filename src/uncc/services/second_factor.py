"""The optional TOTP second factor (RFC 6238): enrolment, codes checked once, admin reset.

The secret is sealed with the node's data key (AES-256-GCM, bound to the user's name),
like protected identities. A code is accepted for the current 30-second step or one
either side (clock drift), and only for a step later than the last one accepted, so a
code seen over a shoulder or in a log cannot be replayed.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

import pyotp
from sqlalchemy import delete, select, update

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, UserInputError
from uncc.services.context import NodeContext, Principal, audit

DRIFT = 1
"""Time steps accepted either side of the current one."""


def _context(user: str) -> bytes:
    return f"totp:{user}".encode()


def _totp(ctx: NodeContext, user: str, sealed: bytes) -> pyotp.TOTP:
    secret = ctx.data_key().open(bytes(sealed), _context(user)).decode()
    return pyotp.TOTP(secret)


def matching_step(ctx: NodeContext, row: Any, code: str, now: dt.datetime) -> int | None:
    """The time step ``code`` belongs to, if it is valid now and newer than the last one used.

    ``row`` is the user's row (``id``, ``totp_secret``, ``totp_step``).
    """
    if row["totp_secret"] is None:
        return None
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = _totp(ctx, row["id"], row["totp_secret"])
    current = totp.timecode(now)
    last = row["totp_step"]
    found = None
    for step in range(current - DRIFT, current + DRIFT + 1):  # compare all: no early exit
        if hmac.compare_digest(totp.generate_otp(step), code) and (last is None or step > last):
            found = step
    return found


def enrol(ctx: NodeContext, who: Principal, issuer: str) -> str:
    """Start enrolment: a new secret (sealed at rest) and its ``otpauth://`` URI for an app.

    Raises:
        ConflictError: the user already has a confirmed second factor (an admin resets it).
    """
    secret = pyotp.random_base32()
    sealed = ctx.data_key().seal(secret.encode(), _context(who.user))
    with ctx.engine.begin() as conn:
        row = conn.execute(
            select(schema.users.c.totp_confirmed).where(schema.users.c.id == who.user)
        ).first()
        if row is None:
            raise NotFoundError(f"no user {who.user}")
        if row.totp_confirmed:
            raise ConflictError(
                "a second factor is already enrolled; an administrator can reset it "
                "(uncc user totp-reset USER)"
            )
        conn.execute(
            update(schema.users)
            .where(schema.users.c.id == who.user)
            .values(totp_secret=sealed, totp_confirmed=False, totp_step=None)
        )
        audit(conn, ctx.clock(), who.user, "user.totp_enrol", obj=who.user, outcome="started")
    return pyotp.TOTP(secret).provisioning_uri(name=who.user, issuer_name=issuer)


def pending_uri(ctx: NodeContext, who: Principal, issuer: str) -> str | None:
    """The ``otpauth://`` URI of an enrolment started and not yet confirmed, if any."""
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(schema.users.c.totp_secret, schema.users.c.totp_confirmed).where(
                schema.users.c.id == who.user
            )
        ).first()
    if row is None or row.totp_secret is None or row.totp_confirmed:
        return None
    totp = _totp(ctx, who.user, row.totp_secret)
    return totp.provisioning_uri(name=who.user, issuer_name=issuer)


def enrolled(ctx: NodeContext, who: Principal) -> bool:
    """True when the user has a confirmed second factor."""
    with ctx.engine.connect() as conn:
        return bool(
            conn.execute(
                select(schema.users.c.totp_confirmed).where(schema.users.c.id == who.user)
            ).scalar()
        )


def confirm(ctx: NodeContext, who: Principal, code: str) -> None:
    """Finish enrolment with a code from the app; from now on log-ins need a code.

    Raises:
        ConflictError: no enrolment was started, or it is already confirmed.
        UserInputError: the code does not match.
    """
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        row = (
            conn.execute(select(schema.users).where(schema.users.c.id == who.user))
            .mappings()
            .first()
        )
        if row is None or row["totp_secret"] is None or row["totp_confirmed"]:
            raise ConflictError("no enrolment to confirm: run 'uncc user totp-enrol' first")
        step = matching_step(ctx, row, code, now)
        if step is None:
            audit(conn, now, who.user, "user.totp_confirm", obj=who.user, outcome="denied")
        else:
            conn.execute(
                update(schema.users)
                .where(schema.users.c.id == who.user)
                .values(totp_confirmed=True, totp_step=step)
            )
            audit(conn, now, who.user, "user.totp_confirm", obj=who.user, outcome="ok")
    if step is None:
        raise UserInputError("code: does not match; enter the current 6-digit code from the app")


def reset(ctx: NodeContext, who: Principal, user: str) -> None:
    """Remove a user's second factor (admins; not their own); their sessions end.

    Raises:
        PermissionDeniedError: not an admin, or the admin's own factor.
        NotFoundError: no such user.
    """
    require(who.roles, Action.USER_MANAGE)
    if user == who.user:
        raise PermissionDeniedError("another administrator must reset your second factor")
    with ctx.engine.begin() as conn:
        done = conn.execute(
            update(schema.users)
            .where(schema.users.c.id == user)
            .values(totp_secret=None, totp_confirmed=False, totp_step=None)
        )
        if done.rowcount == 0:
            raise NotFoundError(f"no user {user}")
        conn.execute(delete(schema.tokens).where(schema.tokens.c.user_id == user))
        audit(conn, ctx.clock(), who.user, "user.totp_reset", obj=user, outcome="ok")
