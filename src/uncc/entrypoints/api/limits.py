"""The ASGI guard that bounds every request body before any handler can read it.

(FastAPI's own ``max_body_size`` answers a declared oversized length with a bare
``text/plain`` 413 that bypasses the node's error handlers; this guard answers with the
node's problem JSON or error page, and also bounds the time a body may take.)

Every body is capped: evidence and ledger uploads at ``max_upload_bytes``, everything
else (JSON, JOSE, forms) at ``max_body_bytes``. A declared ``Content-Length`` over the
cap is refused with 413 before a byte is read; a body that grows past it while
arriving (chunked, or a lying length) makes the next ``receive()`` raise, so
``await request.body()`` anywhere stops there and the client gets 413 too. A body
that stalls for ``read_timeout`` seconds, or takes more than four times that in all
(uploads excepted), is refused with 408.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from uncc.yaml12 import nesting_problem

UPLOADS = re.compile(r"^/(?:api/v1/)?cases/[^/]+/evidence$|^/cases/[^/]+/property$")
"""The POST paths whose bodies are files (evidence, ledgers): the upload limit applies."""

Refusal = Callable[[Request, HTTPException], Awaitable[Response]]


@dataclass(frozen=True)
class Limits:
    """The bounds in effect."""

    max_body: int
    max_upload: int
    read_timeout: float


def too_large(limit: int) -> HTTPException:
    """The 413 for a body over ``limit`` bytes."""
    return HTTPException(413, f"the request body is larger than the limit of {limit} bytes")


class BodyLimit:
    """ASGI middleware: cap, and time out, the body of every HTTP request."""

    def __init__(self, app: ASGIApp, limits: Limits, refuse: Refusal) -> None:
        self.app = app
        self.limits = limits
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then pass on a ``receive`` that counts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and bool(UPLOADS.match(scope["path"]))
        limit = self.limits.max_upload if upload else self.limits.max_body
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            response = await self.refuse(Request(scope), too_large(limit))
            response.headers["Connection"] = "close"
            await response(scope, receive, send)
            return
        await self.app(scope, self._bounded(receive, limit, upload=upload), send)

    def _bounded(self, receive: Receive, limit: int, *, upload: bool) -> Receive:
        seen = 0
        done = False
        idle = self.limits.read_timeout
        deadline = None if upload else time.monotonic() + 4 * idle

        async def bounded() -> Message:
            nonlocal seen, done
            if done:  # the body is in: waiting for a disconnect is not a slow body
                return await receive()
            wait = idle if deadline is None else min(idle, deadline - time.monotonic())
            try:
                if wait <= 0:
                    raise TimeoutError
                async with asyncio.timeout(wait):  # no task per message, unlike wait_for
                    message = await receive()
            except TimeoutError:
                raise HTTPException(408, "the request body arrived too slowly") from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise too_large(limit)
                done = not message.get("more_body", False)
            return message

        return bounded


def _content_length(scope: Scope) -> int | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def shallow(value: dict[str, Any]) -> dict[str, Any]:
    """A free-form JSON mapping, refused (422 naming the field) when it nests too deep."""
    problem = nesting_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


Document = Annotated[dict[str, Any], AfterValidator(shallow)]
"""A free-form JSON object in a body (facts, a request's fields), depth-limited like YAML."""


def install(app: Any, limits: Limits, refuse: Refusal) -> None:
    """Put the guard in front of the application (outside every other middleware)."""
    app.add_middleware(BodyLimit, limits=limits, refuse=refuse)
