"""The users of a node over their lifetime: added, listed, disabled, given roles, re-keyed.

Disabling a user, changing their roles or their password ends their sessions at once
(their tokens are deleted). The judge and admin roles are granted under dual control
(ADR 0010): one administrator requests the grant, another approves it; nobody approves
their own request or a grant to themselves. The one exception is the bootstrap: the
node's first administrator (created by ``uncc node init``) may make one more
administrator alone, while they are the only one and no admin grant was ever approved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from uncc.adapters.crypto import check_password, hash_password
from uncc.adapters.db import schema
from uncc.domain.credentials import PRIVILEGED, check_password_policy
from uncc.domain.policy import Action, Role, require
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError
from uncc.services import grants, throttle
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.grants import Grant, admins, decide_grant, list_grants, user_row

__all__ = [
    "Account",
    "Grant",
    "add_user",
    "change_password",
    "check_user",
    "decide_grant",
    "list_grants",
    "list_users",
    "revoke_tokens",
    "set_active",
    "set_roles",
]

_USER = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
U, G = schema.users, schema.role_grants


@dataclass(frozen=True)
class Account:
    """A user as an administrator sees them (never their password or secret)."""

    user: str
    roles: tuple[str, ...]
    active: bool
    second_factor: bool
    created_at: dt.datetime
    pending: tuple[str, ...]


def check_user(user: str, password: str) -> None:
    """Refuse an unusable user name or a password the policy refuses.

    Raises:
        UserInputError: the name or the password, with the rule broken.
    """
    if not _USER.match(user):
        raise UserInputError(
            f"user name '{user}': use 2-64 lowercase letters, digits, '.', '_' or '-', starting with a letter"
        )
    check_password_policy(user, password)


def _end_sessions(conn: Connection, user: str) -> int:
    return int(conn.execute(delete(schema.tokens).where(schema.tokens.c.user_id == user)).rowcount)


def _keep_admins(conn: Connection, losing: str) -> None:
    """Refuse to take the admin role (or the account) from one of the last two admins."""
    active = admins(conn, lock=True)
    if losing not in active:
        return
    if len(active) - 1 < min(2, len(active)):
        raise ConflictError(
            "the node keeps at least two active administrators (dual control): "
            "make another administrator first"
        )


def add_user(
    ctx: NodeContext, who: Principal, user: str, roles: set[Role], password: str
) -> list[Grant]:
    """Create a user; the judge and admin roles among ``roles`` become grants to approve.

    Raises:
        PermissionDeniedError: the caller is not an admin.
        ConflictError: the user exists.
        UserInputError: the name or password is unusable, or no role is given.
    """
    require(who.roles, Action.USER_MANAGE)
    check_user(user, password)
    if not roles:
        raise UserInputError("a user needs at least one role")
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        if conn.execute(select(U.c.id).where(U.c.id == user)).first():
            raise ConflictError(f"user '{user}' already exists")
        plain = sorted(r.value for r in roles - PRIVILEGED)
        conn.execute(
            insert(U).values(
                id=user,
                roles=plain,
                password_hash=hash_password(password),
                active=True,
                created_at=now,
            )
        )
        audit(conn, now, who.user, "user.add", obj=user, outcome="ok", roles=plain)
        return [grants.request(conn, now, who, user, r) for r in sorted(roles & PRIVILEGED)]


def list_users(ctx: NodeContext, who: Principal) -> list[Account]:
    """Every user with their roles, state and pending grants (admins)."""
    require(who.roles, Action.USER_MANAGE)
    with ctx.engine.connect() as conn:
        pending: dict[str, list[str]] = {}
        for g in conn.execute(select(G.c.user_id, G.c.role).where(G.c.status == "pending")):
            pending.setdefault(g.user_id, []).append(g.role)
        return [
            Account(
                r.id,
                tuple(r.roles),
                bool(r.active),
                bool(r.totp_confirmed),
                r.created_at,
                tuple(sorted(pending.get(r.id, []))),
            )
            for r in conn.execute(select(U).order_by(U.c.id))
        ]


def set_active(ctx: NodeContext, who: Principal, user: str, active: bool) -> None:
    """Disable a user (their sessions end at once) or enable them again (admins).

    Raises:
        PermissionDeniedError: not an admin, or their own account.
        ConflictError: it would leave the node with fewer than two administrators.
    """
    require(who.roles, Action.USER_MANAGE)
    if user == who.user:
        raise PermissionDeniedError("another administrator must disable or enable your account")
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        user_row(conn, user)
        if not active:
            _keep_admins(conn, user)
        conn.execute(update(U).where(U.c.id == user).values(active=active))
        ended = 0 if active else _end_sessions(conn, user)
        action = "user.enable" if active else "user.disable"
        audit(conn, now, who.user, action, obj=user, outcome="ok", sessions_ended=ended)


def set_roles(ctx: NodeContext, who: Principal, user: str, roles: set[Role]) -> list[Grant]:
    """Give a user exactly ``roles``; removals apply at once, judge and admin need approval.

    Any change ends the user's sessions.

    Raises:
        PermissionDeniedError: not an admin, or granting themselves a privileged role.
        ConflictError: it would leave fewer than two administrators.
        UserInputError: no role given.
    """
    require(who.roles, Action.USER_MANAGE)
    if not roles:
        raise UserInputError("roles: give at least one (disable the user to stop all access)")
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        current = {Role(r) for r in user_row(conn, user)["roles"]}
        if Role.ADMIN in current - roles:
            _keep_admins(conn, user)
        kept = (current & roles) | (roles - current - PRIVILEGED)
        asked = [
            grants.request(conn, now, who, user, r) for r in sorted((roles - current) & PRIVILEGED)
        ]
        # a bootstrap grant is applied by the request; re-read the roles it may have added
        kept |= {Role(r) for r in user_row(conn, user)["roles"]} & roles
        if kept != current:
            conn.execute(
                update(U).where(U.c.id == user).values(roles=sorted(r.value for r in kept))
            )
            ended = _end_sessions(conn, user)
            audit(
                conn,
                now,
                who.user,
                "user.roles",
                obj=user,
                outcome="ok",
                before=sorted(r.value for r in current),
                after=sorted(r.value for r in kept),
                sessions_ended=ended,
            )
    return asked


def change_password(
    ctx: NodeContext, who: Principal, user: str, new: str, current: str | None = None
) -> list[Grant]:
    """Set a password: one's own with the current one, anyone's as an admin. Sessions end.

    An administrator who sets another user's password could log in as them; so a judge
    or admin whose password another sets loses those roles, which come back only as
    grants a second administrator approves (returned).

    Raises:
        PermissionDeniedError: another user's password without being an admin, or the
            current password is wrong.
        ThrottledError: too many wrong passwords for the account (as at log-in).
        UserInputError: the new password breaks the policy.
    """
    if user != who.user:
        require(who.roles, Action.USER_MANAGE)
    check_password_policy(user, new)
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        stored = user_row(conn, user)["password_hash"]
    if user == who.user:  # the current password is checked under the log-in throttle
        with ctx.engine.begin() as conn:
            reserved = throttle.reserve(conn, throttle.keys(user, None), now)
        right = check_password(stored, current or "")
        with ctx.engine.begin() as conn:
            if not right:
                audit(conn, now, who.user, "user.password", obj=user, outcome="denied")
                throttle.failed(conn, reserved, now, user, None)
            else:
                throttle.release(conn, reserved, success=True)
        if not right:
            raise PermissionDeniedError("current password: wrong")
    with ctx.engine.begin() as conn:
        roles = {Role(r) for r in user_row(conn, user)["roles"]}
        privileged = roles & PRIVILEGED if user != who.user else set()
        if Role.ADMIN in privileged:
            _keep_admins(conn, user)
        if privileged:
            kept = sorted(r.value for r in roles - privileged)
            conn.execute(update(U).where(U.c.id == user).values(roles=kept))
        conn.execute(update(U).where(U.c.id == user).values(password_hash=hash_password(new)))
        ended = _end_sessions(conn, user)
        audit(
            conn,
            now,
            who.user,
            "user.password",
            obj=user,
            outcome="ok",
            sessions_ended=ended,
            suspended=sorted(r.value for r in privileged),
        )
        return [grants.request(conn, now, who, user, r) for r in sorted(privileged)]


def revoke_tokens(ctx: NodeContext, who: Principal, user: str) -> int:
    """End every session of a user (one's own, or anyone's as an admin); how many ended."""
    if user != who.user:
        require(who.roles, Action.USER_MANAGE)
    with ctx.engine.begin() as conn:
        user_row(conn, user)
        ended = _end_sessions(conn, user)
        audit(
            conn,
            ctx.clock(),
            who.user,
            "user.revoke_tokens",
            obj=user,
            outcome="ok",
            sessions_ended=ended,
        )
    return ended
