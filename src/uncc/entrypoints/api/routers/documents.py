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

from fastapi import APIRouter, Path, Query, Request, Response

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


def _document_route(kind: str, path: str, summary: str) -> None:
    """Serve ``GET path``: the ``kind`` document of the record the path's one ``{id}`` names.

    The handler is ``<kind>_document`` with ``summary`` as its description, the record's
    id a path parameter named as in ``path``, and ``?format=pdf|html``.
    """
    key = path.split("{", 1)[1].split("}", 1)[0]

    def handler(ctx: Ctx, object_id: str, user: User, output_format: Format = "pdf") -> Response:
        return _file(ctx, user, kind, object_id, output_format)

    handler.__doc__ = summary
    # the id is named as in the path (the module's annotations are strings: set this one)
    handler.__annotations__["object_id"] = Annotated[str, Path(alias=key)]
    router.get(
        path,
        response_class=Response,
        responses=FILES | problems("not-found"),
        name=f"{kind}_document",
    )(handler)


_document_route(
    "order",
    "/orders/{order_id}/document",
    "The order to print and sign, with its legal basis, authorisation, deadlines and code.",
)
_document_route(
    "request",
    "/network/requests/{conversation_id}/document",
    "A request sent or received, to print and sign, with its verification code.",
)
_document_route(
    "admissibility",
    "/evidence/{item_id}/document",
    "An item's admissibility report (Art. 49) to print and sign, with its verification code.",
)


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
