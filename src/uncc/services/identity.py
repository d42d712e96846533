"""The node itself, its first administrator, and who a token stands for."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, delete, insert, select, true, update

from uncc.adapters.crypto import NodeKey, hash_password, token_digest
from uncc.adapters.db import schema
from uncc.adapters.db.direct import Direct
from uncc.adapters.db.engine import migrate
from uncc.domain.policy import Role
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, UserInputError
from uncc.parties.profile import Profile
from uncc.services.accounts import add_user, check_user
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.login import login
from uncc.services.reads import reading

__all__ = [
    "NodeInfo",
    "NodeSeen",
    "add_user",
    "authenticate",
    "init_node",
    "key_history",
    "login",
    "node_info",
    "revoke",
]


@dataclass(frozen=True)
class NodeInfo:
    """The node's identity."""

    state: str
    name: str
    public_key: str
    key_id: str
    profile: Profile


def init_node(ctx: NodeContext, profile: Profile, name: str, admin: str, password: str) -> NodeInfo:
    """Create the node's database, signing key and first administrator.

    Raises:
        ConflictError: the node is already initialised.
        UserInputError: the profile has no State, or the admin name or password is unusable.
    """
    if profile.state is None:
        raise UserInputError("the node's profile must name its State (state: XX)")
    check_user(admin, password)
    migrate(ctx.engine)
    with ctx.engine.begin() as conn:
        if conn.execute(select(schema.node.c.id)).first() is not None:
            raise ConflictError("this node is already initialised")
        if ctx.key_path.exists():
            raise ConflictError(
                f"{ctx.key_path} already exists; move it away to create a new node key"
            )
        key = NodeKey.generate(ctx.key_path, ctx.passphrase)
        now = ctx.clock()
        conn.execute(
            insert(schema.node).values(
                id=1,
                state=profile.state,
                name=name,
                public_key=key.public_hex,
                key_id=key.key_id,
                profile=profile.model_dump(mode="json"),
                created_at=now,
            )
        )
        conn.execute(
            insert(schema.node_keys).values(
                kid=key.key_id, public_key=key.public_hex, created_at=now
            )
        )
        conn.execute(
            insert(schema.users).values(
                id=admin,
                roles=[Role.ADMIN.value],
                password_hash=hash_password(password),
                active=True,
                created_at=now,
            )
        )
        audit(
            conn,
            now,
            admin,
            "node.init",
            obj=profile.state,
            outcome="ok",
            name=name,
            key_id=key.key_id,
        )
    ctx._key = key
    return NodeInfo(profile.state, name, key.public_hex, key.key_id, profile)


def node_info(conn: Connection) -> NodeInfo:
    """The node's identity and profile.

    Raises:
        NotFoundError: the node has not been initialised.
    """
    row = conn.execute(_NODE_INFO).first()
    if row is None:
        raise NotFoundError("this node is not initialised: run 'uncc node init' first")
    parsed = _PROFILES.get(row.profile)
    if parsed is None:  # validating a profile costs milliseconds; it rarely changes
        parsed = _PROFILES[row.profile] = Profile.model_validate(json.loads(row.profile))
    return NodeInfo(row.state, row.name, row.public_key, row.key_id, parsed)


_NODE_INFO = select(
    schema.node.c.state,
    schema.node.c.name,
    schema.node.c.public_key,
    schema.node.c.key_id,
    cast(schema.node.c.profile, Text).label("profile"),  # the stored text: decoded once
)
"""The node's row, built once (building a statement costs more than running it)."""

_PROFILES: dict[str, Profile] = {}
"""Validated profiles by their stored JSON text (a node has one; tests make many)."""


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


TOUCH = dt.timedelta(seconds=60)
"""How stale a web session's last use may be before it is written again (fewer writes)."""


def authenticate(ctx: NodeContext, token: str) -> Principal:
    """The principal a token stands for.

    A web session also ends after ``ctx.session_idle`` without a request. A user whose
    roles need a second factor they have not enrolled acts with no role until they do.

    Raises:
        PermissionDeniedError: unknown, expired or idle token, or a disabled user.
    """
    return look_up_written(ctx, token).principal()


@dataclass(frozen=True)
class NodeSeen:
    """The node's identity as read with a request's token: its State, name, key, profile's name."""

    state: str
    name: str
    public_key: str
    key_id: str
    profile: str


@dataclass(frozen=True)
class Looked:
    """A token looked up by a read alone: who it stands for, and a write still to make.

    ``write`` (a web session's last use to note, or its end to record) is left to the
    caller, so that an async caller can read without leaving the event loop and hand only
    the rare write to a thread.
    """

    who: Principal | None
    refusal: str | None
    write: Callable[[], None] | None
    node: NodeSeen | None = None
    """The node's row, read in the same statement (``None`` before ``uncc node init``)."""

    def principal(self) -> Principal:
        """The principal (once ``write`` is done).

        Raises:
            PermissionDeniedError: the token was refused.
        """
        if self.who is None:
            raise PermissionDeniedError(self.refusal or "unknown token: log in again")
        return self.who

    def seen_node(self) -> NodeSeen:
        """The node's row read with the token (once the caller is authenticated).

        Raises:
            NotFoundError: the node has not been initialised.
        """
        if self.node is None:
            raise NotFoundError("this node is not initialised: run 'uncc node init' first")
        return self.node


_TOKEN = (
    select(
        schema.tokens.c.expires_at,
        schema.tokens.c.kind,
        schema.tokens.c.created_at,
        schema.tokens.c.last_used_at,
        schema.users.c.id,
        schema.users.c.roles,
        schema.users.c.active,
        schema.users.c.totp_confirmed,
        schema.node.c.state,
        schema.node.c.name,
        schema.node.c.public_key,
        schema.node.c.key_id,
        schema.node.c.profile["name"].as_string().label("profile"),
    )
    .join(schema.users, schema.users.c.id == schema.tokens.c.user_id)
    .outerjoin(schema.node, true())
    .where(schema.tokens.c.hash == bindparam("digest"))
)
"""A token's row with its user's and the node's, built once (it runs at every request).

The node's row comes in the same statement: ``GET /api/v1/node`` and the case read
(which needs the State) then make no read of their own for it (one round trip less).
"""


def look_up_written(ctx: NodeContext, token: str, direct: Direct | None = None) -> Looked:
    """``look_up``, and the write it calls for made (a caller in a worker thread: one hop)."""
    found = look_up(ctx, token, direct)
    if found.write is None:
        return found
    found.write()
    return replace(found, write=None)


def look_up(ctx: NodeContext, token: str, direct: Direct | None = None) -> Looked:
    """Read what a token stands for (one read, no lock); see ``authenticate``.

    With ``direct`` (PostgreSQL, ``adapters.db.direct``) the same statement runs on a
    plain psycopg connection: the same row, for less CPU.
    """
    digest = token_digest(token)
    if direct is not None:
        row = direct.first(_TOKEN, {"digest": digest})
    else:
        with reading(ctx.engine) as conn:
            row = conn.execute(_TOKEN, {"digest": digest}).first()
    return _looked(ctx, row, digest)


def _looked(ctx: NodeContext, row: Any, digest: str) -> Looked:
    """What a token's row (``_TOKEN``, or ``None``: no such token) stands for, now."""
    tokens = schema.tokens
    if row is None:
        return Looked(None, "unknown token: log in again", None)
    now = ctx.clock()
    if _aware(row.expires_at) <= now or not row.active:
        return Looked(None, "the token has expired: log in again", None)
    write = None
    if row.kind == "web":
        last = _aware(row.last_used_at or row.created_at)
        if now - last > ctx.session_idle:
            end = partial(_write, ctx, delete(tokens).where(tokens.c.hash == digest))
            return Looked(None, "the session was idle too long: log in again", end)
        if now - last > TOUCH:
            write = partial(
                _write, ctx, update(tokens).where(tokens.c.hash == digest).values(last_used_at=now)
            )
    roles = frozenset(Role(r) for r in row.roles)
    node = None
    if row.state is not None:
        node = NodeSeen(row.state, row.name, row.public_key, row.key_id, row.profile)
    if roles & ctx.totp_roles and not row.totp_confirmed:
        return Looked(Principal(row.id, frozenset(), needs_second_factor=True), None, write, node)
    return Looked(Principal(row.id, roles), None, write, node)


def _write(ctx: NodeContext, statement: Any) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(statement)


def key_history(conn: Connection) -> dict[str, str]:
    """Every signing key the node has had: key id → public key (to verify old signatures)."""
    return {r.kid: r.public_key for r in conn.execute(select(schema.node_keys))}


def revoke(ctx: NodeContext, token: str) -> None:
    """End a session: the token no longer authenticates anyone."""
    digest = token_digest(token)
    with ctx.engine.begin() as conn:
        row = conn.execute(
            select(schema.tokens.c.user_id).where(schema.tokens.c.hash == digest)
        ).first()
        conn.execute(delete(schema.tokens).where(schema.tokens.c.hash == digest))
        if row is not None:
            audit(conn, ctx.clock(), row.user_id, "user.logout", obj=row.user_id, outcome="ok")
