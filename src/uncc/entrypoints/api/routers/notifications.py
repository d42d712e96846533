"""``/api/v1/notifications``: one's own notifications, a page at a time, and marking them read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, encode
from uncc.entrypoints.api.problem_types import problems
from uncc.services import notifications

router = APIRouter(prefix="/api/v1", tags=["notifications"], responses=problems())


class NotificationOut(Out):
    """One notification: when, what kind, about what, the text, the page to open, read or not."""

    id: int
    at: Stamp
    kind: str
    object: str
    text: str
    link: str
    read: bool


class ReadIn(BaseModel):
    """The notifications to mark read; none given: all of one's own."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        default=None, max_length=1000
    )


class ReadOut(Out):
    """How many notifications were marked read (those already read are not counted)."""

    marked: int


@router.get("/notifications", response_model=Page[NotificationOut])
def list_notifications(
    *, ctx: Ctx, user: User, at: Paging, unread: Annotated[bool, Query()] = False
) -> Page[NotificationOut]:
    """One's notifications, newest first (need to know applies; reading them is not audited)."""
    found = notifications.page(ctx, user, unread=unread, limit=at.limit, before=at.at)
    return Page[NotificationOut](
        items=[NotificationOut(**{**vars(n), "at": iso(n.at)}) for n in found.items],
        total=found.total,
        next=None if found.before is None else encode(found.before),
    )


@router.post("/notifications/read", responses=problems("not-found", "bad-request"))
def mark_read(body: ReadIn, ctx: Ctx, user: User) -> ReadOut:
    """Mark one's notifications read (an id not one's own, or hidden from one, is 404)."""
    return ReadOut(marked=notifications.mark_read(ctx, user, body.ids))
