"""Rotating a member's signing key without downtime.

The member makes a new key and asks the hub to list it, in a request signed with the
old key (it is us) and with the new one (we hold it). The hub lists both, the old one
until an overlap time, and publishes the directory. The member then signs with the new
key; receivers that do not know it yet fetch the directory and find it. Messages signed
with the old key still verify until the overlap ends, and the old custody checkpoints
keep verifying against the node's key history.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import rfc8785
from sqlalchemy import select, update

from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain.directory import Member, PublicKey
from uncc.domain.keyids import kid_of
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.hub_keys import rotate_hub_key
from uncc.services.network.listing import derive_kids, refuse_held_elsewhere
from uncc.services.network.transport import Transport

KEYS_PATH = "/network/v1/keys"
FORMAT = "key-rotation/1"


def _next_path(ctx: NodeContext) -> Any:
    return ctx.key_path.with_name(ctx.key_path.stem + ".next.pem")


def rotate(
    ctx: NodeContext,
    who: Principal,
    transport: Transport,
    overlap: dt.timedelta = dt.timedelta(hours=24),
) -> str:
    """Replace this node's signing key; the new key id.

    Safe to run again after an interruption: a pending new key is reused. At the hub,
    the rotation is a statement signed by the old key that members follow (``hub_keys``).
    """
    require(who.roles, Action.NETWORK_ADMIN)
    if overlap <= dt.timedelta(0):
        raise UserInputError("the overlap must be positive (old signatures stay valid that long)")
    with ctx.engine.connect() as conn:
        cfg = network_directory.config(conn)
        me = node_info(conn).state
    if cfg.role == "hub":  # members follow a statement signed by the old key
        return rotate_hub_key(ctx, who, overlap)
    old = ctx.key()
    pending = _next_path(ctx)
    new = (
        NodeKey.load(pending, ctx.passphrase)
        if pending.exists()
        else NodeKey.generate(pending, ctx.passphrase)
    )
    now = ctx.clock()
    claim = {
        "uncc": FORMAT,
        "state": me,
        "new_kid": new.key_id,
        "new_public_key": new.public_hex,
        "retire_kid": old.key_id,
        "not_after": (now + overlap).isoformat(),
        "at": now.isoformat(),
    }
    body = json.dumps(
        {"old": jws.sign(old, rfc8785.dumps(claim)), "new": jws.sign(new, rfc8785.dumps(claim))}
    )
    status, text = transport.post(cfg.hub_endpoint + KEYS_PATH, body)
    if status != 200:
        raise ConflictError(f"the hub refused the new key: HTTP {status}: {text[:300]}")
    doc = network_directory.install(ctx, text)
    listed = doc.member(me)
    if listed is None or new.key_id not in {k.kid for k in listed.keys}:
        raise ConflictError("the hub's directory does not list the new key")
    with ctx.engine.begin() as conn:
        conn.execute(update(schema.node).values(public_key=new.public_hex, key_id=new.key_id))
        known = conn.execute(
            select(schema.node_keys.c.kid).where(schema.node_keys.c.kid == new.key_id)
        ).first()
        if known is None:
            conn.execute(
                schema.node_keys.insert().values(
                    kid=new.key_id, public_key=new.public_hex, created_at=now
                )
            )
        conn.execute(
            update(schema.node_keys)
            .where(schema.node_keys.c.kid == old.key_id)
            .values(retired_at=now + overlap)
        )
        audit(
            conn,
            now,
            who.user,
            "network.rotate_key",
            obj=me,
            outcome="ok",
            old=old.key_id,
            new=new.key_id,
        )
    ctx.key_path.replace(ctx.key_path.with_name(f"{ctx.key_path.stem}.{old.key_id}.pem"))
    pending.replace(ctx.key_path)
    ctx._key = None
    return new.key_id


def take_rotation(ctx: NodeContext, body: str) -> str:
    """At the hub: list a member's new key (signed by its old and its new key). The directory."""
    try:
        tokens = json.loads(body)
        old_token, new_token = str(tokens["old"]), str(tokens["new"])
    except (ValueError, KeyError, TypeError):
        raise UserInputError('expected {"old": JWS, "new": JWS}') from None
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        cfg = network_directory.config(conn)
        if cfg.role != "hub":
            raise ConflictError("only the hub lists keys")
        held = network_directory.directory(conn)
        state, claim = network_directory.member_signed(held, old_token, now, "rotation")
        if claim.get("uncc") != FORMAT or claim.get("state") != state:
            raise PermissionDeniedError(f"{state} may rotate only its own key")
        try:
            if json.loads(jws.verify(new_token, str(claim["new_public_key"]))) != claim:
                raise PermissionDeniedError("the new key did not sign the same rotation")
        except jws.SignatureError as exc:
            raise PermissionDeniedError(f"the rotation's signature does not hold: {exc}") from None
        member = held.member(state)
        assert member is not None
        new_kid, not_after = _checked_claim(claim, member, now)
        keys = [
            k.model_copy(update={"not_after": not_after}) if k.kid == claim["retire_kid"] else k
            for k in member.keys
            if k.valid_at(now) and k.kid != new_kid
        ]
        keys.append(PublicKey(kid=new_kid, public_key=str(claim["new_public_key"])))
        updated = derive_kids(
            Member.model_validate({**member.model_dump(), "keys": [k.model_dump() for k in keys]})
        )
        refuse_held_elsewhere(conn, updated)
        conn.execute(
            update(schema.members)
            .where(schema.members.c.state == state)
            .values(entry=updated.model_dump(mode="json"), updated_at=now)
        )
        token = network_directory.publish_in(ctx, conn)
        audit(
            conn,
            now,
            f"network:{state}",
            "network.key_listed",
            obj=state,
            outcome="ok",
            new=new_kid,
            retire=claim["retire_kid"],
        )
    return token


def _checked_claim(claim: Any, member: Member, now: dt.datetime) -> tuple[str, dt.datetime]:
    """The new key's id (computed here, from the key) and the old key's end of validity.

    Raises:
        PermissionDeniedError: the claimed new id is not the new key's, or the key to
            retire is not a current key of the member.
        UserInputError: a field is missing or not in its form.
    """
    try:
        new_kid = kid_of(str(claim["new_public_key"]))
        not_after = dt.datetime.fromisoformat(str(claim["not_after"]))
    except (KeyError, ValueError):
        raise UserInputError("the rotation needs new_public_key (64 hex) and not_after") from None
    if not_after.tzinfo is None:
        raise UserInputError("the rotation's not_after must carry a time zone")
    if claim.get("new_kid") != new_kid:
        raise PermissionDeniedError(
            f"the new key's id is {new_kid} (its RFC 7638 thumbprint), not {claim.get('new_kid')}"
        )
    current = {k.kid for k in member.keys if k.valid_at(now) and k.kid == kid_of(k.public_key)}
    if claim.get("retire_kid") not in current:
        raise PermissionDeniedError(
            f"{claim.get('retire_kid')} is not a current key of {member.state}"
        )
    return new_kid, not_after
