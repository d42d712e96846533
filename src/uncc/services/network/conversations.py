"""Conversations: a request and its answers, tracked with service levels on both sides.

Opening a conversation computes both deadlines from the request's ``created`` time and
its kind's service levels, so the two sides see the same timers; every answer sent or
received moves it on; ``escalate`` flags what is late, once each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from uncc.adapters.db import schema
from uncc.domain import cooperation
from uncc.domain.envelope import Envelope
from uncc.domain.messages import Urgency
from uncc.domain.policy import Action, require
from uncc.domain.service_levels import Deadlines, deadlines, late
from uncc.errors import NotFoundError
from uncc.services import order_links
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.need_to_know import Hidden, hidden_orders
from uncc.services.network.outbox import alert

ANSWERS = {
    "acknowledgment": "acknowledged",
    "status_update": None,
    "assistance_answer": "answered",
    "execution_result": "answered",
    "refusal": "refused",
    "traffic_disclosure": "disclosed",
    "conviction_answer": "answered",
    "hearing_record": "answered",
    "consultation": None,
}
"""Answer type → the status it gives the conversation (None: the update's own status).

A traffic disclosure does not close the preservation: it reveals the previous hop
(``uncc.domain.path_trace``), and the execution result is still to come."""
ESCALATE_SECONDS = 30.0
"""Seconds between escalation passes (service levels are counted in hours)."""
CLOSED = {"answered", "refused"}
OPEN_REFUSALS = {"partial": "partly_refused", "conditional": "refused_unless"}
"""A refusal in part, or unless conditions are met: the request stays open for the rest."""


@dataclass(frozen=True)
class Conversation:
    """A request and what has happened to it, as one side sees it."""

    id: str
    peer: str
    direction: str
    kind: str
    urgency: str
    reference: str
    status: str
    case_id: str | None
    order_id: str | None
    created_at: dt.datetime
    acknowledge_by: dt.datetime
    answer_by: dt.datetime
    acknowledged_at: dt.datetime | None
    answered_at: dt.datetime | None
    escalated: list[str]
    request: dict[str, Any]
    thread: list[dict[str, Any]]
    drafted: tuple[str, ...] = ()
    """Our orders drafted for a request received here (those the reader may see)."""

    def late(self, now: dt.datetime) -> list[str]:
        """What is overdue now ('acknowledgment', 'answer')."""
        if self.status in CLOSED:
            return []
        return late(
            _due(self),
            now,
            acknowledged=self.acknowledged_at,
            answered=self.answered_at,
        )


def _due(c: Conversation) -> Deadlines:
    return Deadlines(c.acknowledge_by, c.answer_by)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def open_conversation(
    conn: Connection,
    envelope: Envelope,
    direction: str,
    peer: str,
    *,
    case_id: str | None,
    order_id: str | None,
    status: str,
) -> None:
    """Track a request sent ('out') or received ('in'), with its deadlines."""
    known = cooperation.kind(envelope.type)
    urgency = Urgency(
        envelope.body.get("urgency", known.default_urgency if known else Urgency.URGENT)
    )
    due = deadlines(urgency, envelope.created, envelope.type)
    conn.execute(
        _OPEN,
        {
            "id": envelope.conversation,
            "peer": peer,
            "direction": direction,
            "kind": envelope.type,
            "urgency": urgency.value,
            "reference": str(envelope.body.get("reference", envelope.id))[:200],
            "status": status,
            "case_id": case_id,
            "order_id": order_id,
            "created_at": envelope.created,
            "acknowledge_by": due.acknowledge_by,
            "answer_by": due.answer_by,
            "escalated": [],
            "escalate_at": min(due.acknowledge_by, due.answer_by),
            "request": envelope.body,
            "confidential": envelope.handling.confidential,
        },
    )


def progress(conn: Connection, conversation_id: str, envelope: Envelope) -> None:
    """Move the conversation on after an answer was sent or received (its row locked)."""
    row = conversation_row(conn, conversation_id, lock=True)
    status = ANSWERS.get(envelope.type)
    if envelope.type == "status_update":
        status = str(envelope.body["status"])
    if envelope.type == "refusal" and envelope.body.get("scope") in OPEN_REFUSALS:
        status = OPEN_REFUSALS[str(envelope.body["scope"])]
    confirmed = envelope.body.get("confirmed")
    if envelope.type == "acknowledgment" and isinstance(confirmed, bool):
        status = "confirmed" if confirmed else "unconfirmed"  # a deconfliction hit's answer
    values: dict[str, Any] = {}
    if status is not None and row["status"] not in CLOSED:
        values["status"] = status
    if envelope.type in ("acknowledgment", "status_update") and row["acknowledged_at"] is None:
        values["acknowledged_at"] = envelope.created
    if status in CLOSED:
        values["answered_at"] = envelope.created
        if row["acknowledged_at"] is None:
            values["acknowledged_at"] = envelope.created
    if values:
        conn.execute(_MOVE, {"talk": conversation_id, **values})


def conversation_row(conn: Connection, conversation_id: str, *, lock: bool = False) -> Any:
    """A conversation's row; with ``lock``, locked until the caller's transaction ends.

    Raises:
        NotFoundError: no such request here.
    """
    query = _ROW_LOCKED if lock else _ROW
    row = conn.execute(query, {"talk": conversation_id}).mappings().first()
    if row is None:
        raise NotFoundError(f"no request {conversation_id}")
    return row


_OPEN = insert(schema.conversations)
_MOVE = update(schema.conversations).where(schema.conversations.c.id == bindparam("talk"))
"""The conversation's update: the values to set are the parameters besides ``talk``."""
_ROW = select(schema.conversations).where(schema.conversations.c.id == bindparam("talk"))
_ROW_LOCKED = _ROW.with_for_update()
"""A conversation's row, unlocked and locked (statements built once: building costs more
than running them)."""


# --- reading and timers ----------------------------------------------------------------


def _conversation(conn: Connection, row: Any) -> Conversation:
    thread = [
        {
            "message": t.message,
            "sender": t.sender,
            "direction": t.direction,
            "type": t.type,
            "at": _aware(t.at),
            "body": t.body,
        }
        for t in conn.execute(
            select(schema.thread)
            .where(schema.thread.c.conversation == row["id"])
            .order_by(schema.thread.c.id)
        )
    ]
    return Conversation(
        row["id"],
        row["peer"],
        row["direction"],
        row["kind"],
        row["urgency"],
        row["reference"],
        row["status"],
        row["case_id"],
        row["order_id"],
        _aware(row["created_at"]),  # type: ignore[arg-type]
        _aware(row["acknowledge_by"]),  # type: ignore[arg-type]
        _aware(row["answer_by"]),  # type: ignore[arg-type]
        _aware(row["acknowledged_at"]),
        _aware(row["answered_at"]),
        list(row["escalated"]),
        dict(row["request"]),
        thread,
    )


def _visible(found: Conversation, hidden: Hidden) -> Conversation:
    """A request as the reader may see it: a confidential order they may not see is not named."""
    if not hidden:
        return found
    return replace(
        found,
        order_id=None if found.order_id in hidden else found.order_id,
        request=hidden.redact(found.request),
        thread=hidden.redact(found.thread),
    )


def get_conversation(ctx: NodeContext, who: Principal, conversation_id: str) -> Conversation:
    """One request with its thread (audited read)."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        found = read_conversation(conn, who, conversation_id)
    audit_now(ctx, who.user, "network.read", obj=conversation_id, outcome="ok")
    return found


def read_conversation(conn: Connection, who: Principal, conversation_id: str) -> Conversation:
    """One request with its thread, as ``who`` may see it (the caller audits the read)."""
    found = _visible(
        _conversation(conn, conversation_row(conn, conversation_id)), hidden_orders(conn, who)
    )
    if found.direction == "in":
        drafted = order_links.drafted_for(conn, who, [found.id])
        found = replace(found, drafted=drafted.get(found.id, ()))
    return found


def list_conversations(
    ctx: NodeContext, who: Principal, direction: str | None = None, case_id: str | None = None
) -> list[Conversation]:
    """Requests sent ('out') and received ('in'), newest first (only one case's with ``case_id``)."""
    require(who.roles, Action.NETWORK_READ)
    query = select(schema.conversations).order_by(schema.conversations.c.created_at.desc())
    if direction:
        query = query.where(schema.conversations.c.direction == direction)
    if case_id is not None:
        query = query.where(schema.conversations.c.case_id == case_id)
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        found = [_visible(_conversation(conn, r), hidden) for r in conn.execute(query).mappings()]
        drafted = order_links.drafted_for(conn, who, [c.id for c in found if c.direction == "in"])
    return [replace(c, drafted=drafted[c.id]) if c.id in drafted else c for c in found]


def escalate(ctx: NodeContext) -> list[tuple[str, str]]:
    """Flag every request whose acknowledgment or answer is late, once each; alert.

    One indexed query finds the requests whose next deadline to watch (``escalate_at``)
    has come; each is flagged for what is late now, and its next deadline is set (None
    once nothing is left to escalate, so a request late long ago costs nothing more).
    Runs on its own timer, in its own transaction, never in the receive path.
    """
    now = ctx.clock()
    flagged: list[tuple[str, str]] = []
    table = schema.conversations
    with ctx.engine.connect() as conn:  # a read first: an idle pass takes no write lock
        if (
            conn.execute(select(table.c.id).where(table.c.escalate_at <= now).limit(1)).first()
            is None
        ):
            return flagged
    with ctx.engine.begin() as conn:
        rows = (
            conn.execute(
                select(table)
                .where(table.c.escalate_at <= now)
                .order_by(table.c.escalate_at)
                .with_for_update(skip_locked=True)  # another sender is escalating these
            )
            .mappings()
            .all()
        )
        for row in rows:
            escalated = list(row["escalated"])
            new = [what for what in _late(row, now) if what not in escalated]
            conn.execute(
                update(table)
                .where(table.c.id == row["id"])
                .values(
                    escalated=[*escalated, *new], escalate_at=_next_look(row, [*escalated, *new])
                )
            )
            side = "our request to" if row["direction"] == "out" else "the request from"
            for what in new:
                alert(
                    conn,
                    now,
                    f"late {what}: {side} {row['peer']} ({row['reference']}, {row['urgency']})",
                )
                flagged.append((row["id"], what))
    return flagged


def _late(row: Any, now: dt.datetime) -> list[str]:
    """What of a conversation's row is late at ``now`` (as ``Conversation.late``)."""
    if row["status"] in CLOSED:
        return []
    return late(
        Deadlines(_aware(row["acknowledge_by"]), _aware(row["answer_by"])),  # type: ignore[arg-type]
        now,
        acknowledged=_aware(row["acknowledged_at"]),
        answered=_aware(row["answered_at"]),
    )


def _next_look(row: Any, escalated: list[str]) -> dt.datetime | None:
    """The earliest deadline of the row not yet met nor escalated; None when there is none."""
    if row["status"] in CLOSED or row["answered_at"] is not None:
        return None
    watch = []
    if "acknowledgment" not in escalated and row["acknowledged_at"] is None:
        watch.append(_aware(row["acknowledge_by"]))
    if "answer" not in escalated:
        watch.append(_aware(row["answer_by"]))
    return min((w for w in watch if w is not None), default=None)
