"""Cross-border requests and their answers, tracked with service levels on both sides.

The requesting node asks; the requested node decides under its own law (Art. 4). A
received preservation request becomes, on the requested node, a case analysed under its
own profile and a *draft* domestic preservation order — its judges, its territory, its
reservations apply; the requesting node executes nothing there.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, insert, select, update

from uncc.adapters.db import schema
from uncc.domain.conversations import ANSWERS as FITTING
from uncc.domain.conversations import BACKED, allowed
from uncc.domain.envelope import Envelope, Handling
from uncc.domain.messages import (
    REQUESTS,
    PreservationRequest,
    SubscriberRequest,
    Urgency,
    problems,
)
from uncc.domain.orders import Target
from uncc.domain.policy import Action, require
from uncc.domain.service_levels import deadlines, late
from uncc.errors import ConflictError, FactsError, NotFoundError, UserInputError
from uncc.services.cases import open_case_in
from uncc.services.context import NodeContext, Principal, audit, audit_now
from uncc.services.identity import node_info
from uncc.services.need_to_know import Hidden, hidden_orders
from uncc.services.network.backing import check_backed
from uncc.services.network.inbox import handles
from uncc.services.network.onward import check_onward
from uncc.services.network.outbox import alert, enqueue
from uncc.services.orders import DraftRequest, draft_in

ANSWERS = {
    "acknowledgment": "acknowledged",
    "status_update": None,
    "assistance_answer": "answered",
    "execution_result": "answered",
    "refusal": "refused",
    "traffic_disclosure": "answered",
    "conviction_answer": "answered",
    "consultation": None,
}
"""Answer type → the status it gives the conversation (None: the update's own status)."""
CLOSED = {"answered", "refused"}


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


def _due(c: Conversation) -> Any:
    from uncc.domain.service_levels import Deadlines  # noqa: PLC0415

    return Deadlines(c.acknowledge_by, c.answer_by)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def send_request(
    ctx: NodeContext,
    who: Principal,
    *,
    kind: str,
    recipient: str,
    body: dict[str, Any],
    case_id: str | None = None,
    handling: Handling | None = None,
) -> Conversation:
    """Check a request for completeness and put it in the outbox, opening a conversation.

    With a case, a preservation request carries the case's facts, so that the requested
    State can analyse them under its own law.

    Raises:
        UserInputError: the request is incomplete (every missing or wrong field listed).
    """
    require(who.roles, Action.NETWORK_SEND)
    if kind not in REQUESTS:
        raise UserInputError(
            f"'{kind}' does not open a request; expected one of {', '.join(sorted(REQUESTS))}"
        )
    with ctx.engine.begin() as conn:
        if case_id is not None:
            row = conn.execute(
                select(schema.cases.c.facts).where(schema.cases.c.id == case_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no case {case_id}")
            if kind in ("preservation_request", "subscriber_request") and "facts" not in body:
                check_onward(conn, to_state=recipient, case_id=case_id, evidence_ids=[])
                body = {**body, "facts": row.facts}
        found = problems(kind, 1, body)
        if found:
            raise UserInputError(
                f"the {kind.replace('_', ' ')} is not complete:\n  " + "\n  ".join(found)
            )
        urgency = Urgency(body.get("urgency", Urgency.URGENT))
        conversation = str(uuid.uuid4())
        envelope = enqueue(
            ctx,
            conn,
            kind=kind,
            recipient=recipient,
            body=body,
            conversation=conversation,
            urgency=urgency,
            handling=handling,
        )
        _open(conn, envelope, "out", recipient, case_id=case_id, order_id=None, status="sent")
        audit(
            conn,
            envelope.created,
            who.user,
            "network.send",
            obj=conversation,
            outcome="ok",
            type=kind,
            to=recipient,
            case=case_id,
        )
    return get_conversation(ctx, who, conversation)


def _open(
    conn: Connection,
    envelope: Envelope,
    direction: str,
    peer: str,
    *,
    case_id: str | None,
    order_id: str | None,
    status: str,
) -> None:
    urgency = Urgency(envelope.body.get("urgency", Urgency.URGENT))
    due = deadlines(urgency, envelope.created)
    conn.execute(
        insert(schema.conversations).values(
            id=envelope.conversation,
            peer=peer,
            direction=direction,
            kind=envelope.type,
            urgency=urgency.value,
            reference=str(envelope.body.get("reference", envelope.id))[:200],
            status=status,
            case_id=case_id,
            order_id=order_id,
            created_at=envelope.created,
            acknowledge_by=due.acknowledge_by,
            answer_by=due.answer_by,
            escalated=[],
            request=envelope.body,
            confidential=envelope.handling.confidential,
        )
    )


def answer(
    ctx: NodeContext, who: Principal, conversation_id: str, kind: str, body: dict[str, Any]
) -> Conversation:
    """Answer a received request (or write in a consultation), through the outbox."""
    require(who.roles, Action.NETWORK_ANSWER)
    if kind not in ANSWERS:
        raise UserInputError(
            f"'{kind}' is not an answer; expected one of {', '.join(sorted(ANSWERS))}"
        )
    with ctx.engine.begin() as conn:
        row = conversation_row(conn, conversation_id, lock=True)
        may_send(row, kind)
        if row["status"] in CLOSED and kind != "consultation":
            raise ConflictError(f"{conversation_id} is already {row['status']}")
        if kind in BACKED and not body.get("order") and row["order_id"]:
            body = {**body, "order": row["order_id"]}  # the order drafted for the request
        found = problems(kind, 1, body)
        if found:
            raise UserInputError(
                f"the {kind.replace('_', ' ')} is not complete:\n  " + "\n  ".join(found)
            )
        check_backed(conn, row, kind, body)
        envelope = enqueue(
            ctx,
            conn,
            kind=kind,
            recipient=row["peer"],
            body=body,
            conversation=conversation_id,
            urgency=Urgency(row["urgency"]),
        )
        _progress(conn, conversation_id, envelope)
        audit(
            conn,
            envelope.created,
            who.user,
            "network.answer",
            obj=conversation_id,
            outcome="ok",
            type=kind,
        )
    return get_conversation(ctx, who, conversation_id)


def may_send(row: Any, kind: str) -> None:
    """Refuse to send what does not fit the conversation, or is not ours to send.

    Raises:
        ConflictError: our own request (only the requested State answers it), or an
            answer kind that does not answer the request kind.
    """
    if allowed(kind, asked=row["kind"], direction=row["direction"]):
        return
    if row["direction"] != "in":
        raise ConflictError(f"{row['id']} is our own request; only the requested State answers it")
    fitting = ", ".join(sorted(FITTING.get(row["kind"], ())))
    raise ConflictError(
        f"a {kind.replace('_', ' ')} does not answer a {row['kind'].replace('_', ' ')} "
        f"(fitting: {fitting or 'none'})"
    )


def _progress(conn: Connection, conversation_id: str, envelope: Envelope) -> None:
    """Move the conversation on after an answer was sent or received (its row locked)."""
    row = conversation_row(conn, conversation_id, lock=True)
    status = ANSWERS.get(envelope.type)
    if envelope.type == "status_update":
        status = str(envelope.body["status"])
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
        conn.execute(
            update(schema.conversations)
            .where(schema.conversations.c.id == conversation_id)
            .values(**values)
        )


def conversation_row(conn: Connection, conversation_id: str, *, lock: bool = False) -> Any:
    """A conversation's row; with ``lock``, locked until the caller's transaction ends.

    Raises:
        NotFoundError: no such request here.
    """
    query = select(schema.conversations).where(schema.conversations.c.id == conversation_id)
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFoundError(f"no request {conversation_id}")
    return row


# --- the requested side ----------------------------------------------------------------


def _received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Any request: open the conversation on our side and alert the contact points."""
    exists = conn.execute(
        select(schema.conversations.c.id).where(schema.conversations.c.id == envelope.conversation)
    ).first()
    if exists is not None:
        return
    _open(conn, envelope, "in", envelope.sender, case_id=None, order_id=None, status="received")
    alert(
        conn,
        ctx.clock(),
        f"{envelope.type.replace('_', ' ')} from {envelope.sender} ({envelope.body.get('reference', '')}), "
        f"{envelope.body.get('urgency', 'urgent')}: request {envelope.conversation}",
    )


for _kind in ("assistance_request", "conviction_query"):
    handles(_kind)(_received)


def _take_up(
    ctx: NodeContext,
    conn: Connection,
    envelope: Envelope,
    facts: dict[str, Any] | None,
    draft: DraftRequest,
) -> None:
    """A case under our own law and a draft domestic order for the request; acknowledge.

    The order is only a draft: our own judges and prosecutors decide on it, under our
    profile (Art. 4). Without usable facts, or without a basis in our law, no order is
    drafted and the desk is told why.
    """
    _received(ctx, conn, envelope)
    me = node_info(conn).state
    system = Principal(f"network:{envelope.sender}", frozenset())
    reference = str(envelope.body.get("reference", envelope.id))
    note = "no incident facts came with the request: open a case and draft the order by hand"
    case_id = order_id = None
    if facts is not None:
        try:
            case = open_case_in(conn, ctx, system, facts, f"{envelope.sender} request {reference}")
        except FactsError as exc:
            note = f"the facts that came with the request are not valid: {exc}"
        else:
            case_id = case.id
            order, refusal = draft_in(conn, ctx, system, case, draft)
            if refusal is None:
                order_id = order.id
                note = f"case {case.id}, draft {draft.power.replace('_', ' ')} order {order.id} (for our judges and prosecutors)"
            else:
                note = f"case {case.id}; no order drafted under our law: {refusal.reason} [{refusal.provision}]"
    conn.execute(
        update(schema.conversations)
        .where(schema.conversations.c.id == envelope.conversation)
        .values(case_id=case_id, order_id=order_id, status="received")
    )
    alert(
        conn,
        ctx.clock(),
        f"{envelope.type.replace('_', ' ')} {reference} from {envelope.sender}: {note}",
    )
    ack = enqueue(
        ctx,
        conn,
        kind="acknowledgment",
        recipient=envelope.sender,
        body={
            "reference": case_id or envelope.conversation,
            "note": f"Received by {me}; under review under {me} law.",
        },
        conversation=envelope.conversation,
        urgency=Urgency(envelope.body.get("urgency", Urgency.URGENT)),
        in_reply_to=envelope.id,
    )
    _progress(conn, envelope.conversation, ack)
    audit(
        conn,
        ctx.clock(),
        system.user,
        f"network.{envelope.type}",
        obj=envelope.conversation,
        outcome="ok",
        case=case_id,
        order=order_id,
    )


@handles("preservation_request")
def _preservation_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Expedited preservation of the data described, in our territory (Art. 43)."""
    request = PreservationRequest.model_validate(envelope.body)
    me = node_info(conn).state
    days = min(90, max(60, request.preserve_days))
    draft = DraftRequest(
        "preservation",
        tuple(request.offences),
        tuple(
            Target(f"data-{n}", "data", me, item.description)
            for n, item in enumerate(request.data, 1)
        ),
        f"Request {request.reference} of {request.requesting_authority} ({envelope.sender}): {request.summary_of_facts}",
        "; ".join(f"{d.description} ({d.link_to_offence})" for d in request.data),
        request.necessity,
        f"Only the data described, for {days} days, while the formal request is prepared",
        days,
    )
    _take_up(ctx, conn, envelope, request.facts, draft)


@handles("subscriber_request")
def _subscriber_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Production of subscriber information held by a provider in our territory (Art. 45(1)(b))."""
    request = SubscriberRequest.model_validate(envelope.body)
    me = node_info(conn).state
    wanted = ", ".join(f.value.replace("_", " ") for f in request.fields)
    draft = DraftRequest(
        "production_of_subscriber_information",
        tuple(request.offences),
        (Target("provider", "person", me, request.provider),),
        f"Request {request.reference} of {envelope.sender}: subscriber information for {', '.join(request.identifiers)}",
        f"{wanted} (Art. 45(3)) for {request.period}",
        "to identify the users of the identifiers named",
        "only the subscriber information listed, for the period named",
    )
    _take_up(ctx, conn, envelope, request.facts, draft)


def _answered(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """An answer to one of our requests: move our side of the conversation on."""
    row = (
        conn.execute(
            select(schema.conversations).where(schema.conversations.c.id == envelope.conversation)
        )
        .mappings()
        .first()
    )
    if row is None:
        return
    _progress(conn, envelope.conversation, envelope)
    summary = (
        envelope.body.get("outcome")
        or envelope.body.get("status")
        or envelope.body.get("reason")
        or ""
    )
    alert(
        conn,
        ctx.clock(),
        f"{envelope.type.replace('_', ' ')} from {envelope.sender} on {row['reference']}: {summary}".rstrip(
            ": "
        ),
    )


for _kind in ANSWERS:
    handles(_kind)(_answered)


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
        found = _visible(
            _conversation(conn, conversation_row(conn, conversation_id)), hidden_orders(conn, who)
        )
    audit_now(ctx, who.user, "network.read", obj=conversation_id, outcome="ok")
    return found


def list_conversations(
    ctx: NodeContext, who: Principal, direction: str | None = None
) -> list[Conversation]:
    """Requests sent ('out') and received ('in'), newest first."""
    require(who.roles, Action.NETWORK_READ)
    query = select(schema.conversations).order_by(schema.conversations.c.created_at.desc())
    if direction:
        query = query.where(schema.conversations.c.direction == direction)
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        return [_visible(_conversation(conn, r), hidden) for r in conn.execute(query).mappings()]


def escalate(ctx: NodeContext) -> list[tuple[str, str]]:
    """Flag every request whose acknowledgment or answer is late, once each; alert."""
    now = ctx.clock()
    flagged: list[tuple[str, str]] = []
    with ctx.engine.begin() as conn:
        rows = (
            conn.execute(
                select(schema.conversations)
                .where(schema.conversations.c.status.not_in(CLOSED))
                .with_for_update(skip_locked=True)  # another sender is escalating these
            )
            .mappings()
            .all()
        )
        for row in rows:
            conversation = _conversation(conn, row)
            new = [what for what in conversation.late(now) if what not in conversation.escalated]
            if not new:
                continue
            conn.execute(
                update(schema.conversations)
                .where(schema.conversations.c.id == row["id"])
                .values(escalated=[*conversation.escalated, *new])
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
