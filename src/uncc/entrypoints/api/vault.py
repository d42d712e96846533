"""The vault's proofs over HTTP: whole-vault verify, signed heads, witnesses.

``/api/v1/evidence/verify`` and ``/api/v1/evidence/head`` are for the node's users under
the role policy. ``/network/v1/witness`` is for other nodes: a member posts its signed
custody head (a request it signs) and gets it back cosigned; anyone may read the newest
head a witness cosigned for a member; the hub takes witnesses' alerts.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from uncc.entrypoints.api.auth import User
from uncc.errors import NotFoundError
from uncc.services import custody_log, vault
from uncc.services.context import NodeContext
from uncc.services.network import witness, witness_compare, witnessing
from uncc.services.network.transport import Transport

NOTE = "text/plain; charset=utf-8"


class SinceIn(BaseModel):
    """A head kept outside the node (``uncc evidence head``), to check today's log against."""

    model_config = ConfigDict(extra="forbid")

    head: str = Field(min_length=1, max_length=4096)
    case: str | None = None


def install(app: FastAPI, ctx: NodeContext, transport: Transport) -> None:
    """Add the vault's routes."""
    users = APIRouter(prefix="/api/v1", tags=["evidence"])
    nodes = APIRouter(prefix="/network/v1", tags=["network (node to node)"])
    app.state.transport = transport

    @users.get("/evidence/verify")
    def verify(
        user: User,
        case: Annotated[str | None, Query()] = None,
        witnesses: Annotated[bool, Query()] = True,
    ) -> dict[str, Any]:
        """Verify the whole vault, and the witnesses' heads (in a network); every break as data."""
        report = vault.check(ctx, user, case, transport=transport if witnesses else None)
        return report.as_json()

    @users.post("/evidence/verify")
    def verify_since(body: SinceIn, user: User) -> dict[str, Any]:
        """Verify the whole vault and that today's log extends a head exported earlier."""
        return vault.check(ctx, user, body.case, since=body.head, transport=transport).as_json()

    @users.get("/evidence/head")
    def head(user: User) -> dict[str, Any]:
        """The custody log's signed tree head: a C2SP checkpoint note, with its size and root."""
        return custody_log.export_head(ctx, user)

    @users.get("/network/witness")
    def witnesses(user: User) -> list[dict[str, Any]]:
        """The witnesses of this node's log: the newest head each cosigned, the last failure."""
        return [
            {
                **w.__dict__,
                "cosigned_at": w.cosigned_at.isoformat() if w.cosigned_at else None,
            }
            for w in witnessing.statuses(ctx, user)
        ]

    @users.post("/network/witness/publish")
    def publish(user: User) -> dict[str, Any]:
        """Send the newest signed head to the witnesses now; what each answered."""
        report = witnessing.publish_as(ctx, user, transport)
        return report.__dict__

    @users.post("/network/witness/compare")
    def compare(user: User) -> dict[str, Any]:
        """Compare the heads this node cosigned with the other witnesses'; every fork."""
        return {"forks": [c.__dict__ for c in witness_compare.compare_as(ctx, user, transport)]}

    @nodes.post(witness.WITNESS_PATH.removeprefix("/network/v1"), response_class=PlainTextResponse)
    async def take_head(request: Request) -> PlainTextResponse:
        """Cosign a member's custody head (200), ask for a proof from our size (409), or refuse (422)."""
        token = (await request.body()).decode("ascii", errors="replace")
        status, text = await run_in_threadpool(witness.take_head, ctx, token, transport)
        return PlainTextResponse(text, status_code=status, media_type=NOTE)

    @nodes.post(witness.ALERT_PATH.removeprefix("/network/v1"), response_class=PlainTextResponse)
    async def take_alert(request: Request) -> PlainTextResponse:
        """At the hub: a witness's evidence that a member's log is not append-only."""
        token = (await request.body()).decode("ascii", errors="replace")
        return PlainTextResponse(await run_in_threadpool(witness.take_alert, ctx, token))

    @nodes.get(witness.WITNESS_PATH.removeprefix("/network/v1") + "/{state}")
    def cosigned(state: Annotated[str, Path(pattern="^[A-Z]{2}$")]) -> PlainTextResponse:
        """The newest head of a member this node cosigned (a C2SP note with its cosignature)."""
        text = witness.newest_note(ctx, state)
        if text is None:
            raise NotFoundError(f"no head of {state} cosigned here")
        return PlainTextResponse(text, media_type=NOTE)

    app.include_router(users)
    app.include_router(nodes)
