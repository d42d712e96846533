"""Rotating the hub's own key: a statement signed by the old key, which members follow.

Every member pins the hub's public key when it joins. To replace it, the hub signs a
statement ``{"uncc": "hub-key-rotation/1", hub, old_kid, new_kid, new_public_key, at}``
with its current key (it is the hub) and with the new key (it holds it), keeps every
statement it ever made, and signs the directory with the new key from then on. A
member that meets a directory signed by a key it has not pinned fetches the chain of
statements, follows it from its pinned key link by link — each link signed by the key
it replaces — and re-pins the last key only when that key signed the directory.
"""

from __future__ import annotations

import datetime as dt
import json

import rfc8785
from sqlalchemy import Connection, func, insert, select, update

from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain.directory import Member, PublicKey
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, UserInputError
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.network import directory as network_directory
from uncc.services.network.hub_chain import FORMAT, HUB_KEYS_PATH

__all__ = ["FORMAT", "HUB_KEYS_PATH", "rotate_hub_key", "statements"]


def rotate_hub_key(ctx: NodeContext, who: Principal, overlap: dt.timedelta) -> str:
    """At the hub: replace its signing key, publish the statement and the directory.

    The old key stays listed in the hub's directory entry until ``overlap`` has passed,
    so messages it signed before still verify. Returns the new key id.
    """
    require(who.roles, Action.NETWORK_ADMIN)
    if overlap <= dt.timedelta(0):
        raise UserInputError("the overlap must be positive (old signatures stay valid that long)")
    pending = ctx.key_path.with_name(ctx.key_path.stem + ".next.pem")
    old = ctx.key()
    new = (
        NodeKey.load(pending, ctx.passphrase)
        if pending.exists()
        else NodeKey.generate(pending, ctx.passphrase)
    )
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        cfg = network_directory.config(conn)
        if cfg.role != "hub":
            raise ConflictError("only the hub rotates the hub key ('uncc network rotate-key')")
        claim = {
            "uncc": FORMAT,
            "hub": cfg.hub_state,
            "old_kid": old.key_id,
            "new_kid": new.key_id,
            "new_public_key": new.public_hex,
            "at": now.isoformat(),
        }
        payload = rfc8785.dumps(claim)
        statement = json.dumps({"old": jws.sign(old, payload), "new": jws.sign(new, payload)})
        seq = (conn.execute(select(func.max(schema.hub_rotations.c.seq))).scalar() or 0) + 1
        conn.execute(insert(schema.hub_rotations).values(seq=seq, statement=statement, at=now))
        _relist(conn, cfg.hub_state, old, new, not_after=now + overlap, now=now)
        conn.execute(update(schema.network).values(hub_key=new.public_hex, updated_at=now))
        network_directory.publish_in(ctx, conn)  # signed with the new key (the row names it)
        audit(
            conn,
            now,
            who.user,
            "network.hub_key",
            obj=cfg.hub_state,
            outcome="ok",
            old=old.key_id,
            new=new.key_id,
        )
    ctx.key_path.replace(ctx.key_path.with_name(f"{ctx.key_path.stem}.{old.key_id}.pem"))
    pending.replace(ctx.key_path)
    return new.key_id


def _relist(
    conn: Connection,
    hub: str,
    old: NodeKey,
    new: NodeKey,
    *,
    not_after: dt.datetime,
    now: dt.datetime,
) -> None:
    """The hub's own entry, key history and node row move to the new key."""
    row = conn.execute(select(schema.members.c.entry).where(schema.members.c.state == hub)).one()
    entry = Member.model_validate(row.entry)
    keys = [
        k.model_copy(update={"not_after": not_after}) if k.kid == old.key_id else k
        for k in entry.keys
        if k.valid_at(now)
    ]
    keys.append(PublicKey(kid=new.key_id, public_key=new.public_hex))
    conn.execute(
        update(schema.members)
        .where(schema.members.c.state == hub)
        .values(
            entry=entry.model_copy(update={"keys": keys}).model_dump(mode="json"), updated_at=now
        )
    )
    conn.execute(update(schema.node).values(public_key=new.public_hex, key_id=new.key_id))
    if (
        conn.execute(
            select(schema.node_keys.c.kid).where(schema.node_keys.c.kid == new.key_id)
        ).first()
        is None
    ):
        conn.execute(
            insert(schema.node_keys).values(
                kid=new.key_id, public_key=new.public_hex, created_at=now
            )
        )
    conn.execute(
        update(schema.node_keys)
        .where(schema.node_keys.c.kid == old.key_id)
        .values(retired_at=not_after)
    )


def statements(ctx: NodeContext) -> str:
    """At the hub: every rotation statement of its key, oldest first (a JSON list)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(schema.hub_rotations.c.statement).order_by(schema.hub_rotations.c.seq)
        )
        return json.dumps([json.loads(r.statement) for r in rows])
