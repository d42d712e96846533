"""The requested side: a received request becomes a case and a draft order under our law.

The requesting node asks; the requested node decides under its own law (Art. 4). A
received request for a measure becomes, on the requested node, a case analysed under its
own profile and a *draft* domestic order — its judges, its territory, its reservations
apply; the requesting node executes nothing here. The receiving functions are the
effects of messages: the composition root puts them in the inbox's table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from uncc.adapters.db import schema
from uncc.domain import cooperation, path_trace
from uncc.domain.envelope import Envelope
from uncc.domain.messages import PreservationRequest, SubscriberRequest, Urgency
from uncc.domain.orders import Target
from uncc.errors import FactsError
from uncc.services.cases import open_case_in
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.identity import node_info
from uncc.services.network.conversations import open_conversation, progress
from uncc.services.network.outbox import alert, enqueue
from uncc.services.orders import DraftRequest, draft_in

Prepare = Callable[[Connection, str], DraftRequest | None]
"""Given the new case's id: the draft order for the request (None: it needs no order)."""


def urgency_of(envelope: Envelope) -> Urgency:
    """A request's urgency: its own, else its kind's default (cooperation.yaml)."""
    known = cooperation.kind(envelope.type)
    return Urgency(envelope.body.get("urgency", known.default_urgency if known else Urgency.URGENT))


_TRACKED = select(schema.conversations.c.direction).where(
    schema.conversations.c.id == bindparam("talk")
)
_TAKEN_UP = update(schema.conversations).where(schema.conversations.c.id == bindparam("talk"))
"""Statements of every received request, built once (building costs more than running)."""


def received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Any request: open the conversation on our side and alert the contact points."""
    opened(ctx, conn, envelope)


def opened(ctx: NodeContext, conn: Connection, envelope: Envelope) -> str:
    """``received``, answering the conversation's direction (``in``, or an existing one's)."""
    exists = conn.execute(_TRACKED, {"talk": envelope.conversation}).first()
    if exists is not None:
        return str(exists.direction)
    open_conversation(
        conn, envelope, "in", envelope.sender, case_id=None, order_id=None, status="received"
    )
    alert(
        conn,
        ctx.clock(),
        f"{envelope.type.replace('_', ' ')} from {envelope.sender} ({envelope.body.get('reference', '')}), "
        f"{urgency_of(envelope).value}: request {envelope.conversation}",
    )
    return "in"


def take_up(
    ctx: NodeContext,
    conn: Connection,
    envelope: Envelope,
    facts: dict[str, Any] | None,
    draft: DraftRequest | Prepare,
) -> None:
    """A case under our own law and a draft domestic order for the request; acknowledge.

    The order is only a draft: our own judges and prosecutors decide on it, under our
    profile (Art. 4). Without usable facts, or without a basis in our law, no order is
    drafted and the desk is told why. ``draft`` may be prepared once the case exists
    (property registered on it, a hearing noted); it may then need no order at all.
    The order names the request it answers (``request_id``) when the request is one
    received here.
    """
    answering = envelope.conversation if opened(ctx, conn, envelope) == "in" else None
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
            prepared = draft if isinstance(draft, DraftRequest) else draft(conn, case.id)
            wanted = None if prepared is None else replace(prepared, request_id=answering)
            if wanted is None:
                note = f"case {case.id} (no order: for our authorities to arrange)"
            else:
                order, refusal = draft_in(conn, ctx, system, case, wanted)
                if refusal is None:
                    order_id = order.id
                    note = f"case {case.id}, draft {wanted.power.replace('_', ' ')} order {order.id} (for our judges and prosecutors)"
                else:
                    note = f"case {case.id}; no order drafted under our law: {refusal.reason} [{refusal.provision}]"
                    ground = cooperation.suggested_refusal(refusal.provision)
                    if ground is not None:
                        note += f"; to refuse: {ground.code} [{ground.provision}]"
    conn.execute(
        _TAKEN_UP,
        {
            "talk": envelope.conversation,
            "case_id": case_id,
            "order_id": order_id,
            "status": "received",
        },
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
        urgency=urgency_of(envelope),
        in_reply_to=envelope.id,
    )
    progress(conn, envelope.conversation, ack)
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


def preservation_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
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
    take_up(ctx, conn, envelope, request.facts, draft)


def subscriber_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
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
    take_up(ctx, conn, envelope, request.facts, draft)


def answered(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
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
    progress(conn, envelope.conversation, envelope)
    if envelope.type == "hearing_record" and row["case_id"]:
        note_on_case(
            conn,
            ctx.clock(),
            row["case_id"],
            f"network:{envelope.sender}",
            hearing_record_note(envelope.body, envelope.sender),
        )
    summary = (
        envelope.body.get("outcome")
        or envelope.body.get("status")
        or envelope.body.get("reason")
        or ""
    )
    if envelope.type == "traffic_disclosure":
        summary = path_trace.proposal(
            path_trace.previous_hop(envelope.body),
            us=node_info(conn).state,
            asked=envelope.sender,
            conversation=envelope.conversation,
        )
    alert(
        conn,
        ctx.clock(),
        f"{envelope.type.replace('_', ' ')} from {envelope.sender} on {row['reference']}: {summary}".rstrip(
            ": "
        ),
    )


def note_on_case(conn: Connection, now: Any, case_id: str, author: str, text: str) -> None:
    """A note on one of our cases, inside the caller's transaction (a hearing, its record)."""
    conn.execute(
        insert(schema.case_notes).values(case_id=case_id, author=author, at=now, text=text)
    )


def hearing_record_note(body: dict[str, Any], other: str) -> str:
    """The line a hearing's record leaves on the case, at both ends (CETS 224 Art. 11)."""
    when = f" at {body['held_at']}" if body.get("held_at") else ""
    return (
        f"Video hearing with {other}: {str(body.get('outcome', '')).replace('_', ' ')}{when}, "
        f"presided by {body.get('presided_by', '?')}; {body.get('notes', '')}"
    )
