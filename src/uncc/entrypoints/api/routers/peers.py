"""``/network/v1``: the node's face to other nodes (node to node, no bearer token).

Every message is a signed envelope and the answer a signed receipt; the directory,
rosters, keys and filters are signed documents; blobs are fetched with a signed request
and come sealed for the requester; witnesses cosign custody heads.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, StreamingResponse

from uncc.entrypoints.api.deps import Ctx, HandOffTo, Kick, Links
from uncc.entrypoints.api.problem_types import merged, problems
from uncc.errors import NotFoundError
from uncc.services.network import (
    deconfliction,
    directory,
    encryption_keys,
    experts,
    hub_keys,
    inbox,
    inbox_batch,
    keys,
    sealing,
    transfer,
    witness,
)

JOSE = "application/jose"
NOTE = "text/plain; charset=utf-8"
SIGNED = ("bad-request", "forbidden", "conflict", "not-found")
"""What taking a signed document may answer, besides a fault."""
ANY = ("invalid-request", "too-large", "timeout", "internal", "storage-full", "schema-outdated")
"""What any node-to-node route may answer: no bearer token is involved (no 403 for one)."""
router = APIRouter(
    prefix="/network/v1", tags=["network (node to node)"], responses=problems(*ANY, common=False)
)


def _text(
    media: str,
    *statuses: int,
    what: str = "A signed document (compact JWS).",
    schema: dict[str, Any] | None = None,
) -> Any:
    """The ``responses=`` of a route answering text of ``media`` under ``statuses``."""
    body = schema or {"type": "string"}
    return {
        status: {"description": what, "content": {media: {"schema": body}}} for status in statuses
    }


def _taken(what: str) -> Any:
    return merged(_text(JOSE, 200, what=what), problems(*SIGNED, common=False))


RECEIPTS = sorted({*inbox.STATUS.values(), 200})
"""Every status the inbox answers with a signed receipt."""


@router.post(
    "/inbox",
    response_class=PlainTextResponse,
    responses=merged(
        _text(JOSE, *RECEIPTS, what="A signed receipt."),
        problems("not-found", "conflict", "unreachable", common=False),
    ),
)
async def receive(
    ctx: Ctx, request: Request, links: Links, kick: Kick, hand_off: HandOffTo
) -> PlainTextResponse:
    """Take a signed envelope (compact JWS); answer with a signed receipt."""
    token = (await request.body()).decode("ascii", errors="replace")
    status, receipt = await run_in_threadpool(
        lambda: inbox.receive(
            ctx, token, refresh=lambda: directory.refresh(ctx, links), hand_off=hand_off
        )
    )
    if hand_off is None:
        kick()  # an effect may have queued an answer (handed over already, when it runs)
    return PlainTextResponse(receipt, status_code=status, media_type=JOSE)


@router.post(
    "/inbox/batch",
    response_class=PlainTextResponse,
    responses=merged(
        _text(
            inbox_batch.MEDIA_TYPE,
            200,
            what="One signed receipt per message, one per line, in the order posted.",
        ),
        problems("bad-request", "not-found", "conflict", "unreachable", common=False),
    ),
)
async def receive_batch(ctx: Ctx, request: Request, links: Links, kick: Kick) -> PlainTextResponse:
    """Take several signed envelopes (one compact token per line); a signed receipt for each."""
    tokens = inbox_batch.split((await request.body()).decode("ascii", errors="replace"))
    answers = await run_in_threadpool(
        inbox_batch.receive_batch, ctx, tokens, refresh=lambda: directory.refresh(ctx, links)
    )
    kick()  # their effects may have queued answers
    return PlainTextResponse(inbox_batch.joined(answers), media_type=inbox_batch.MEDIA_TYPE)


@router.get(
    "/directory",
    response_class=PlainTextResponse,
    responses=_text(JOSE, 200) | problems("not-found", common=False),
)
def published(ctx: Ctx) -> PlainTextResponse:
    """The network directory signed by the hub (as this node holds it)."""
    return PlainTextResponse(directory.published(ctx), media_type=JOSE)


@router.get(
    "/hub-keys",
    response_class=PlainTextResponse,
    responses=_text(
        "application/json",
        200,
        what="The hub's key statements, oldest first, each signed by the key it replaced.",
        schema={"type": "array", "items": {"type": "object"}},
    )
    | problems("not-found", common=False),
)
def hub_key_statements(ctx: Ctx) -> PlainTextResponse:
    """At the hub: every rotation of its key, each signed by the key it replaced."""
    return PlainTextResponse(hub_keys.statements(ctx), media_type="application/json")


@router.get(
    "/blobs/{sha256}",
    response_class=StreamingResponse,
    responses=_text(sealing.BLOB_MEDIA_TYPE, 200, what="The blob, sealed for the requester.")
    | problems("not-found", "forbidden", "bad-request", common=False),
)
def blob(
    ctx: Ctx,
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")],
    fetch: Annotated[str | None, Header(alias=transfer.FETCH_HEADER)] = None,
) -> StreamingResponse:
    """A blob we sent in an evidence transfer, to the member it was sent to (signed fetch)."""
    requester = transfer.authorise_fetch(ctx, sha256, fetch)
    if not ctx.blobs.exists(sha256):
        raise NotFoundError(f"blob {sha256[:12]} is not in this vault")
    lines = sealing.sealed_blob(ctx, requester, sha256)  # encrypted for the requester
    return StreamingResponse(lines, media_type=sealing.BLOB_MEDIA_TYPE)


@router.post(
    "/experts",
    response_class=PlainTextResponse,
    responses=_text("text/plain", 200, what="How many experts were taken.")
    | problems(*SIGNED, common=False),
)
async def take_roster(ctx: Ctx, request: Request) -> PlainTextResponse:
    """At the hub: a member's signed roster of experts."""
    token = (await request.body()).decode("ascii", errors="replace")
    count = await run_in_threadpool(experts.take_roster, ctx, token)
    return PlainTextResponse(f"{count} experts")


@router.get(
    "/experts",
    response_class=PlainTextResponse,
    responses=_text(JOSE, 200) | problems("not-found", "conflict", common=False),
)
def aggregate(ctx: Ctx) -> PlainTextResponse:
    """At the hub: every member's experts, signed by the hub."""
    return PlainTextResponse(experts.aggregate(ctx), media_type=JOSE)


@router.post("/keys", response_class=PlainTextResponse, responses=_taken("The new directory."))
async def take_rotation(ctx: Ctx, request: Request) -> PlainTextResponse:
    """At the hub: list a member's new key (signed with its old and new keys); the directory."""
    body = (await request.body()).decode("utf-8", errors="replace")
    token = await run_in_threadpool(keys.take_rotation, ctx, body)
    return PlainTextResponse(token, media_type=JOSE)


@router.post(
    "/encryption-keys", response_class=PlainTextResponse, responses=_taken("The new directory.")
)
async def take_encryption_key(ctx: Ctx, request: Request) -> PlainTextResponse:
    """At the hub: list a member's X25519 encryption key (a claim it signed); the directory."""
    body = (await request.body()).decode("ascii", errors="replace")
    token = await run_in_threadpool(encryption_keys.take_encryption_key, ctx, body)
    return PlainTextResponse(token, media_type=JOSE)


@router.get(
    "/filter",
    response_class=PlainTextResponse,
    responses=_text(JOSE, 200) | problems("not-found", common=False),
)
def deconfliction_filter(ctx: Ctx) -> PlainTextResponse:
    """This node's signed deconfliction filter (keyed tag prefixes, never selectors)."""
    return PlainTextResponse(deconfliction.own_filter(ctx), media_type=JOSE)


WITNESS = witness.WITNESS_PATH.removeprefix("/network/v1")


@router.post(
    WITNESS,
    response_class=PlainTextResponse,
    responses=merged(
        _text(NOTE, 200, 409, 422, what="The cosigned head, our size, or the refusal."),
        problems("not-found", "unreachable", common=False),
    ),
)
async def take_head(ctx: Ctx, request: Request, links: Links) -> PlainTextResponse:
    """Cosign a member's custody head (200), ask for a proof from our size (409), or refuse (422)."""
    token = (await request.body()).decode("ascii", errors="replace")
    status, text = await run_in_threadpool(witness.take_head, ctx, token, links)
    return PlainTextResponse(text, status_code=status, media_type=NOTE)


@router.post(
    witness.ALERT_PATH.removeprefix("/network/v1"),
    response_class=PlainTextResponse,
    responses=_text("text/plain", 200, what="What the hub did with the alert.")
    | problems(*SIGNED, common=False),
)
async def take_alert(ctx: Ctx, request: Request) -> PlainTextResponse:
    """At the hub: a witness's evidence that a member's log is not append-only."""
    token = (await request.body()).decode("ascii", errors="replace")
    return PlainTextResponse(await run_in_threadpool(witness.take_alert, ctx, token))


@router.get(
    WITNESS + "/{state}",
    response_class=PlainTextResponse,
    responses=_text(NOTE, 200, what="A C2SP note with its cosignature.")
    | problems("not-found", common=False),
)
def cosigned(ctx: Ctx, state: Annotated[str, Path(pattern="^[A-Z]{2}$")]) -> PlainTextResponse:
    """The newest head of a member this node cosigned (a C2SP note with its cosignature)."""
    text = witness.newest_note(ctx, state)
    if text is None:
        raise NotFoundError(f"no head of {state} cosigned here")
    return PlainTextResponse(text, media_type=NOTE)
