"""``/api/v1/network/…``: handling codes of received data: consent to pass it on, retention."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx, Kick
from uncc.entrypoints.api.models import In, Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services.network import consent, retention

router = APIRouter(prefix="/api/v1/network", tags=["handling"], responses=problems())
CHANGES = problems("not-found", "conflict", "bad-request")
"""What a decision may answer besides the common problems."""


class ConsentIn(In):
    """Ask the State that sent the data to let it go to a third State."""

    to: str = Field(pattern=r"^[A-Z]{2}$")
    purpose: str = Field(min_length=1, max_length=4000)
    what: str = Field(min_length=1, max_length=4000)


class ConsentAnswerIn(In):
    """Grant or refuse another State's consent request."""

    granted: bool
    conditions: str = Field(default="", max_length=4000)


class DecisionIn(In):
    """Delete a flagged message's content, or keep it longer; the reason is audited."""

    delete: bool = False
    keep_days: int | None = Field(default=None, ge=1, le=3650)
    reason: str = Field(min_length=1, max_length=2000)


class AskedOut(Out):
    """Whom consent was asked of, for which conversation."""

    conversation: str
    asked: str


class ConsentAnsweredOut(Out):
    """The consent request answered."""

    message: str
    granted: bool


class FlaggedOut(Out):
    """A received message past its retention, waiting for a decision."""

    message: str
    sender: str
    type: str
    conversation: str
    created: Stamp
    retain_until: Stamp
    evidence: list[str]


class DecidedOut(Out):
    """What was decided for a flagged message."""

    message: str
    outcome: str


@router.post("/requests/{conversation_id}/consent", status_code=201, responses=CHANGES)
def ask(ctx: Ctx, conversation_id: str, body: ConsentIn, who: User, kick: Kick) -> AskedOut:
    """Ask for consent to give what came in this request to a third State."""
    consent.ask_consent(
        ctx, who, conversation_id, to_state=body.to, purpose=body.purpose, what=body.what
    )
    kick()
    return AskedOut(conversation=conversation_id, asked=body.to)


@router.post("/requests/{conversation_id}/consent/{message_id}", status_code=201, responses=CHANGES)
def answer(
    *, ctx: Ctx, conversation_id: str, message_id: str, body: ConsentAnswerIn, who: User, kick: Kick
) -> ConsentAnsweredOut:
    """Grant or refuse a consent request received on this conversation."""
    consent.answer_consent(
        ctx, who, conversation_id, message_id, granted=body.granted, conditions=body.conditions
    )
    kick()
    return ConsentAnsweredOut(message=message_id, granted=body.granted)


@router.get("/retention", response_model=Page[FlaggedOut])
def flagged(ctx: Ctx, who: User, at: Paging) -> Page[FlaggedOut]:
    """Received messages past their retention, waiting for a decision."""
    found = [
        FlaggedOut(**f.__dict__ | {"created": iso(f.created), "retain_until": iso(f.retain_until)})
        for f in retention.flagged(ctx, who)
    ]
    return page(found, at)


@router.post("/retention/{message_id}", responses=CHANGES)
def decide(ctx: Ctx, message_id: str, body: DecisionIn, who: User) -> DecidedOut:
    """Decide on a flagged message (audited)."""
    outcome = retention.decide(
        ctx, who, message_id, delete=body.delete, reason=body.reason, keep_days=body.keep_days
    )
    return DecidedOut(message=message_id, outcome=outcome)
