"""One error handler: uncc's errors and validation errors become RFC 9457 problem JSON."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from uncc.errors import (
    ConflictError,
    FactsError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolation,
    UnccError,
    UserInputError,
)

BASE = "https://uncc.example.org/problems/"
MEDIA = "application/problem+json"


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


def install(app: FastAPI) -> None:
    """Register the handlers."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"), "reason": e["msg"]}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem(
            request, 422, "invalid-request", "The request is not valid", detail, errors=errors
        )

    @app.exception_handler(UnccError)
    async def _uncc(request: Request, exc: UnccError) -> JSONResponse:
        if isinstance(exc, FactsError):
            return problem(
                request,
                422,
                "invalid-facts",
                "The incident facts are not valid",
                str(exc),
                errors=exc.problems,
            )
        if isinstance(exc, RuleViolation):
            return problem(
                request,
                409,
                "refused-by-convention",
                "Refused by a condition of the Convention",
                exc.reason,
                provision=exc.provision,
            )
        if isinstance(exc, PermissionDeniedError):
            return problem(request, 403, "forbidden", "Not allowed", str(exc))
        if isinstance(exc, NotFoundError):
            return problem(request, 404, "not-found", "Not found", str(exc))
        if isinstance(exc, ConflictError):
            return problem(request, 409, "conflict", "Not possible now", str(exc))
        if isinstance(exc, UserInputError):
            return problem(request, 400, "bad-request", "Bad request", str(exc))
        return problem(request, 500, "internal", "Internal error", "an internal error occurred")
