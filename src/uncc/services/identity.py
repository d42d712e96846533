"""The node itself, its users, their passwords and API tokens."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select

from uncc.adapters.crypto import NodeKey, check_password, hash_password, new_token, token_digest
from uncc.adapters.db import schema
from uncc.adapters.db.engine import migrate
from uncc.domain.policy import Action, Role, require
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, UserInputError
from uncc.parties.profile import Profile
from uncc.services.context import NodeContext, Principal, audit

TOKEN_DAYS = 30
_USER = re.compile(r"^[a-z][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12


@dataclass(frozen=True)
class NodeInfo:
    """The node's identity."""

    state: str
    name: str
    public_key: str
    key_id: str
    profile: Profile


def _check_user(user: str, password: str) -> None:
    if not _USER.match(user):
        raise UserInputError(
            f"user name '{user}': use 2-64 lowercase letters, digits, '.', '_' or '-', starting with a letter"
        )
    if len(password) < MIN_PASSWORD:
        raise UserInputError(f"password: at least {MIN_PASSWORD} characters")


def init_node(ctx: NodeContext, profile: Profile, name: str, admin: str, password: str) -> NodeInfo:
    """Create the node's database, signing key and first administrator.

    Raises:
        ConflictError: the node is already initialised.
        UserInputError: the profile has no State, or the admin name or password is unusable.
    """
    if profile.state is None:
        raise UserInputError("the node's profile must name its State (state: XX)")
    _check_user(admin, password)
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
    row = conn.execute(select(schema.node)).mappings().first()
    if row is None:
        raise NotFoundError("this node is not initialised: run 'uncc node init' first")
    profile = row["profile"]
    key = json.dumps(profile, sort_keys=True)
    parsed = _PROFILES.get(key)
    if parsed is None:  # validating a profile costs milliseconds; it rarely changes
        parsed = _PROFILES[key] = Profile.model_validate(profile)
    return NodeInfo(row["state"], row["name"], row["public_key"], row["key_id"], parsed)


_PROFILES: dict[str, Profile] = {}
"""Validated profiles by their JSON text (a node has one; tests make many)."""


def add_user(ctx: NodeContext, who: Principal, user: str, roles: set[Role], password: str) -> None:
    """Create a user with roles (admins only).

    Raises:
        PermissionDeniedError: the caller is not an admin.
        ConflictError: the user exists.
    """
    require(who.roles, Action.USER_MANAGE)
    _check_user(user, password)
    if not roles:
        raise UserInputError("a user needs at least one role")
    with ctx.engine.begin() as conn:
        if conn.execute(select(schema.users.c.id).where(schema.users.c.id == user)).first():
            raise ConflictError(f"user '{user}' already exists")
        now = ctx.clock()
        conn.execute(
            insert(schema.users).values(
                id=user,
                roles=sorted(r.value for r in roles),
                password_hash=hash_password(password),
                active=True,
                created_at=now,
            )
        )
        audit(
            conn,
            now,
            who.user,
            "user.add",
            obj=user,
            outcome="ok",
            roles=sorted(r.value for r in roles),
        )


def login(ctx: NodeContext, user: str, password: str) -> str:
    """Exchange a user's password for an API token (valid for 30 days).

    Raises:
        PermissionDeniedError: unknown user or wrong password (the same message for both).
    """
    token: str | None = None
    with ctx.engine.begin() as conn:
        row = conn.execute(select(schema.users).where(schema.users.c.id == user)).mappings().first()
        now = ctx.clock()
        if row is None or not row["active"] or not check_password(row["password_hash"], password):
            audit(conn, now, user, "user.login", obj=user, outcome="denied")
        else:
            token, digest = new_token()
            conn.execute(
                insert(schema.tokens).values(
                    hash=digest,
                    user_id=user,
                    created_at=now,
                    expires_at=now + dt.timedelta(days=TOKEN_DAYS),
                )
            )
            audit(conn, now, user, "user.login", obj=user, outcome="ok")
    if token is None:  # the denial is committed to the audit trail first
        raise PermissionDeniedError("wrong user name or password")
    return token


def authenticate(ctx: NodeContext, token: str) -> Principal:
    """The principal a token stands for.

    Raises:
        PermissionDeniedError: unknown or expired token.
    """
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(
                schema.tokens.c.expires_at,
                schema.users.c.id,
                schema.users.c.roles,
                schema.users.c.active,
            )
            .join(schema.users, schema.users.c.id == schema.tokens.c.user_id)
            .where(schema.tokens.c.hash == token_digest(token))
        ).first()
    if row is None:
        raise PermissionDeniedError("unknown token: log in again")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.UTC)
    if expires <= ctx.clock() or not row.active:
        raise PermissionDeniedError("the token has expired: log in again")
    return Principal(row.id, frozenset(Role(r) for r in row.roles))


def key_history(conn: Connection) -> dict[str, str]:
    """Every signing key the node has had: key id → public key (to verify old signatures)."""
    return {r.kid: r.public_key for r in conn.execute(select(schema.node_keys))}


def revoke(ctx: NodeContext, token: str) -> None:
    """End a session: the token no longer authenticates anyone."""
    from sqlalchemy import delete  # noqa: PLC0415

    digest = token_digest(token)
    with ctx.engine.begin() as conn:
        row = conn.execute(
            select(schema.tokens.c.user_id).where(schema.tokens.c.hash == digest)
        ).first()
        conn.execute(delete(schema.tokens).where(schema.tokens.c.hash == digest))
        if row is not None:
            audit(conn, ctx.clock(), row.user_id, "user.logout", obj=row.user_id, outcome="ok")
