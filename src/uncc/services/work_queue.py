"""What waits for me: the moves my roles may make now, soonest deadline first.

A judge sees the orders to authorise, a prosecutor those to issue, a contact point the
requests from other States to acknowledge or answer (with the deadline), whoever may take
in evidence the evidence offered and not taken in, and investigators and contact points
the confirmed deconfliction hits to consult on. A confidential order the reader has no
need to know is not listed, and its id is withheld where a request names it. Looking at one's queue is not
audited (it names only what the pages it links to audit when opened).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, allowed
from uncc.services.context import NodeContext, Principal
from uncc.services.need_to_know import Hidden, hidden_orders

CLOSED = ("answered", "refused")


@dataclass(frozen=True)
class Task:
    """One thing to do: what, on what, where to do it, and by when (if a deadline binds)."""

    move: str
    """authorise, issue, acknowledge, answer, take in, consult."""
    text: str
    link: str
    due: dt.datetime | None = None

    def late(self, now: dt.datetime) -> bool:
        """True when the deadline has passed."""
        return self.due is not None and _aware(self.due) < now


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _may(who: Principal, action: Action) -> bool:
    return any(allowed(r, action) for r in who.roles)


def tasks(ctx: NodeContext, who: Principal) -> list[Task]:
    """The user's queue: deadlines soonest first, then the rest by age."""
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        found: list[Task] = []
        if _may(who, Action.ORDER_AUTHORISE):
            found += _orders(conn, hidden, "submitted", "authorise")
        if _may(who, Action.ORDER_ISSUE):
            found += _orders(conn, hidden, "authorised", "issue")
        if _may(who, Action.NETWORK_ANSWER):
            found += _requests(conn, hidden)
        if _may(who, Action.EVIDENCE_ADD) and _may(who, Action.NETWORK_READ):
            found += _offered(conn, hidden)
        if _may(who, Action.NETWORK_READ) and _may(who, Action.CASE_READ):
            found += _hits(conn)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(found, key=lambda t: _aware(t.due) if t.due else far)


def _orders(conn: Connection, hidden: Hidden, state: str, move: str) -> list[Task]:
    column = schema.orders.c
    rows = conn.execute(
        select(column.id, column.power, column.case_id)
        .where(column.state == state)
        .order_by(column.id)
    )
    return [
        Task(
            move,
            f"{move} order {r.id} ({str(r.power).replace('_', ' ')}), case {r.case_id}",
            f"/orders/{r.id}",
        )
        for r in rows
        if r.id not in hidden
    ]


def _requests(conn: Connection, hidden: Hidden) -> list[Task]:
    column = schema.conversations.c
    rows = conn.execute(
        select(schema.conversations)
        .where(
            column.direction == "in",
            column.status.not_in(CLOSED),
            column.kind.not_in(("deconfliction_hit", "evidence_transfer")),
        )
        .order_by(column.created_at)
    )
    found = []
    for r in rows:
        label = f"{str(r.kind).replace('_', ' ')} from {r.peer} ({hidden.text(r.reference)})"
        if r.acknowledged_at is None:
            found.append(
                Task(
                    "acknowledge",
                    f"acknowledge {label}",
                    f"/network/requests/{r.id}",
                    _aware(r.acknowledge_by),
                )
            )
        else:
            found.append(
                Task("answer", f"answer {label}", f"/network/requests/{r.id}", _aware(r.answer_by))
            )
    return found


def _offered(conn: Connection, hidden: Hidden) -> list[Task]:
    thread, talks, audit = schema.thread.c, schema.conversations.c, schema.audit.c
    taken = select(audit.object).where(
        audit.action == "network.evidence_accepted", audit.outcome == "ok"
    )
    rows = conn.execute(
        select(talks.id, talks.peer, talks.reference)
        .join(schema.thread, thread.conversation == talks.id)
        .where(
            thread.type == "evidence_transfer",
            thread.direction == "in",
            talks.id.not_in(taken),
        )
        .distinct()
    )
    return [
        Task(
            "take in",
            f"take in the evidence {r.peer} offered on {hidden.text(r.reference)}",
            f"/network/requests/{r.id}",
        )
        for r in rows
    ]


def _hits(conn: Connection) -> list[Task]:
    column, thread = schema.conversations.c, schema.thread.c
    consulted = select(thread.conversation).where(
        thread.direction == "out", thread.type == "consultation"
    )
    rows = conn.execute(
        select(column.id, column.peer, column.case_id).where(
            column.direction == "in",
            column.kind == "deconfliction_hit",
            column.status == "confirmed",
            column.id.not_in(consulted),
        )
    )
    return [
        Task(
            "consult",
            f"consult {r.peer}: it also investigates a selector of case {r.case_id} (Art. 40(5))",
            f"/cases/{r.case_id}",
        )
        for r in rows
    ]


def expiring(ctx: NodeContext, who: Principal, within: dt.timedelta) -> list[Task]:
    """Issued orders whose period ends within ``within`` (those the user may see)."""
    if not _may(who, Action.ORDER_READ):
        return []
    column = schema.orders.c
    limit = ctx.clock() + within
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        rows = conn.execute(
            select(column.id, column.power, column.expires_at)
            .where(column.state == "issued", column.expires_at.is_not(None))
            .order_by(column.expires_at)
        ).all()
    return [
        Task(
            "renew or let expire",
            f"order {r.id} ({str(r.power).replace('_', ' ')}) expires",
            f"/orders/{r.id}",
            _aware(r.expires_at),
        )
        for r in rows
        if r.id not in hidden and _aware(r.expires_at) < limit
    ]
