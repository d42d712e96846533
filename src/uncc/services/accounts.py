"""The users of a node over their lifetime: added, listed, disabled, given roles, re-keyed.

Disabling a user, changing their roles or their password ends their sessions at once
(their tokens are deleted). The judge and admin roles are granted under dual control
(ADR 0008): one administrator requests the grant, another approves it; nobody approves
their own request or a grant to themselves. The one exception is the bootstrap: the
node's first administrator (created by ``uncc node init``) may make one more
administrator alone, while they are the only one and no admin grant was ever approved.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from uncc.adapters.crypto import check_password, hash_password
from uncc.adapters.db import schema
from uncc.domain.credentials import PRIVILEGED, check_password_policy
from uncc.domain.policy import Action, Role, require
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, next_id

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


@dataclass(frozen=True)
class Grant:
    """A request to give a user the judge or admin role, and what became of it."""

    id: str
    user: str
    role: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None


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


def _user(conn: Connection, user: str) -> Any:
    row = conn.execute(select(U).where(U.c.id == user)).mappings().first()
    if row is None:
        raise NotFoundError(f"no user {user}")
    return row


def _end_sessions(conn: Connection, user: str) -> int:
    return int(conn.execute(delete(schema.tokens).where(schema.tokens.c.user_id == user)).rowcount)


def _admins(conn: Connection) -> list[str]:
    rows = conn.execute(select(U.c.id, U.c.roles).where(U.c.active))
    return [r.id for r in rows if Role.ADMIN.value in r.roles]


def _keep_admins(conn: Connection, losing: str) -> None:
    """Refuse to take the admin role (or the account) from one of the last two admins."""
    admins = _admins(conn)
    if losing not in admins:
        return
    if len(admins) - 1 < min(2, len(admins)):
        raise ConflictError(
            "the node keeps at least two active administrators (dual control): "
            "make another administrator first"
        )


def _notify(conn: Connection, now: dt.datetime, users: list[str], text: str) -> None:
    for user in users:
        conn.execute(insert(schema.notices).values(user_id=user, at=now, text=text))


def _grant_of(row: Any) -> Grant:
    return Grant(
        row["id"],
        row["user_id"],
        row["role"],
        row["status"],
        row["requested_by"],
        row["requested_at"],
        row["decided_by"],
        row["decided_at"],
    )


def _bootstrap_open(conn: Connection) -> bool:
    """True while the node has its single first admin and never granted the admin role."""
    granted = conn.execute(
        select(func.count())
        .select_from(G)
        .where(G.c.role == Role.ADMIN.value, G.c.status.in_(("approved", "bootstrap")))
    ).scalar_one()
    return granted == 0 and len(_admins(conn)) == 1


def _request(conn: Connection, now: dt.datetime, who: Principal, user: str, role: Role) -> Grant:
    """Ask for a privileged role for a user (applied at once only in the bootstrap)."""
    if user == who.user:
        raise PermissionDeniedError(f"an administrator cannot grant themselves the {role} role")
    pending = conn.execute(
        select(G.c.id).where(G.c.user_id == user, G.c.role == role.value, G.c.status == "pending")
    ).first()
    if pending is not None:
        raise ConflictError(f"{user} already awaits the {role} role ({pending.id})")
    bootstrap = role is Role.ADMIN and _bootstrap_open(conn)
    grant_id = next_id(conn, "G", now)
    status = "bootstrap" if bootstrap else "pending"
    values: dict[str, Any] = {
        "id": grant_id,
        "user_id": user,
        "role": role.value,
        "status": status,
        "requested_by": who.user,
        "requested_at": now,
        "decided_by": who.user if bootstrap else None,
        "decided_at": now if bootstrap else None,
    }
    conn.execute(insert(G).values(**values))
    audit(
        conn,
        now,
        who.user,
        "user.grant_request",
        obj=user,
        outcome=status,
        role=role.value,
        grant=grant_id,
    )
    if bootstrap:
        roles = set(_user(conn, user)["roles"]) | {role.value}
        conn.execute(update(U).where(U.c.id == user).values(roles=sorted(roles)))
    else:
        others = [a for a in _admins(conn) if a != who.user]
        _notify(
            conn,
            now,
            others,
            f"{who.user} asks that {user} be given the {role} role: approve or refuse {grant_id}",
        )
    return _grant_of(values)


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
        return [_request(conn, now, who, user, r) for r in sorted(roles & PRIVILEGED)]


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
        _user(conn, user)
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
        current = {Role(r) for r in _user(conn, user)["roles"]}
        if Role.ADMIN in current - roles:
            _keep_admins(conn, user)
        kept = (current & roles) | (roles - current - PRIVILEGED)
        grants = [_request(conn, now, who, user, r) for r in sorted((roles - current) & PRIVILEGED)]
        # a bootstrap grant is applied by _request; re-read the roles it may have added
        kept |= {Role(r) for r in _user(conn, user)["roles"]} & roles
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
    return grants


def decide_grant(ctx: NodeContext, who: Principal, grant_id: str, approve: bool) -> Grant:
    """Approve or refuse a pending grant (another admin than the requester and the grantee).

    Approving adds the role and ends the user's sessions; the requester and the user are told.

    Raises:
        PermissionDeniedError: not an admin; or approving their own request or a grant to
            themselves.
        NotFoundError: no such grant.
        ConflictError: the grant was already decided.
    """
    require(who.roles, Action.USER_MANAGE)
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        row = conn.execute(select(G).where(G.c.id == grant_id)).mappings().first()
        if row is None:
            raise NotFoundError(f"no grant {grant_id}")
        if approve and row["requested_by"] == who.user:
            raise PermissionDeniedError(
                f"you requested {grant_id}: another administrator must approve it (dual control)"
            )
        if approve and row["user_id"] == who.user:
            raise PermissionDeniedError(
                f"{grant_id} gives you a role: another administrator decides"
            )
        status = "approved" if approve else "refused"
        moved = conn.execute(
            update(G)
            .where(G.c.id == grant_id, G.c.status == "pending")
            .values(status=status, decided_by=who.user, decided_at=now)
        )
        if moved.rowcount != 1:
            raise ConflictError(f"{grant_id} is already {row['status']}")
        user, role = row["user_id"], row["role"]
        if approve:
            roles = set(_user(conn, user)["roles"]) | {role}
            conn.execute(update(U).where(U.c.id == user).values(roles=sorted(roles)))
            _end_sessions(conn, user)
        audit(
            conn,
            now,
            who.user,
            "user.grant_decide",
            obj=user,
            outcome=status,
            role=role,
            grant=grant_id,
        )
        _notify(
            conn,
            now,
            sorted({user, row["requested_by"]}),
            f"{grant_id} ({role} for {user}) {status} by {who.user}",
        )
        return _grant_of({**row, "status": status, "decided_by": who.user, "decided_at": now})


def list_grants(ctx: NodeContext, who: Principal, *, pending_only: bool = True) -> list[Grant]:
    """The role grants (pending ones by default), oldest first (admins)."""
    require(who.roles, Action.USER_MANAGE)
    query = select(G).order_by(G.c.requested_at, G.c.id)
    if pending_only:
        query = query.where(G.c.status == "pending")
    with ctx.engine.connect() as conn:
        return [_grant_of(r) for r in conn.execute(query).mappings()]


def change_password(
    ctx: NodeContext, who: Principal, user: str, new: str, current: str | None = None
) -> None:
    """Set a password: one's own with the current one, anyone's as an admin. Sessions end.

    Raises:
        PermissionDeniedError: another user's password without being an admin, or the
            current password is wrong.
        UserInputError: the new password breaks the policy.
    """
    if user != who.user:
        require(who.roles, Action.USER_MANAGE)
    check_password_policy(user, new)
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        stored = _user(conn, user)["password_hash"]
    if user == who.user and not check_password(stored, current or ""):
        with ctx.engine.begin() as conn:
            audit(conn, now, who.user, "user.password", obj=user, outcome="denied")
        raise PermissionDeniedError("current password: wrong")
    with ctx.engine.begin() as conn:
        conn.execute(update(U).where(U.c.id == user).values(password_hash=hash_password(new)))
        ended = _end_sessions(conn, user)
        audit(conn, now, who.user, "user.password", obj=user, outcome="ok", sessions_ended=ended)


def revoke_tokens(ctx: NodeContext, who: Principal, user: str) -> int:
    """End every session of a user (one's own, or anyone's as an admin); how many ended."""
    if user != who.user:
        require(who.roles, Action.USER_MANAGE)
    with ctx.engine.begin() as conn:
        _user(conn, user)
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
