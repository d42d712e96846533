"""The node's ASGI application: the API, the node-to-node endpoints and the web, in one app.

``create_app(settings)`` is the composition: it builds (or takes) the node's context and
its transport to other nodes, puts them on ``app.state`` for the routes' dependencies
(:mod:`uncc.entrypoints.api.deps`), includes one router per resource under ``/api/v1``,
the node-to-node router under ``/network/v1``, the problem types under ``/problems``,
and the web pages; the body guard goes outermost. :data:`FACTORY` is the import string
for ``uvicorn --factory`` (``uncc serve --workers N``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from uncc import __version__
from uncc.adapters.db.direct import for_engine
from uncc.adapters.upload_area import UploadArea
from uncc.bootstrap import build, network_transport
from uncc.config import Settings
from uncc.entrypoints.api import (
    health,
    limits,
    path_trace,
    problem_types,
    problems,
    request_drafts,
    uploads,
    workdesk,
)
from uncc.entrypoints.api.audit_commits import AuditCommits
from uncc.entrypoints.api.routers import (
    accounts,
    audit,
    cases,
    deconfliction,
    documents,
    evidence,
    evidence_review,
    experts,
    handling,
    jit,
    node,
    notifications,
    orders,
    outbox,
    peers,
    preferences,
    proceeds,
    requests,
    vault,
)
from uncc.entrypoints.api.sender import Sender, running
from uncc.entrypoints.web import (
    account_pages,
    document_pages,
    jit_pages,
    network_pages,
    path_pages,
    vault_pages,
)
from uncc.entrypoints.web import pages as web_pages
from uncc.services import orders as order_service
from uncc.services.context import NodeContext
from uncc.services.network.transport import Transport

FACTORY = "uncc.entrypoints.asgi:app_from_environment"
"""The import string of the app factory, for ``uvicorn --factory`` and ``--workers``."""

API = (
    node,
    cases,
    orders,
    notifications,
    evidence,
    evidence_review,
    proceeds,
    audit,
    accounts,
    preferences,
    requests,
    handling,
    experts,
    deconfliction,
    outbox,
    vault,
    jit,
    documents,
)
"""The routers of ``/api/v1``, one per resource."""


async def _ticker(ctx: NodeContext, seconds: float) -> None:
    """Expire overdue orders every ``seconds`` (errors are logged, the loop goes on)."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await run_in_threadpool(order_service.tick, ctx)
        except Exception:  # a failed tick must not stop the server
            logging.getLogger("uncc.tick").exception("tick failed")


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
    links = transport or network_transport(settings, ctx)
    sender = Sender(ctx, links, send_seconds or 1.0)
    commits = AuditCommits(ctx)
    direct = for_engine(ctx.engine)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_ticker(ctx, tick_seconds)) if tick_seconds else None
        async with running(sender, enabled=bool(send_seconds)):
            yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await asyncio.to_thread(commits.close)
        if direct is not None:
            await asyncio.to_thread(direct.close)

    app = FastAPI(
        title="uncc national node",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.state.transport = links
    app.state.network_sender = sender
    app.state.audit_commits = commits
    app.state.direct = direct
    problems.install(app)
    health.install(app, ctx)
    for resource in API:
        app.include_router(resource.router)
    app.include_router(peers.router)
    app.include_router(problem_types.router)
    pages = web_pages.install(app, ctx)
    network_pages.install(app, pages, links, sender.kick)
    path_pages.install(app, pages, sender.kick)
    path_trace.install(app, ctx, sender.kick)
    request_drafts.install(app, ctx, sender.kick)
    vault_pages.install(app, pages)
    account_pages.install(app, pages)
    document_pages.install(app, pages)
    jit_pages.install(app, pages, sender.kick)
    _document(app)
    bounds = limits.Limits(
        settings.max_body_bytes, settings.max_upload_bytes, settings.read_timeout
    )
    app.include_router(workdesk.router)
    uploads.install(app, UploadArea(settings.data_dir / "uploads"), bounds)
    limits.install(app, bounds, problems.refuse)  # outermost: before any handler reads
    return app


def _document(app: FastAPI) -> None:
    """The OpenAPI document, with problem responses as ``application/problem+json``."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = problem_types.as_problem_json(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
