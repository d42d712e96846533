"""``/api/v1/network/requests``: requests to and from other States, answers, evidence sent.

Requests travel as signed envelopes through the outbox; every route that queues a
message wakes the sender.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx, HandOffTo, Kick, Links
from uncc.entrypoints.api.limits import Document
from uncc.entrypoints.api.models import In, Json, Out, Stamp, iso, stamp
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services.network import onward, requests, transfer
from uncc.services.network.requests import Conversation

router = APIRouter(prefix="/api/v1/network", tags=["network requests"], responses=problems())
REFUSED = ("not-found", "conflict", "refused-by-convention", "bad-request", "unreachable")
REFUSALS = problems(*REFUSED)
"""What sending or answering may answer besides the common problems."""


class HandlingIn(In):
    """Handling codes the receiver must respect (SIENA-style)."""

    use: str | None = None
    onward: str = "with_consent"
    retention_days: int = 365


class RequestIn(In):
    """A request to another State."""

    kind: str = Field(min_length=1)
    recipient: str = Field(pattern=r"^[A-Z]{2}$")
    body: Document
    case: str | None = None
    handling: HandlingIn | None = None


class EvidenceIn(In):
    """Evidence items of the request's case to send."""

    items: list[str] = Field(min_length=1)
    handling: HandlingIn | None = None


class AnswerIn(In):
    """An answer to a received request."""

    kind: str = Field(min_length=1)
    body: Document
    handling: HandlingIn | None = None


class ConversationOut(Out):
    """A request sent or received, with its timers and its thread of messages."""

    id: str
    peer: str
    direction: str
    kind: str
    urgency: str
    reference: str
    status: str
    case: str | None
    order: str | None
    orders: list[str]
    """Our orders drafted for a request received here (those the caller may see)."""
    created_at: Stamp
    acknowledge_by: Stamp
    answer_by: Stamp
    acknowledged_at: Stamp | None
    answered_at: Stamp | None
    late: list[str]
    escalated: list[str]
    request: Json
    thread: list[dict[str, Any]]

    @classmethod
    def of(cls, c: Conversation, now: Any) -> ConversationOut:
        """A request as the API shows it, with what is overdue at ``now``."""
        return cls(
            id=c.id,
            peer=c.peer,
            direction=c.direction,
            kind=c.kind,
            urgency=c.urgency,
            reference=c.reference,
            status=c.status,
            case=c.case_id,
            order=c.order_id,
            orders=list(c.drafted),
            created_at=iso(c.created_at),
            acknowledge_by=iso(c.acknowledge_by),
            answer_by=iso(c.answer_by),
            acknowledged_at=stamp(c.acknowledged_at),
            answered_at=stamp(c.answered_at),
            late=c.late(now),
            escalated=c.escalated,
            request=c.request,
            thread=[{**t, "at": stamp(t["at"])} for t in c.thread],
        )


class AcceptedOut(Out):
    """The evidence items taken into the vault."""

    accepted: list[str]


@router.get("/requests", response_model=Page[ConversationOut])
def list_requests(
    ctx: Ctx,
    who: User,
    at: Paging,
    direction: Annotated[str | None, Query(pattern="^(in|out)$")] = None,
) -> Page[ConversationOut]:
    """Requests received ('in') and sent ('out'), with their timers."""
    now = ctx.clock()
    found = requests.list_conversations(ctx, who, direction)
    return page([ConversationOut.of(c, now) for c in found], at)


@router.post("/requests", status_code=201, responses=REFUSALS)
def send(ctx: Ctx, body: RequestIn, who: User, kick: Kick, hand_off: HandOffTo) -> ConversationOut:
    """Send a request (checked for completeness first; every problem named)."""
    codes = body.handling
    sent = requests.send_request(
        ctx,
        who,
        kind=body.kind,
        recipient=body.recipient,
        body=body.body,
        case_id=body.case,
        handling=onward.handling_of(**codes.model_dump()) if codes else None,
        committed=None if hand_off else kick,  # the sender starts while the answer is read
        hand_off=hand_off,  # a running sender gets the request without claiming it
    )
    return ConversationOut.of(sent, ctx.clock())


@router.get("/requests/{conversation_id}", responses=problems("not-found"))
def get_request(ctx: Ctx, conversation_id: str, who: User) -> ConversationOut:
    """One request with its thread."""
    return ConversationOut.of(requests.get_conversation(ctx, who, conversation_id), ctx.clock())


@router.post("/requests/{conversation_id}/answers", status_code=201, responses=REFUSALS)
def reply(ctx: Ctx, conversation_id: str, body: AnswerIn, who: User, kick: Kick) -> ConversationOut:
    """Answer a received request: acknowledgment, status, result, refusal, and more."""
    codes = onward.handling_of(**body.handling.model_dump()) if body.handling else None
    answered = requests.answer(ctx, who, conversation_id, body.kind, body.body, handling=codes)
    kick()
    return ConversationOut.of(answered, ctx.clock())


@router.post("/requests/{conversation_id}/evidence", status_code=201, responses=REFUSALS)
def send_evidence(
    ctx: Ctx, conversation_id: str, body: EvidenceIn, who: User, kick: Kick
) -> ConversationOut:
    """Send evidence of the request's case with its custody continuation."""
    codes = onward.handling_of(**body.handling.model_dump()) if body.handling else None
    sent = transfer.send_evidence(ctx, who, conversation_id, body.items, handling=codes)
    kick()
    return ConversationOut.of(sent, ctx.clock())


@router.post("/requests/{conversation_id}/evidence/accept", responses=REFUSALS)
def accept_evidence(ctx: Ctx, conversation_id: str, who: User, links: Links) -> AcceptedOut:
    """Verify the custody continuation, fetch the blobs and take them into the vault."""
    return AcceptedOut(accepted=transfer.accept_evidence(ctx, who, conversation_id, links))
