"""One error handler: every error becomes RFC 9457 problem JSON in the API, a page in the web.

A path under ``/api/`` or ``/network/v1/`` is the API's; any other is the web's, and its
errors (an unknown URL, a refused access, a body too large) are shown as an HTML page in
the site's layout by the renderer the web installs as ``app.state.html_error``. Nothing
a user sends becomes a bare 500: a full disk is 507, an unexpected failure a 500 problem
without internals.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from uncc.errors import (
    FactsError,
    RuleViolation,
    StorageFullError,
    ThrottledError,
    TransportError,
    UnccError,
    UserInputError,
    is_disk_full,
)

BASE = "/problems/"
"""Where the problem types live: ``type`` is ``/problems/<slug>``, served by every node."""
MEDIA = "application/problem+json"
API_PREFIXES = ("/api/", "/network/v1/")
log = logging.getLogger("uncc.api")

HtmlError = Callable[[Request, "Problem"], Awaitable[Response]]
"""Renders a problem as the web's error page."""


@dataclass(frozen=True)
class Problem:
    """What went wrong, once, for both faces of the node."""

    status: int
    slug: str
    title: str
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)


_HTTP: dict[int, tuple[str, str]] = {
    400: ("bad-request", UserInputError.title),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    408: ("timeout", "Request timeout"),
    413: ("too-large", "Too large"),
}
"""Problems the HTTP layer raises itself (before or instead of a route)."""


def is_api(path: str) -> bool:
    """True for the API's and the network's paths (problem JSON), False for pages."""
    return path.startswith(API_PREFIXES)


def _of_error(exc: UnccError) -> Problem:
    """The problem an error of uncc stands for: what its class says (uncc.errors)."""
    extra: dict[str, Any] = {}
    detail = str(exc)
    if isinstance(exc, FactsError):
        extra = {"errors": exc.problems}
    elif isinstance(exc, RuleViolation):
        detail, extra = exc.reason, {"provision": exc.provision}
    elif isinstance(exc, StorageFullError):
        detail += "; nothing was stored"
    elif exc.http_status == 500:  # an unforeseen failure: no internals shown
        detail = "an internal error occurred"
    return Problem(exc.http_status, exc.problem_type, exc.title, detail, extra)


def classify(exc: Exception) -> Problem:
    """The problem an exception stands for."""
    if isinstance(exc, UnccError):
        return _of_error(exc)
    if is_disk_full(exc):
        full = StorageFullError("the node's disk is full")
        return _of_error(full)
    if isinstance(exc, DataError):  # e.g. a NUL character PostgreSQL will not store
        return Problem(
            400,
            UserInputError.problem_type,
            UserInputError.title,
            "a value cannot be stored (a NUL character, or a number out of range); nothing was stored",
        )
    if isinstance(exc, ClientDisconnect):  # nobody reads the answer; not a server fault
        return Problem(
            400,
            UserInputError.problem_type,
            UserInputError.title,
            "the client went away mid-request",
        )
    if isinstance(exc, HTTPException):
        slug, title = _HTTP.get(exc.status_code, ("http", "Refused"))
        return Problem(exc.status_code, slug, title, str(exc.detail))
    return Problem(500, UnccError.problem_type, UnccError.title, "an internal error occurred")


def problem(
    request: Request, status: int, slug: str, title: str, detail: str, **extra: Any
) -> JSONResponse:
    """A problem response (RFC 9457)."""
    body = {
        "type": BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": str(request.url.path),
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA)


async def respond(request: Request, found: Problem) -> Response:
    """The problem as JSON for the API, as the web's error page for a page."""
    render: HtmlError | None = getattr(request.app.state, "html_error", None)
    if render is not None and not is_api(request.url.path):
        return await render(request, found)
    return problem(request, found.status, found.slug, found.title, found.detail, **found.extra)


async def refuse(request: Request, exc: HTTPException) -> Response:
    """The answer to a refused request (used by the body guard, before any route)."""
    return await respond(request, classify(exc))


def _field(loc: Any) -> list[Any]:
    """The path of a field in the request, without FastAPI's leading ``body``.

    A request sent without its body names the field ``body``.
    """
    parts = list(loc)
    return (parts[1:] or parts) if parts[:1] == ["body"] else parts


async def _invalid(request: Request, exc: Exception) -> Response:
    """A request FastAPI could not validate: every field at fault, named (422)."""
    found = exc.errors() if isinstance(exc, RequestValidationError) else []
    errors = [
        {"field": ".".join(str(p) for p in _field(e["loc"])), "reason": e["msg"]} for e in found
    ]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
    problem = Problem(
        422, "invalid-request", "The request is not valid", detail, {"errors": errors}
    )
    return await respond(request, problem)


async def _uncc(request: Request, exc: Exception) -> Response:
    """An error of uncc: what its class says (a transport error is logged too)."""
    if isinstance(exc, TransportError):
        log.warning(
            "%s %s: another node could not be reached: %s", request.method, request.url.path, exc
        )
    response = await respond(request, classify(exc))
    if isinstance(exc, ThrottledError):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _http(request: Request, exc: Exception) -> Response:
    """A refusal of the HTTP layer, with its headers (``Allow``, …)."""
    response = await respond(request, classify(exc))
    if isinstance(exc, HTTPException) and exc.headers:
        response.headers.update(exc.headers)
    return response


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Anything else: a full disk, a client gone, or a fault (logged, no internals shown)."""
    found = classify(exc)
    if found.status == 500:
        log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return await respond(request, found)


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(UnccError, _uncc)
    app.add_exception_handler(HTTPException, _http)
    # answered where they happen (a full disk, a client gone), then anything else
    for kind in (OSError, ClientDisconnect, DataError, Exception):
        app.add_exception_handler(kind, _unexpected)
