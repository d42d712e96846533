"""Printed orders, requests and admissibility reports, and their check.

``GET /orders/{id}/document``, ``/network/requests/{id}/document`` and
``/evidence/{id}/document`` (``?format=pdf|html``) print a record as a document
(recorded with its verification code; the record's own role rules and audit);
``GET /documents/{code}`` and ``POST /documents/verify`` (the file's bytes) say whether
a code, or a printed file, is one this node issued (audited).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Json, Out
from uncc.entrypoints.api.problem_types import problems
from uncc.entrypoints.printing import MEDIA, RENDERERS
from uncc.errors import UserInputError
from uncc.services import documents

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=problems())

FILES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The document: PDF (default) or an HTML page to print (?format=).",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
}
MAX_FILE = 20 * 1024 * 1024
"""The largest printed file a check reads (a document is far smaller)."""


class CheckOut(Out):
    """Whether a code or a file is a document this node issued."""

    matches: bool
    code: str | None
    detail: str
    kind: str | None
    object: str | None
    """The record printed; null when the checker has no need to know it."""
    issued_at: str | None
    issued_by: str | None
    head: Json | None
    """The custody head the document was made against: origin, size, root."""
    file_matches: bool | None
    """For a file: whether it is, byte for byte, the file issued."""


def _out(verdict: documents.Verdict) -> CheckOut:
    at: dt.datetime | None = verdict.issued_at
    return CheckOut(
        matches=verdict.matches,
        code=verdict.code,
        detail=verdict.detail,
        kind=verdict.kind,
        object=verdict.object,
        issued_at=at.isoformat() if at else None,
        issued_by=verdict.issued_by,
        head=verdict.head,
        file_matches=verdict.file_matches,
    )


def _file(ctx: Any, user: Any, kind: str, object_id: str, output_format: str) -> Response:
    made = documents.issue(
        ctx, user, kind, object_id, fmt=output_format, render=RENDERERS[output_format]
    )
    name = f"{made.document.object}-{kind}.{output_format}"
    return Response(
        made.data,
        media_type=MEDIA[output_format],
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "X-Verification-Code": made.document.code,
        },
    )


Format = Annotated[Literal["pdf", "html"], Query(alias="format")]


@router.get(
    "/orders/{order_id}/document",
    response_class=Response,
    responses=FILES | problems("not-found"),
)
def order_document(ctx: Ctx, order_id: str, user: User, output_format: Format = "pdf") -> Response:
    """The order to print and sign, with its legal basis, authorisation, deadlines and code."""
    return _file(ctx, user, "order", order_id, output_format)


@router.get(
    "/network/requests/{conversation_id}/document",
    response_class=Response,
    responses=FILES | problems("not-found"),
)
def request_document(
    ctx: Ctx, conversation_id: str, user: User, output_format: Format = "pdf"
) -> Response:
    """A request sent or received, to print and sign, with its verification code."""
    return _file(ctx, user, "request", conversation_id, output_format)


@router.get(
    "/evidence/{item_id}/document",
    response_class=Response,
    responses=FILES | problems("not-found"),
)
def admissibility_document(
    ctx: Ctx, item_id: str, user: User, output_format: Format = "pdf"
) -> Response:
    """An item's admissibility report (Art. 49) to print and sign, with its verification code."""
    return _file(ctx, user, "admissibility", item_id, output_format)


@router.get(
    "/documents/{code}",
    response_model=CheckOut,
    responses=problems("bad-request"),
)
def check_code(ctx: Ctx, code: str, user: User) -> CheckOut:
    """Is this verification code one of a document this node issued?"""
    return _out(documents.verify(ctx, user, code=code))


@router.post(
    "/documents/verify",
    response_model=CheckOut,
    responses=problems("bad-request"),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def check_file(ctx: Ctx, request: Request, user: User) -> CheckOut:
    """Is this printed file (PDF or HTML, its bytes as the body) a document this node issued?"""
    data = b""
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_FILE:
            raise UserInputError(f"body: a printed document is at most {MAX_FILE} bytes")
    if not data:
        raise UserInputError("body: send the printed file's bytes")
    from fastapi.concurrency import run_in_threadpool  # noqa: PLC0415

    verdict = await run_in_threadpool(documents.verify, ctx, user, data=data)
    return _out(verdict)
