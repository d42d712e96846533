"""The node's network face: the signed inbox and directory for other nodes, requests for users.

``/network/v1`` is for other nodes: every message is a signed envelope and the answer a
signed receipt, so no bearer token is involved. ``/api/v1/network`` is for the node's
own users, under the role policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Header, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.limits import Document
from uncc.errors import NotFoundError, UnccError
from uncc.services.context import NodeContext
from uncc.services.network import (
    deconfliction,
    directory,
    encryption_keys,
    experts,
    hub_keys,
    inbox,
    keys,
    onward,
    outbox,
    requests,
    retention,
    sealing,
    traffic,
    transfer,
    witness_compare,
    witnessing,
)
from uncc.services.network.requests import Conversation
from uncc.services.network.transport import Transport

JOSE = "application/jose"
BATCH = 200
"""Messages per pass of the sender."""
RETENTION_CHECK = 3600.0
"""Seconds between checks of received messages against their retention."""
log = logging.getLogger("uncc.network")


class HandlingIn(BaseModel):
    """Handling codes the receiver must respect (SIENA-style)."""

    model_config = ConfigDict(extra="forbid")

    use: str | None = None
    onward: str = "with_consent"
    retention_days: int = 365


class RequestIn(BaseModel):
    """A request to another State."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1)
    recipient: str = Field(pattern=r"^[A-Z]{2}$")
    body: Document
    case: str | None = None
    handling: HandlingIn | None = None


class EvidenceIn(BaseModel):
    """Evidence items of the request's case to send."""

    model_config = ConfigDict(extra="forbid")

    items: list[str] = Field(min_length=1)
    handling: HandlingIn | None = None


class ExpertIn(BaseModel):
    """One of this node's experts (Art. 56(3))."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    expertise: list[str] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    time_zone: str = Field(min_length=1)
    schedule: list[str] = Field(min_length=1)
    channel: str = Field(min_length=1, max_length=300)
    clearance: str = "none"


class SelectorIn(BaseModel):
    """A selector of a case, for deconfliction."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    value: str = Field(min_length=1, max_length=300)


class AnswerIn(BaseModel):
    """An answer to a received request."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1)
    body: Document


def conversation_json(c: Conversation, now: Any) -> dict[str, Any]:
    """A request as JSON, with its timers."""
    return {
        "id": c.id,
        "peer": c.peer,
        "direction": c.direction,
        "kind": c.kind,
        "urgency": c.urgency,
        "reference": c.reference,
        "status": c.status,
        "case": c.case_id,
        "order": c.order_id,
        "created_at": c.created_at.isoformat(),
        "acknowledge_by": c.acknowledge_by.isoformat(),
        "answer_by": c.answer_by.isoformat(),
        "acknowledged_at": c.acknowledged_at.isoformat() if c.acknowledged_at else None,
        "answered_at": c.answered_at.isoformat() if c.answered_at else None,
        "late": c.late(now),
        "escalated": c.escalated,
        "request": c.request,
        "thread": [{**t, "at": t["at"].isoformat() if t["at"] else None} for t in c.thread],
    }


class Sender:
    """The background sender: delivers due messages and escalates late requests."""

    def __init__(self, ctx: NodeContext, transport: Transport, seconds: float) -> None:
        self.ctx = ctx
        self.transport = transport
        self.seconds = seconds
        self.wake = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.key_listed = False
        """Whether the directory lists this node's encryption key (checked once per start)."""
        self.retention_checked = 0.0
        """When received messages were last checked against their retention (monotonic)."""

    def kick(self) -> None:
        """Deliver now rather than at the next interval (safe from any thread)."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.wake.set)

    def once(self) -> bool:
        """One pass: deliver, then escalate; True when a full batch went (more may be due)."""
        self._list_encryption_key()
        try:
            report = outbox.deliver_due(self.ctx, self.transport, limit=BATCH)
            requests.escalate(self.ctx)
            witnessing.publish(self.ctx, self.transport, only_due=True)  # custody heads
            witness_compare.tend(self.ctx, self.transport)
            if time.monotonic() - self.retention_checked > RETENTION_CHECK:
                self.retention_checked = time.monotonic()
                retention.notify(self.ctx)
        except NotFoundError:
            return False
        done = (
            len(report.delivered) + len(report.retrying) + len(report.rejected) + len(report.dead)
        )
        return done >= BATCH

    def _list_encryption_key(self) -> None:
        """On upgrade: make the node's encryption key and have the hub list it (until done)."""
        if self.key_listed:
            return
        try:
            if encryption_keys.ensure_published(self.ctx, self.transport):
                log.info("the directory now lists this node's encryption key")
            self.key_listed = True
        except NotFoundError:
            return  # not in a network (yet)
        except UnccError as exc:  # the hub refused or is out of reach: next pass
            log.warning("the encryption key is not listed yet: %s", exc)

    async def run(self) -> None:
        """Loop until cancelled; a failed pass is logged and the loop goes on."""
        self.loop = asyncio.get_running_loop()
        while True:
            try:
                if await run_in_threadpool(self.once):
                    continue  # a full batch: go on at once
            except Exception:  # one bad pass must not stop delivery
                log.exception("network sender pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.seconds)
            self.wake.clear()


def install(
    app: FastAPI,
    ctx: NodeContext,
    transport: Transport,
    *,
    send_seconds: float | None,
) -> Callable[[], contextlib.AbstractAsyncContextManager[None]]:
    """Add the network routes; the lifespan part that runs the sender."""
    sender = Sender(ctx, transport, send_seconds or 1.0)
    nodes = APIRouter(prefix="/network/v1", tags=["network (node to node)"])
    users = APIRouter(prefix="/api/v1/network", tags=["network"])

    @nodes.post("/inbox", response_class=PlainTextResponse)
    async def receive(request: Request) -> PlainTextResponse:
        """Take a signed envelope (compact JWS); answer with a signed receipt."""
        token = (await request.body()).decode("ascii", errors="replace")
        status, receipt = await run_in_threadpool(
            inbox.receive, ctx, token, refresh=lambda: directory.refresh(ctx, transport)
        )
        sender.kick()  # an effect may have queued an answer
        return PlainTextResponse(receipt, status_code=status, media_type=JOSE)

    @nodes.get("/directory", response_class=PlainTextResponse)
    def published() -> PlainTextResponse:
        """The network directory signed by the hub (as this node holds it)."""
        return PlainTextResponse(directory.published(ctx), media_type=JOSE)

    @nodes.get("/hub-keys")
    def hub_key_statements() -> PlainTextResponse:
        """At the hub: every rotation of its key, each signed by the key it replaced."""
        return PlainTextResponse(hub_keys.statements(ctx), media_type="application/json")

    @nodes.get("/blobs/{sha256}")
    def blob(
        sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")],
        fetch: Annotated[str | None, Header(alias=transfer.FETCH_HEADER)] = None,
    ) -> StreamingResponse:
        """A blob we sent in an evidence transfer, to the member it was sent to (signed fetch)."""
        requester = transfer.authorise_fetch(ctx, sha256, fetch)
        if not ctx.blobs.exists(sha256):
            raise NotFoundError(f"blob {sha256[:12]} is not in this vault")
        lines = sealing.sealed_blob(ctx, requester, sha256)  # encrypted for the requester
        return StreamingResponse(lines, media_type=sealing.BLOB_MEDIA_TYPE)

    @users.post("/requests/{conversation_id}/evidence", status_code=201)
    def send_evidence(conversation_id: str, body: EvidenceIn, who: User) -> dict[str, Any]:
        """Send evidence of the request's case with its custody continuation."""
        codes = onward.handling_of(**body.handling.model_dump()) if body.handling else None
        sent = transfer.send_evidence(ctx, who, conversation_id, body.items, handling=codes)
        sender.kick()
        return conversation_json(sent, ctx.clock())

    @users.post("/requests/{conversation_id}/evidence/accept")
    def accept_evidence(conversation_id: str, who: User) -> dict[str, Any]:
        """Verify the custody continuation, fetch the blobs and take them into the vault."""
        return {"accepted": transfer.accept_evidence(ctx, who, conversation_id, transport)}

    @nodes.post("/experts", response_class=PlainTextResponse)
    async def take_roster(request: Request) -> PlainTextResponse:
        """At the hub: a member's signed roster of experts."""
        token = (await request.body()).decode("ascii", errors="replace")
        count = await run_in_threadpool(experts.take_roster, ctx, token)
        return PlainTextResponse(f"{count} experts")

    @nodes.get("/experts", response_class=PlainTextResponse)
    def aggregate() -> PlainTextResponse:
        """At the hub: every member's experts, signed by the hub."""
        return PlainTextResponse(experts.aggregate(ctx), media_type=JOSE)

    @nodes.post("/keys", response_class=PlainTextResponse)
    async def take_rotation(request: Request) -> PlainTextResponse:
        """At the hub: list a member's new key (signed with its old and new keys); the directory."""
        body = (await request.body()).decode("utf-8", errors="replace")
        token = await run_in_threadpool(keys.take_rotation, ctx, body)
        return PlainTextResponse(token, media_type=JOSE)

    @nodes.post("/encryption-keys", response_class=PlainTextResponse)
    async def take_encryption_key(request: Request) -> PlainTextResponse:
        """At the hub: list a member's X25519 encryption key (a claim it signed); the directory."""
        body = (await request.body()).decode("ascii", errors="replace")
        token = await run_in_threadpool(encryption_keys.take_encryption_key, ctx, body)
        return PlainTextResponse(token, media_type=JOSE)

    @nodes.get("/filter", response_class=PlainTextResponse)
    def deconfliction_filter() -> PlainTextResponse:
        """This node's signed deconfliction filter (keyed tag prefixes, never selectors)."""
        return PlainTextResponse(deconfliction.own_filter(ctx), media_type=JOSE)

    @users.get("/experts")
    def find_experts(
        who: User,
        expertise: str | None = None,
        language: str | None = None,
        now: bool = False,
        limit: Annotated[int, Query(ge=1, le=200)] = 20,
    ) -> list[dict[str, Any]]:
        """Experts of the network for a need, available now first."""
        found = experts.find(
            ctx, who, expertise=expertise, language=language, available_only=now, limit=limit
        )
        return [
            {
                "state": f.expert.state,
                "id": f.expert.id,
                "name": f.expert.name,
                "expertise": list(f.expert.expertise),
                "languages": list(f.expert.languages),
                "time_zone": f.expert.time_zone,
                "schedule": list(f.expert.schedule),
                "channel": f.expert.channel,
                "clearance": f.expert.clearance,
                "available_now": f.available,
                "exact_match": f.exact,
            }
            for f in found
        ]

    @users.post("/experts", status_code=201)
    def add_expert(body: ExpertIn, who: User) -> dict[str, str]:
        """Add or replace one of this node's experts."""
        expert = experts.add_expert(ctx, who, body.model_dump())
        return {"state": expert.state, "id": expert.id}

    @users.post("/experts/sync")
    def sync_experts(who: User) -> dict[str, int]:
        """Publish our experts to the hub and take the network's."""
        return {"experts": experts.sync(ctx, who, transport)}

    @users.post("/cases/{case_id}/selectors", status_code=201)
    def add_selector(case_id: str, body: SelectorIn, who: User) -> dict[str, str]:
        """A selector of a case (normalised); only its keyed tag ever leaves the node."""
        value = deconfliction.add_selector(ctx, who, case_id, body.kind, body.value)
        return {"kind": body.kind, "value": value}

    @users.post("/deconfliction/check")
    def check(who: User) -> dict[str, Any]:
        """Test our selectors against every member's filter; notify new hits."""
        found, notes = deconfliction.check(ctx, who, transport)
        sender.kick()
        return {"hits": [h.__dict__ for h in found], "notes": notes}

    @users.get("/deconfliction/hits")
    def hits(who: User) -> list[dict[str, Any]]:
        """Hits recorded here."""
        return [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in h.items()}
            for h in deconfliction.hits_of(ctx, who)
        ]

    @users.post("/deconfliction/key")
    def rotate(who: User) -> dict[str, int]:
        """At the hub: a new deconfliction epoch and key, sent to every member."""
        epoch = deconfliction.rotate_key(ctx, who)
        sender.kick()
        return {"epoch": epoch}

    @users.get("/requests")
    def list_requests(
        who: User, direction: Annotated[str | None, Query(pattern="^(in|out)$")] = None
    ) -> list[dict[str, Any]]:
        """Requests received ('in') and sent ('out'), with their timers."""
        now = ctx.clock()
        return [conversation_json(c, now) for c in requests.list_conversations(ctx, who, direction)]

    @users.post("/requests", status_code=201)
    def send(body: RequestIn, who: User) -> dict[str, Any]:
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
        )
        sender.kick()
        return conversation_json(sent, ctx.clock())

    @users.get("/requests/{conversation_id}")
    def get_request(conversation_id: str, who: User) -> dict[str, Any]:
        """One request with its thread."""
        return conversation_json(requests.get_conversation(ctx, who, conversation_id), ctx.clock())

    @users.post("/requests/{conversation_id}/answers", status_code=201)
    def reply(conversation_id: str, body: AnswerIn, who: User) -> dict[str, Any]:
        """Answer a received request: acknowledgment, status, result, refusal, and more."""
        answered = requests.answer(ctx, who, conversation_id, body.kind, body.body)
        sender.kick()
        return conversation_json(answered, ctx.clock())

    @users.get("/counters")
    def traffic_counters(who: User) -> dict[str, int]:
        """Messages refused before their sender was known (by reason); throttled refreshes."""
        return traffic.counters(ctx, who)

    @users.get("/outbox")
    def list_outbox(
        who: User,
        status: Annotated[str | None, Query(pattern="^(pending|delivered|rejected|dead)$")] = None,
    ) -> list[dict[str, Any]]:
        """Messages waiting, delivered, rejected or dead-lettered."""
        return [
            {
                **e.__dict__,
                "created_at": e.created_at.isoformat(),
                "next_attempt_at": e.next_attempt_at.isoformat(),
            }
            for e in outbox.list_outbox(ctx, who, status)
        ]

    app.include_router(nodes)
    app.include_router(users)
    app.state.network_sender = sender

    @contextlib.asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        task = asyncio.create_task(sender.run()) if send_seconds else None
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return lifespan
