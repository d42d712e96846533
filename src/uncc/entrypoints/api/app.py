"""``create_app(settings)``: the node's API, versioned under ``/api/v1``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from uncc import __version__
from uncc.bootstrap import build, network_transport
from uncc.config import Settings
from uncc.domain.orders import Command, Order, Target
from uncc.domain.tracing import Model, Transfer
from uncc.entrypoints.api import (
    accounts,
    casework,
    handling,
    health,
    limits,
    network,
    problems,
    uploads,
    vault,
)
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.web import account_pages, network_pages, vault_pages
from uncc.entrypoints.web import pages as web_pages
from uncc.services import cases, evidence, identity, orders, proceeds
from uncc.services.case_export import export_case
from uncc.services.context import NodeContext
from uncc.services.network.transport import Transport
from uncc.services.orders import DraftRequest
from uncc.services.proceeds import Derivation, PropertyItem


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CaseIn(_In):
    """Incident facts (``uncc: incident/1``) and an optional title."""

    facts: limits.Document
    title: str | None = None


class TargetIn(_In):
    """What an order is directed at."""

    id: str
    kind: str
    location: str | None = None


class OrderIn(_In):
    """A draft order (Art. 42 fields required)."""

    power: str
    offences: list[str] = Field(min_length=1)
    targets: list[TargetIn] = Field(min_length=1)
    grounds: str = Field(min_length=1)
    scope: str = Field(min_length=1)
    necessity: str = Field(min_length=1)
    proportionality: str = Field(min_length=1)
    duration_days: int | None = Field(default=None, ge=1, le=orders.MAX_DURATION_DAYS)


class TransferIn(_In):
    """One movement of value in a ledger (``source`` absent: it enters; ``target``: it leaves)."""

    id: str = Field(min_length=1)
    source: str | None = None
    target: str | None = None
    amount: Decimal = Field(gt=0)
    tainted: bool = False


class TracedIn(_In):
    """A ledger to trace and the offence its proceeds come from."""

    basis: str = Field(min_length=1)
    model: Model = Model.FIFO
    transfers: list[TransferIn] = Field(min_length=1)
    locations: dict[str, Annotated[str, Field(pattern="^[A-Z]{2}$")]] = {}


class DerivedIn(_In):
    """Property converted from an item (Art. 50(4)) or income derived from it (Art. 50(6))."""

    kind: Literal["converted", "income"]
    description: str = Field(min_length=1, max_length=200)
    value: Decimal = Field(gt=0)
    location: Annotated[str, Field(pattern="^[A-Z]{2}$")] | None = None


def _property(item: PropertyItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "account": item.account,
        "location": item.location,
        "assessed": str(item.assessed),
        "held": None if item.held is None else str(item.held),
        "kind": item.kind,
        "derived_from": item.derived_from,
        "model": item.model,
        "basis": item.basis,
        "status": item.status,
    }


class NoteIn(_In):
    """Reasons or remarks for a move."""

    note: str = ""


def _order(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "case": order.case_id,
        "power": order.power,
        "state": order.state.value,
        "offences": list(order.offences),
        "targets": [t.__dict__ for t in order.targets],
        "requires_authorisation": order.requires_authorisation,
        "confidential": order.confidential,
        "issued_at": order.issued_at.isoformat() if order.issued_at else None,
        "expires_at": order.expires_at.isoformat() if order.expires_at else None,
        "renewals": order.renewals,
        "history": [
            {
                "command": e.command.value,
                "to": e.to_state.value,
                "actor": e.actor,
                "at": e.at.isoformat(),
                "note": e.note,
            }
            for e in order.history
        ],
    }


async def _ticker(ctx: NodeContext, seconds: float) -> None:
    """Expire overdue orders every ``seconds`` (errors are logged, the loop goes on)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await run_in_threadpool(orders.tick, ctx)
        except Exception:  # a failed tick must not stop the server
            logging.getLogger("uncc.tick").exception("tick failed")


FACTORY = "uncc.entrypoints.api.app:app_from_environment"
"""The import string of the app factory, for ``uvicorn --factory`` and ``--workers``."""


def app_from_environment() -> FastAPI:
    """The app for a process started by an ASGI server (``uncc serve --workers N``).

    Settings come from the environment (``UNCC_…``); ``UNCC_SERVE_TICK`` and
    ``UNCC_SERVE_SEND`` give the job intervals in seconds (0: that job is left to
    ``uncc worker``), as ``--tick`` and ``--send`` do.
    """
    tick = float(os.environ.get("UNCC_SERVE_TICK", "60"))
    send = float(os.environ.get("UNCC_SERVE_SEND", "2"))
    return create_app(Settings(), tick_seconds=tick or None, send_seconds=send or None)


def create_app(
    settings: Settings,
    context: NodeContext | None = None,
    *,
    tick_seconds: float | None = None,
    send_seconds: float | None = None,
    transport: Transport | None = None,
) -> FastAPI:
    """The FastAPI application of a node.

    With ``tick_seconds``, a background task expires overdue orders at that interval
    (the same as ``uncc node tick``), for as long as the server runs. With
    ``send_seconds``, another delivers the network outbox (at once when something is
    queued, else at that interval) and escalates late requests.
    """
    ctx = context or build(settings)
    network_lifespan: Any = None

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_ticker(ctx, tick_seconds)) if tick_seconds else None
        async with network_lifespan():
            yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="uncc national node",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    problems.install(app)
    health.install(app, ctx)
    links = transport or network_transport(settings, ctx)
    network_lifespan = network.install(app, ctx, links, send_seconds=send_seconds)
    vault.install(app, ctx, links)
    casework.install(app, ctx)
    pages = web_pages.install(app, ctx)
    network_pages.install(app, pages, links, app.state.network_sender.kick)
    vault_pages.install(app, pages)
    account_pages.install(app, pages)
    handling.install(app, ctx, app.state.network_sender.kick)

    accounts.install(app, ctx)

    @app.get("/api/v1/node")
    def node(user: User) -> dict[str, Any]:
        """The node's State, name and public key."""
        with ctx.engine.connect() as conn:
            info = identity.node_info(conn)
        return {
            "state": info.state,
            "name": info.name,
            "public_key": info.public_key,
            "key_id": info.key_id,
            "profile": info.profile.name,
        }

    @app.get("/api/v1/cases")
    def list_cases(user: User) -> list[dict[str, str]]:
        """Every case."""
        return [{"id": i, "title": t, "status": s} for i, t, s in cases.list_cases(ctx, user)]

    @app.post("/api/v1/cases", status_code=201)
    def open_case(body: CaseIn, user: User) -> dict[str, Any]:
        """Open a case from incident facts; the analysis is kept with it."""
        case = cases.open_case(ctx, user, body.facts, body.title)
        return {"id": case.id, "title": case.title, "analysis": case.analysis}

    @app.get("/api/v1/cases/{case_id}")
    def get_case(case_id: str, user: User) -> dict[str, Any]:
        """A case with its facts and analysis."""
        case = cases.get_case(ctx, user, case_id)
        return {
            "id": case.id,
            "title": case.title,
            "status": case.status,
            "facts": case.facts,
            "analysis": case.analysis,
        }

    @app.get("/api/v1/cases/{case_id}/case-uco")
    def case_uco(case_id: str, user: User) -> dict[str, Any]:
        """The case as CASE/UCO JSON-LD."""
        return export_case(ctx, user, case_id)

    @app.post("/api/v1/cases/{case_id}/orders", status_code=201)
    def draft(case_id: str, body: OrderIn, user: User) -> dict[str, Any]:
        """Draft an order; refusals are 409 problems naming the provision."""
        request = DraftRequest(
            body.power,
            tuple(body.offences),
            tuple(Target(t.id, t.kind, t.location) for t in body.targets),
            body.grounds,
            body.scope,
            body.necessity,
            body.proportionality,
            body.duration_days,
        )
        return _order(orders.draft_order(ctx, user, case_id, request))

    @app.get("/api/v1/orders")
    def list_orders(
        user: User, case: Annotated[str | None, Query()] = None
    ) -> list[dict[str, Any]]:
        """The orders the user may see."""
        return [_order(o) for o in orders.list_orders(ctx, user, case)]

    @app.get("/api/v1/orders/{order_id}")
    def get_order(order_id: str, user: User) -> dict[str, Any]:
        """One order with its history."""
        return _order(orders.get_order(ctx, user, order_id))

    @app.post("/api/v1/orders/{order_id}/{command}")
    def command(
        order_id: str, command: Command, user: User, body: NoteIn | None = None
    ) -> dict[str, Any]:
        """Move an order: submit, authorise, refuse, issue, renew, execute, revoke."""
        return _order(orders.order_command(ctx, user, order_id, command, body.note if body else ""))

    @app.post("/api/v1/cases/{case_id}/evidence", status_code=201)
    async def upload(
        case_id: str,
        request: Request,
        user: User,
        filename: Annotated[str, Query(min_length=1)],
        order: Annotated[str | None, Query()] = None,
        tool: str = "",
        tool_version: str = "",
        source: str = "",
    ) -> dict[str, Any]:
        """Ingest the request body as it arrives, hashed straight into the vault.

        The user's role, the case and the order are checked before the first byte is
        read; the body guard stops it at ``max_upload_bytes``.
        """
        item = await run_in_threadpool(
            evidence.add_evidence,
            ctx,
            user,
            case_id,
            source=uploads.body_file(request.stream()),
            filename=filename,
            acquisition={"tool": tool, "tool_version": tool_version, "source": source},
            order_id=order,
        )
        return {"id": item.id, "sha256": item.sha256, "size": item.size}

    @app.get("/api/v1/evidence/{item_id}/custody")
    def custody(item_id: str, user: User) -> list[dict[str, Any]]:
        """The chain of custody of an item, with inclusion proofs and the signed checkpoint."""
        return [
            {
                "seq": e.event.seq,
                "kind": e.event.kind.value,
                "sha256": e.event.sha256,
                "actor": e.event.actor,
                "at": e.event.at.isoformat(),
                "leaf_hash": e.leaf_hash,
                "proof": e.proof,
                "checkpoint": e.checkpoint.__dict__ | {"at": e.checkpoint.at.isoformat()},
            }
            for e in evidence.custody_of(ctx, user, item_id)
        ]

    @app.get("/api/v1/cases/{case_id}/property")
    def property_items(case_id: str, user: User) -> list[dict[str, Any]]:
        """The case's property items (Art. 50) and what orders did to them."""
        return [_property(i) for i in proceeds.list_property(ctx, user, case_id)]

    @app.post("/api/v1/cases/{case_id}/property", status_code=201)
    def register_traced(case_id: str, body: TracedIn, user: User) -> dict[str, Any]:
        """Trace a ledger and register every account holding proceeds as an item."""
        items, notes = proceeds.register_traced(
            ctx,
            user,
            case_id,
            transfers=(
                Transfer(t.id, t.source, t.target, t.amount, t.tainted) for t in body.transfers
            ),
            model=body.model,
            basis=body.basis,
            locations=body.locations,
        )
        return {"items": [_property(i) for i in items], "notes": notes}

    @app.post("/api/v1/cases/{case_id}/property/{item_id}/derived", status_code=201)
    def register_derived(case_id: str, item_id: str, body: DerivedIn, user: User) -> dict[str, Any]:
        """Register property converted from an item (50(4)) or income derived from it (50(6))."""
        derivation = Derivation(body.kind, item_id, body.description, body.value, body.location)
        return _property(proceeds.register_derived(ctx, user, case_id, derivation))

    @app.get("/api/v1/audit")
    def audit_trail(
        user: User, limit: Annotated[int, Query(ge=1, le=10_000)] = 200
    ) -> list[dict[str, Any]]:
        """The latest audit entries (auditors and admins)."""
        return [{**e, "at": e["at"].isoformat()} for e in cases.audit_trail(ctx, user, limit)]

    @app.post("/api/v1/tick")
    def tick(user: User) -> dict[str, Any]:
        """Expire overdue orders (admins); confidential ones are counted, not named."""
        expired = orders.tick(ctx, user)
        return {
            "expired": [o.id for o in expired if orders.may_see(user, o)],
            "count": len(expired),
        }

    bounds = limits.Limits(
        settings.max_body_bytes, settings.max_upload_bytes, settings.read_timeout
    )
    limits.install(app, bounds, problems.refuse)  # outermost: before any handler reads
    return app
