"""Publishing a node's X25519 encryption key in the hub-signed directory.

A new node's entry carries its key from the start (``own_entry``). A node that joined
before encryption existed gets a key on upgrade: when its server starts (or on ``uncc
network refresh``) it makes the key and, if the directory does not list it, asks the
hub to — a claim ``{"uncc": "encryption-key/1", state, public_key, at}`` signed with
its signing key. The hub derives the key id (RFC 7638 thumbprint) itself, refuses a key
another member holds and a claim not made within the clock skew, and publishes the next
directory version.
"""

from __future__ import annotations

import datetime as dt

import rfc8785
from sqlalchemy import update

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.domain.directory import Directory, EncryptionPublicKey, Member, thumbprint
from uncc.domain.envelope import CLOCK_SKEW
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError
from uncc.services.context import NodeContext, audit
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.transport import Transport

ENCRYPTION_KEYS_PATH = "/network/v1/encryption-keys"
FORMAT = "encryption-key/1"


def listed(ctx: NodeContext, held: Directory, state: str) -> bool:
    """True when the directory lists this node's current encryption key."""
    member = held.member(state)
    mine = ctx.encryption_key().key_id
    return member is not None and any(k.kid == mine for k in member.encryption_keys)


def ensure_published(ctx: NodeContext, transport: Transport) -> bool:
    """Make this node's encryption key and have the directory list it; True when it was added.

    Raises:
        ConflictError: the hub refused the key, or its directory still does not list it.
    """
    with ctx.engine.connect() as conn:
        cfg = network_directory.config(conn)
        me = node_info(conn).state
    if cfg.directory is None or listed(ctx, cfg.directory, me):
        return False
    key = ctx.encryption_key()
    claim = {
        "uncc": FORMAT,
        "state": me,
        "public_key": key.public_hex,
        "at": ctx.clock().isoformat(),
    }
    token = jws.sign(ctx.key(), rfc8785.dumps(claim))
    if cfg.role == "hub":
        take_encryption_key(ctx, token)
        return True
    status, text = transport.post(cfg.hub_endpoint + ENCRYPTION_KEYS_PATH, token)
    if status != 200:
        raise ConflictError(f"the hub refused the encryption key: HTTP {status}: {text[:300]}")
    doc = network_directory.install(ctx, text)
    if not listed(ctx, doc, me):
        raise ConflictError("the hub's directory does not list the encryption key")
    return True


def take_encryption_key(ctx: NodeContext, token: str) -> str:
    """At the hub: list a member's encryption key (claim signed by the member). The directory.

    Raises:
        PermissionDeniedError: not signed by a listed key of the State it names, stale, or
            a key another member holds.
        ConflictError: this node is not the hub.
    """
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        cfg = network_directory.config(conn)
        if cfg.role != "hub":
            raise ConflictError("only the hub lists keys")
        held = network_directory.directory(conn)
        state, claim = network_directory.member_signed(held, token.strip(), now, "encryption key")
        if not isinstance(claim, dict) or claim.get("uncc") != FORMAT:
            raise UserInputError(f"expected an '{FORMAT}' claim")
        if claim.get("state") != state:
            raise PermissionDeniedError(f"{state} may publish only its own encryption key")
        try:
            at = dt.datetime.fromisoformat(str(claim.get("at")))
            public = str(claim.get("public_key"))
            kid = thumbprint(public)
        except ValueError:
            raise UserInputError(
                "the claim needs 'at' (ISO 8601) and 'public_key' (64 hex)"
            ) from None
        if at.tzinfo is None or abs(now - at) > CLOCK_SKEW:
            raise PermissionDeniedError("the encryption key claim is not from now (replayed?)")
        if any(k.kid == kid for m in held.members if m.state != state for k in m.encryption_keys):
            raise PermissionDeniedError("another member holds that encryption key")
        member = held.member(state)
        if member is None:  # member_signed found its key, so this cannot be; but never assume
            raise PermissionDeniedError(f"{state} is not a member")
        try:
            new_key = EncryptionPublicKey(kid=kid, public_key=public)
        except ValueError as exc:
            raise UserInputError(f"public_key: {exc}") from None
        updated = Member.model_validate(
            {**member.model_dump(), "encryption_keys": [new_key.model_dump()]}
        )
        conn.execute(
            update(schema.members)
            .where(schema.members.c.state == state)
            .values(entry=updated.model_dump(mode="json"), updated_at=now)
        )
        published = network_directory.publish_in(ctx, conn)
        audit(
            conn,
            now,
            f"network:{state}",
            "network.encryption_key_listed",
            obj=state,
            outcome="ok",
            kid=kid,
        )
    return published
