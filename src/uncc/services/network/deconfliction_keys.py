"""The network's deconfliction key (Art. 40(5)): issued by the hub per epoch, kept sealed.

The hub draws a fresh random key for each epoch and sends it to every member (an urgent
message); each node keeps it sealed with its data key and tags its selectors with the
latest epoch's key (:mod:`uncc.services.network.deconfliction`).
"""

from __future__ import annotations

import base64
import secrets
import uuid

from sqlalchemy import Connection, delete, func, insert, select

from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.domain.messages import Urgency
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.network import directory as network_directory
from uncc.services.network.outbox import enqueue


def rotate_key(ctx: NodeContext, who: Principal) -> int:
    """At the hub: a new epoch with a fresh random key, sent to every member. The epoch."""
    require(who.roles, Action.NETWORK_ADMIN)
    with ctx.engine.begin() as conn:
        cfg = network_directory.config(conn)
        if cfg.role != "hub":
            raise ConflictError("only the hub issues deconfliction keys")
        epoch = (
            conn.execute(select(func.max(schema.deconfliction_keys.c.epoch))).scalar() or 0
        ) + 1
        key = secrets.token_bytes(32)
        _store(ctx, conn, epoch, key)
        text = base64.urlsafe_b64encode(key).decode()
        for member in network_directory.directory(conn).members:
            if member.state == cfg.hub_state:
                continue
            enqueue(
                ctx,
                conn,
                kind="deconfliction_key",
                recipient=member.state,
                body={"epoch": epoch, "key": text},
                conversation=str(uuid.uuid4()),
                urgency=Urgency.URGENT,
            )
        audit(conn, ctx.clock(), who.user, "deconfliction.key", obj=str(epoch), outcome="ok")
    return epoch


def _store(ctx: NodeContext, conn: Connection, epoch: int, key: bytes) -> None:
    sealed = ctx.data_key().seal(key, f"deconfliction:{epoch}".encode())
    conn.execute(
        delete(schema.deconfliction_keys).where(schema.deconfliction_keys.c.epoch == epoch)
    )
    conn.execute(
        insert(schema.deconfliction_keys).values(
            epoch=epoch, sealed_key=sealed, received_at=ctx.clock()
        )
    )


def current_key(ctx: NodeContext, conn: Connection) -> tuple[int, bytes]:
    """The latest epoch and its key.

    Raises:
        NotFoundError: no key has arrived from the hub yet.
    """
    row = conn.execute(
        select(schema.deconfliction_keys)
        .order_by(schema.deconfliction_keys.c.epoch.desc())
        .limit(1)
    ).first()
    if row is None:
        raise NotFoundError(
            "no deconfliction key yet: the hub sends one ('uncc deconflict rotate-key' at the hub)"
        )
    return row.epoch, ctx.data_key().open(
        bytes(row.sealed_key), f"deconfliction:{row.epoch}".encode()
    )


def key_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Keep a key the hub sent (and nobody else's)."""
    cfg = network_directory.config(conn)
    if envelope.sender != cfg.hub_state:
        audit(
            conn,
            ctx.clock(),
            f"network:{envelope.sender}",
            "deconfliction.key",
            obj=str(envelope.body.get("epoch")),
            outcome="refused",
            reason="not the hub",
        )
        return
    key = base64.urlsafe_b64decode(str(envelope.body["key"]))
    _store(ctx, conn, int(envelope.body["epoch"]), key)
