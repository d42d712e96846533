"""``/api/v1/network/outbox`` and ``/counters``: what waits to go out, what was refused."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services.network import outbox, traffic

router = APIRouter(prefix="/api/v1/network", tags=["network outbox"], responses=problems())


class OutboxOut(Out):
    """A message waiting, delivered, rejected or dead-lettered."""

    id: str
    recipient: str
    type: str
    conversation: str
    seq: int
    status: str
    attempts: int
    created_at: Stamp
    next_attempt_at: Stamp
    last_error: str | None


@router.get("/counters", response_model=dict[str, int])
def traffic_counters(ctx: Ctx, who: User) -> dict[str, int]:
    """Messages refused before their sender was known (by reason); throttled refreshes."""
    return traffic.counters(ctx, who)


@router.get("/outbox", response_model=Page[OutboxOut])
def list_outbox(
    ctx: Ctx,
    who: User,
    at: Paging,
    status: Annotated[str | None, Query(pattern="^(pending|delivered|rejected|dead)$")] = None,
) -> Page[OutboxOut]:
    """Messages waiting, delivered, rejected or dead-lettered."""
    found = [
        OutboxOut(
            **e.__dict__
            | {
                "created_at": iso(e.created_at),
                "next_attempt_at": iso(e.next_attempt_at),
            }
        )
        for e in outbox.list_outbox(ctx, who, status)
    ]
    return page(found, at)
