"""Tools of a hostile member: forged envelopes, and a snapshot to show nothing changed."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, select

from tests.network.kit import Peer
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.services.network import directory, sealing
from uncc.services.network.envelopes import seal

STATE = (
    "inbox",
    "conversations",
    "thread",
    "cases",
    "orders",
    "evidence",
    "outbox",
    "members",
    "network",
    "node_keys",
    "fetch_nonces",
    "notices",
)
"""What a refused message must leave as it was (the audit trail may grow)."""


def snapshot(peer: Peer, *tables: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables (all of ``STATE`` by default)."""
    with peer.ctx.engine.connect() as conn:
        return {
            name: sorted(
                (
                    tuple(str(v) for v in row)
                    for row in conn.execute(select(schema.metadata.tables[name]))
                ),
            )
            for name in tables or STATE
        }


def audit_rows(peer: Peer) -> int:
    """How many audit rows the node has."""
    with peer.ctx.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.audit)).scalar_one()


def forge(
    sender: Peer,
    clock: Clock,
    kind: str,
    to: str,
    body: dict[str, Any],
    *,
    conversation: str | None = None,
    **changes: Any,
) -> str:
    """A message really signed by ``sender`` (a member turned hostile), sealed for ``to``."""
    values: dict[str, Any] = {
        "type": kind,
        "sender": sender.state,
        "recipient": to,
        "body": body,
        "created": clock.now,
        "expires": clock.now + dt.timedelta(hours=8),
        "conversation": conversation or str(uuid.uuid4()),
        "seq": 1,
    }
    values.update(changes)
    token = seal(sender.ctx, Envelope(**values))
    with sender.ctx.engine.connect() as conn:
        held = directory.directory(conn)
    try:  # as a member sends it: encrypted for the recipient (ADR 0015)
        return sealing.wire(sender.ctx, token, held, clock.now)
    except sealing.NoEncryptionKeyError:  # not a member: only the signed message
        return token
