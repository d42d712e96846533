"""What a request is linked to here: its case, its orders, the evidence taken in from it.

A request page links to our case and to our orders that answer it (the orders drafted
for it, and those our execution results name); a case page lists the requests made on
it, sent and received; evidence taken in from a request's transfer links back to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.conversations import BACKED
from uncc.domain.policy import Action, require
from uncc.services.context import NodeContext, Principal
from uncc.services.need_to_know import hidden_orders
from uncc.services.network.conversations import Conversation, list_conversations


@dataclass(frozen=True)
class Links:
    """Our records a request is linked to (orders the reader may not see left out)."""

    case_id: str | None
    orders: tuple[str, ...]
    evidence: tuple[str, ...]
    """Items taken into our vault from the evidence sent on the request."""
    follows: str | None
    """The request whose disclosed hop this one asks about (Art. 44)."""


def evidence_taken_in(conn: Connection, conversation_id: str) -> list[str]:
    """Our ids of the items taken in from a request's evidence transfers, in order."""
    rows = conn.execute(
        select(schema.audit.c.details)
        .where(
            schema.audit.c.action == "network.evidence_accepted",
            schema.audit.c.object == conversation_id,
            schema.audit.c.outcome == "ok",
        )
        .order_by(schema.audit.c.seq)
    ).scalars()
    return [str(d["evidence"]) for d in rows if d and d.get("evidence")]


def links_of(ctx: NodeContext, who: Principal, found: Conversation) -> Links:
    """The records of ours a request (as the reader sees it) is linked to."""
    require(who.roles, Action.NETWORK_READ)
    orders = [found.order_id] if found.order_id else []
    orders += [o for o in found.drafted if o not in orders]
    for message in found.thread:
        if message["direction"] == "out" and message["type"] in BACKED:
            named = message["body"].get("order")
            if isinstance(named, str) and named not in orders:
                orders.append(named)
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        known = set(
            conn.execute(select(schema.orders.c.id).where(schema.orders.c.id.in_(orders))).scalars()
        )
        follows = conn.execute(
            select(schema.conversations.c.follows).where(schema.conversations.c.id == found.id)
        ).scalar()
        taken = evidence_taken_in(conn, found.id)
    return Links(
        found.case_id,
        tuple(o for o in orders if o in known and o not in hidden),
        tuple(taken),
        str(follows) if follows else None,
    )


def requests_of_case(ctx: NodeContext, who: Principal, case_id: str) -> list[Conversation]:
    """The requests made on a case, sent and received, newest first."""
    return list_conversations(ctx, who, case_id=case_id)
