"""Dual control for the judge and admin roles: a grant one admin requests and another decides.

Nobody approves their own request or a grant to themselves, and nobody requests one for
themselves. The bootstrap exception: while the node's first administrator is its only
one and no admin role was ever granted, they may make one more administrator alone
(recorded as a ``bootstrap`` grant); then the exception is closed for good.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from uncc.adapters.db import schema
from uncc.domain.policy import Action, Role, require
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError
from uncc.services.context import NodeContext, Principal, audit, next_id

U, G = schema.users, schema.role_grants


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


def user_row(conn: Connection, user: str) -> Any:
    """A user's row.

    Raises:
        NotFoundError: no such user.
    """
    row = conn.execute(select(U).where(U.c.id == user)).mappings().first()
    if row is None:
        raise NotFoundError(f"no user {user}")
    return row


def admins(conn: Connection, *, lock: bool = False) -> list[str]:
    """The active administrators.

    With ``lock``, the rows stay locked until the transaction ends, so that two
    concurrent changes cannot both count the same administrators.
    """
    query = select(U.c.id, U.c.roles).where(U.c.active)
    rows = conn.execute(query.with_for_update() if lock else query)
    return [r.id for r in rows if Role.ADMIN.value in r.roles]


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
    return granted == 0 and len(admins(conn)) == 1


def request(conn: Connection, now: dt.datetime, who: Principal, user: str, role: Role) -> Grant:
    """Ask for a privileged role for a user (applied at once only in the bootstrap)."""
    if user == who.user:
        raise PermissionDeniedError(f"an administrator cannot grant themselves the {role} role")
    pending = conn.execute(
        select(G.c.id).where(G.c.user_id == user, G.c.role == role.value, G.c.status == "pending")
    ).first()
    if pending is not None:
        raise ConflictError(f"{user} already awaits the {role} role ({pending.id})")
    # the id first: its counter row serialises concurrent requests, so that two cannot
    # both find the bootstrap window open
    grant_id = next_id(conn, "G", now)
    bootstrap = role is Role.ADMIN and _bootstrap_open(conn)
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
        roles = set(user_row(conn, user)["roles"]) | {role.value}
        conn.execute(update(U).where(U.c.id == user).values(roles=sorted(roles)))
    else:
        others = [a for a in admins(conn) if a != who.user]
        _notify(
            conn,
            now,
            others,
            f"{who.user} asks that {user} be given the {role} role: approve or refuse {grant_id}",
        )
    return _grant_of(values)


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
            roles = set(user_row(conn, user)["roles"]) | {role}
            conn.execute(update(U).where(U.c.id == user).values(roles=sorted(roles)))
            conn.execute(delete(schema.tokens).where(schema.tokens.c.user_id == user))
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
