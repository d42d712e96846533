"""``/api/v1/network/…`` for handling codes: consent to pass received data on, and retention."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel, ConfigDict, Field

from uncc.entrypoints.api.auth import User
from uncc.services.context import NodeContext
from uncc.services.network import consent, retention


class ConsentIn(BaseModel):
    """Ask the State that sent the data to let it go to a third State."""

    model_config = ConfigDict(extra="forbid")

    to: str = Field(pattern=r"^[A-Z]{2}$")
    purpose: str = Field(min_length=1, max_length=4000)
    what: str = Field(min_length=1, max_length=4000)


class ConsentAnswerIn(BaseModel):
    """Grant or refuse another State's consent request."""

    model_config = ConfigDict(extra="forbid")

    granted: bool
    conditions: str = Field(default="", max_length=4000)


class DecisionIn(BaseModel):
    """Delete a flagged message's content, or keep it longer; the reason is audited."""

    model_config = ConfigDict(extra="forbid")

    delete: bool = False
    keep_days: int | None = Field(default=None, ge=1, le=3650)
    reason: str = Field(min_length=1, max_length=2000)


def install(app: FastAPI, ctx: NodeContext, kick: Callable[[], None]) -> None:
    """Add the consent and retention routes (``kick`` wakes the sender)."""
    users = APIRouter(prefix="/api/v1/network", tags=["network"])

    @users.post("/requests/{conversation_id}/consent", status_code=201)
    def ask(conversation_id: str, body: ConsentIn, who: User) -> dict[str, str]:
        """Ask for consent to give what came in this request to a third State."""
        consent.ask_consent(
            ctx, who, conversation_id, to_state=body.to, purpose=body.purpose, what=body.what
        )
        kick()
        return {"conversation": conversation_id, "asked": body.to}

    @users.post("/requests/{conversation_id}/consent/{message_id}", status_code=201)
    def answer(
        conversation_id: str, message_id: str, body: ConsentAnswerIn, who: User
    ) -> dict[str, Any]:
        """Grant or refuse a consent request received on this conversation."""
        consent.answer_consent(
            ctx, who, conversation_id, message_id, granted=body.granted, conditions=body.conditions
        )
        kick()
        return {"message": message_id, "granted": body.granted}

    @users.get("/retention")
    def flagged(who: User) -> list[dict[str, Any]]:
        """Received messages past their retention, waiting for a decision."""
        return [
            {
                **f.__dict__,
                "created": f.created.isoformat(),
                "retain_until": f.retain_until.isoformat(),
            }
            for f in retention.flagged(ctx, who)
        ]

    @users.post("/retention/{message_id}")
    def decide(message_id: str, body: DecisionIn, who: User) -> dict[str, str]:
        """Decide on a flagged message (audited)."""
        outcome = retention.decide(
            ctx, who, message_id, delete=body.delete, reason=body.reason, keep_days=body.keep_days
        )
        return {"message": message_id, "outcome": outcome}

    app.include_router(users)
