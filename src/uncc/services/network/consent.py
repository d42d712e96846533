"""Asking the State that sent data for consent to pass it on, and answering such a request.

A node that holds another State's data and wants to give it to a third State sends a
``consent_request`` on the conversation the data came in (to whom, for what purpose,
what would go); the sender's desk answers with a ``consent_answer`` (granted with
conditions, or refused). Only a grant from the State the data came from, on that
conversation, for that third State, opens the onward transfer (``onward.check_onward``).
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.domain.messages import ConsentAnswer, ConsentRequest, Urgency
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, serialise
from uncc.services.network.conversations import (
    Conversation,
    conversation_row,
    get_conversation,
)
from uncc.services.network.envelopes import payload_of
from uncc.services.network.outbox import alert, enqueue


def ask_consent(
    ctx: NodeContext,
    who: Principal,
    conversation_id: str,
    *,
    to_state: str,
    purpose: str,
    what: str,
) -> Conversation:
    """Ask the other State of a conversation to let what it sent go to ``to_state``."""
    require(who.roles, Action.NETWORK_SEND)
    body = ConsentRequest(to_state=to_state, purpose=purpose, what=what).model_dump()
    with ctx.engine.begin() as conn:
        talk = conversation_row(conn, conversation_id)
        if to_state == talk["peer"]:
            raise UserInputError(
                f"--to: {to_state} sent the data; it needs no consent to get it back"
            )
        envelope = enqueue(
            ctx,
            conn,
            kind="consent_request",
            recipient=talk["peer"],
            body=body,
            conversation=conversation_id,
            urgency=Urgency(talk["urgency"]),
        )
        audit(
            conn,
            envelope.created,
            who.user,
            "network.consent_asked",
            obj=conversation_id,
            outcome="ok",
            to=to_state,
            purpose=purpose,
            message=envelope.id,
        )
    return get_conversation(ctx, who, conversation_id)


def _asked(conn: Connection, conversation_id: str, message_id: str, peer: str) -> ConsentRequest:
    row = conn.execute(
        select(schema.inbox.c.token).where(
            schema.inbox.c.id == message_id,
            schema.inbox.c.conversation == conversation_id,
            schema.inbox.c.sender == peer,
            schema.inbox.c.type == "consent_request",
        )
    ).first()
    if row is None or not row.token:
        raise NotFoundError(f"no consent request {message_id} from {peer} in {conversation_id}")
    return ConsentRequest.model_validate(payload_of(row.token)["body"])


def answer_consent(
    ctx: NodeContext,
    who: Principal,
    conversation_id: str,
    message_id: str,
    *,
    granted: bool,
    conditions: str = "",
) -> Conversation:
    """Grant or refuse a consent request the other State sent on this conversation."""
    require(who.roles, Action.NETWORK_ANSWER)
    with ctx.engine.begin() as conn:
        serialise(conn, f"consent:{message_id}")  # one answer per request, even when two race
        talk = conversation_row(conn, conversation_id)
        asked = _asked(conn, conversation_id, message_id, talk["peer"])
        answered = conn.execute(
            select(schema.audit.c.seq).where(
                schema.audit.c.action == "network.consent_answered",
                schema.audit.c.object == message_id,
            )
        ).first()
        if answered is not None:
            raise ConflictError(f"consent request {message_id} is already answered")
        body = ConsentAnswer(
            granted=granted, to_state=asked.to_state, purpose=asked.purpose, conditions=conditions
        ).model_dump()
        envelope = enqueue(
            ctx,
            conn,
            kind="consent_answer",
            recipient=talk["peer"],
            body=body,
            conversation=conversation_id,
            urgency=Urgency(talk["urgency"]),
            in_reply_to=message_id,
        )
        audit(
            conn,
            envelope.created,
            who.user,
            "network.consent_answered",
            obj=message_id,
            outcome="granted" if granted else "refused",
            conversation=conversation_id,
            to=asked.to_state,
            purpose=asked.purpose,
        )
    return get_conversation(ctx, who, conversation_id)


def consent_asked(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """The other State asks to pass our data on: tell the desk, who decides."""
    asked = ConsentRequest.model_validate(envelope.body)
    alert(
        conn,
        ctx.clock(),
        f"{envelope.sender} asks consent to give {asked.what} to {asked.to_state} for {asked.purpose}: "
        f"answer with 'uncc handling answer {envelope.conversation} {envelope.id} --grant' or '--refuse'",
    )


def consent_answered(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Our consent request is answered: tell the desk (the grant itself is read from the inbox)."""
    answer = ConsentAnswer.model_validate(envelope.body)
    verdict = "granted" if answer.granted else "refused"
    alert(
        conn,
        ctx.clock(),
        f"{envelope.sender} {verdict} consent to give its data to {answer.to_state} "
        f"({answer.purpose}){': ' + answer.conditions if answer.conditions else ''}",
    )
