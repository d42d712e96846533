"""Sending requests and answers: checked for completeness and fit, then into the outbox.

The requesting node asks (``send_request``); the requested node answers under its own
law (``answer``, Art. 4). Tracking is in ``conversations``, the requested side's effects
in ``requested``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, select, update

from uncc.adapters.db import schema
from uncc.domain import cooperation
from uncc.domain.conversations import ANSWERS as FITTING
from uncc.domain.conversations import BACKED, allowed, unfit_outcome
from uncc.domain.envelope import Handling
from uncc.domain.measure_requests import MEASURE_REQUESTS, VideoHearingRequest
from uncc.domain.messages import REQUESTS, Urgency, problems, validate
from uncc.domain.policy import Action, require
from uncc.domain.policy import allowed as role_may
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.abroad import offence_problems
from uncc.services.context import NodeContext, Principal, audit, next_id
from uncc.services.network.backing import check_backed
from uncc.services.network.conversations import (
    ANSWERS,
    CLOSED,
    ESCALATE_SECONDS,
    Conversation,
    conversation_row,
    escalate,
    get_conversation,
    list_conversations,
    open_conversation,
    progress,
    read_conversation,
)
from uncc.services.network.handoff import HandOff, handing_off
from uncc.services.network.measures import hearing_note
from uncc.services.network.onward import check_onward
from uncc.services.network.outbox import enqueue
from uncc.services.network.requested import hearing_record_note, note_on_case

WITH_FACTS = frozenset({"preservation_request", "subscriber_request", *MEASURE_REQUESTS})
"""Requests that carry the case's facts, for the requested State's own analysis."""

__all__ = [
    "ESCALATE_SECONDS",
    "Conversation",
    "answer",
    "conversation_row",
    "escalate",
    "get_conversation",
    "list_conversations",
    "may_send",
    "send_request",
]


def send_request(
    ctx: NodeContext,
    who: Principal,
    *,
    kind: str,
    recipient: str,
    body: dict[str, Any],
    case_id: str | None = None,
    handling: Handling | None = None,
    follows: str | None = None,
    committed: Callable[[], None] | None = None,
    hand_off: HandOff | None = None,
) -> Conversation:
    """Check a request for completeness and put it in the outbox, opening a conversation.

    With a case, a request for a measure carries the case's facts, so that the
    requested State can analyse them under its own law; a video hearing is recorded on
    the case (and, when received, on the requested State's case). ``follows`` links it to the earlier
    request whose traffic disclosure revealed the hop it asks about (Art. 44).
    ``committed`` is called once the request is committed: it wakes the sender. The
    conversation is read back for the answer (an audited read) in the same transaction,
    so nothing competes with the sender's post after the commit: no second write, no
    second flush. ``hand_off``: this process's running sender; the request is claimed
    for it at birth and handed to it once committed (``outbox.handing_off``), so it is
    posted without a claim of its own.

    Raises:
        UserInputError: the request is incomplete (every missing or wrong field listed).
    """
    require(who.roles, Action.NETWORK_SEND)
    if kind not in REQUESTS:
        raise UserInputError(
            f"'{kind}' does not open a request; expected one of {', '.join(sorted(REQUESTS))}"
        )
    with (
        ctx.engine.begin() as conn,
        handing_off(conn, enabled=hand_off is not None) as handed,
    ):
        if case_id is not None:
            row = conn.execute(
                select(schema.cases.c.facts).where(schema.cases.c.id == case_id)
            ).first()
            if row is None:
                raise NotFoundError(f"no case {case_id}")
            if kind in WITH_FACTS and "facts" not in body:
                check_onward(conn, to_state=recipient, case_id=case_id, evidence_ids=[])
                body = {**body, "facts": row.facts}
        found = [*problems(kind, 1, body), *offence_problems(body.get("offences"))]
        if found:
            raise UserInputError(
                f"the {kind.replace('_', ' ')} is not complete:\n  " + "\n  ".join(found)
            )
        typed = validate(kind, 1, body)
        if isinstance(typed, VideoHearingRequest):
            _check_hearing(ctx, conn, typed, recipient, case_id)
        known = cooperation.kind(kind)
        urgency = Urgency(body.get("urgency", known.default_urgency if known else Urgency.URGENT))
        conversation = next_id(conn, "R", ctx.clock())
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
        open_conversation(
            conn, envelope, "out", recipient, case_id=case_id, order_id=None, status="sent"
        )
        if follows is not None:
            _may_follow(conn, follows)
            conn.execute(
                update(schema.conversations)
                .where(schema.conversations.c.id == conversation)
                .values(follows=follows)
            )
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
        sent = None
        if any(role_may(role, Action.NETWORK_READ) for role in who.roles):
            sent = read_conversation(conn, who, conversation)
            audit(conn, ctx.clock(), who.user, "network.read", obj=conversation, outcome="ok")
    if hand_off is not None:
        hand_off(handed)
    if committed is not None:
        committed()
    return sent or get_conversation(ctx, who, conversation)  # the latter refuses the read


def _check_hearing(
    ctx: NodeContext,
    conn: Connection,
    request: VideoHearingRequest,
    recipient: str,
    case_id: str | None,
) -> None:
    """A hearing is scheduled ahead; it is recorded on our case when there is one.

    Raises:
        UserInputError: the hearing's time has passed.
    """
    now = ctx.clock()
    if request.scheduled_at <= now:
        raise UserInputError(
            f"scheduled_at: {request.scheduled_at.isoformat()} has passed; schedule the hearing ahead"
        )
    if case_id is not None:
        note_on_case(conn, now, case_id, "network", hearing_note(request, recipient))


def _may_follow(conn: Connection, follows: str) -> None:
    """One request follows a disclosed hop (the database's unique index backs this)."""
    taken = conn.execute(
        select(schema.conversations.c.id).where(schema.conversations.c.follows == follows)
    ).first()
    if taken is not None:
        raise ConflictError(f"request {taken.id} already follows the hop {follows} revealed")


def answer(
    ctx: NodeContext,
    who: Principal,
    conversation_id: str,
    kind: str,
    body: dict[str, Any],
    *,
    handling: Handling | None = None,
) -> Conversation:
    """Answer a received request (or write in a consultation), through the outbox.

    ``handling`` restricts what the requesting State may do with the answer (e.g. no
    onward transfer of a traffic disclosure); the defaults otherwise.
    """
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
        unfit = unfit_outcome(kind, row["kind"], body)
        if unfit:
            raise ConflictError(unfit)
        check_backed(conn, row, kind, body)
        envelope = enqueue(
            ctx,
            conn,
            kind=kind,
            recipient=row["peer"],
            body=body,
            conversation=conversation_id,
            urgency=Urgency(row["urgency"]),
            handling=handling,
        )
        progress(conn, conversation_id, envelope)
        if kind == "hearing_record" and row["case_id"]:
            note_on_case(
                conn,
                envelope.created,
                row["case_id"],
                who.user,
                hearing_record_note(envelope.body, row["peer"]),
            )
        audit(
            conn,
            envelope.created,
            who.user,
            "network.answer",
            obj=conversation_id,
            outcome="ok",
            type=kind,
            **(
                {"ground": body.get("reason"), "reason": body.get("detail")}
                if kind == "refusal"
                else {}
            ),
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
