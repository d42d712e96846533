"""Art. 44 path tracing over HTTP: follow a disclosed hop in one step; read the path.

``POST /api/v1/network/requests/{id}/follow-hop`` sends the preservation request to the
State of the previous hop; ``GET /api/v1/cases/{id}/path`` gives the path as JSON and
``/path.svg`` as a picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import Response
from pydantic import BaseModel

from uncc.domain.path_trace import Hop
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.problem_types import problems
from uncc.entrypoints.api.routers.requests import ConversationOut
from uncc.services import path_trace
from uncc.services.context import NodeContext
from uncc.services.reports.path_svg import path_svg


class HopOut(BaseModel):
    """One hop of the communication, as the traffic data showed it."""

    provider: str
    state: str | None
    address: str | None
    at: dt.datetime | None


class LegOut(BaseModel):
    """One preservation request on the path."""

    request: str
    state: str
    reference: str
    status: str
    pending: bool
    sent_at: dt.datetime
    follows: str | None
    hops: list[HopOut]


class PathOut(BaseModel):
    """The path traced so far on a case, and the requests pending on it."""

    case: str
    state: str
    legs: list[LegOut]
    pending: list[str]
    next_hop: HopOut | None


SVG: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The picture",
        "content": {"image/svg+xml": {"schema": {"type": "string"}}},
    }
}


class FollowedOut(ConversationOut):
    """The preservation request sent for the previous hop, and the request it follows."""

    follows: str
    """The request whose traffic disclosure revealed the hop."""


def _hop(hop: Hop) -> HopOut:
    return HopOut(provider=hop.provider, state=hop.state, address=hop.address, at=hop.at)


def install(app: FastAPI, ctx: NodeContext, kick: Callable[[], None]) -> None:
    """Add the path-tracing routes."""
    router = APIRouter(prefix="/api/v1", tags=["network requests"], responses=problems())

    @router.post(
        "/network/requests/{conversation_id}/follow-hop",
        status_code=201,
        responses=problems("not-found", "conflict", "bad-request", "unreachable"),
    )
    def follow_hop(conversation_id: str, who: User) -> FollowedOut:
        """Send the preservation request for the previous hop our request's disclosure revealed."""
        sent = path_trace.follow_hop(ctx, who, conversation_id)
        kick()
        shown = ConversationOut.of(sent, ctx.clock()).model_dump()
        return FollowedOut(**shown, follows=conversation_id)

    @router.get("/cases/{case_id}/path", responses=problems("not-found"))
    def case_path(case_id: str, who: User) -> PathOut:
        """The path traced so far (Art. 44): requests, hops disclosed, what is pending."""
        found = path_trace.case_path(ctx, who, case_id)
        return PathOut(
            case=found.case_id,
            state=found.state,
            legs=[
                LegOut(
                    request=leg.conversation,
                    state=leg.state,
                    reference=leg.reference,
                    status=leg.status,
                    pending=leg.pending,
                    sent_at=leg.sent_at,
                    follows=leg.follows,
                    hops=[_hop(h) for h in leg.hops],
                )
                for leg in found.legs
            ],
            pending=[leg.conversation for leg in found.pending],
            next_hop=_hop(found.next_hop) if found.next_hop else None,
        )

    @router.get(
        "/cases/{case_id}/path.svg",
        response_class=Response,
        responses=SVG | problems("not-found"),
    )
    def case_path_svg(case_id: str, who: User) -> Response:
        """The path as an SVG picture (States, providers, hops, times, pending requests)."""
        return Response(
            path_svg(path_trace.case_path(ctx, who, case_id)), media_type="image/svg+xml"
        )

    app.include_router(router)
