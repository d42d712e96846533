"""``/api/v1/audit``: the audit trail, searched by actor, action, object and time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from uncc.entrypoints.api import when
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, encode
from uncc.entrypoints.api.problem_types import problems
from uncc.services.audit_search import AuditQuery, search_audit
from uncc.services.audit_trail import export as export_trail

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=problems())


class AuditEntryOut(Out):
    """Who did what to which object, when, with what outcome."""

    seq: int
    at: Stamp
    actor: str
    action: str
    object: str
    outcome: str
    details: dict[str, Any]


@router.get("/audit", response_model=Page[AuditEntryOut])
def audit_trail(
    *,
    ctx: Ctx,
    user: User,
    at: Paging,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=60, description="e.g. order.read")] = None,
    obj: Annotated[str | None, Query(alias="object", max_length=80)] = None,
    since: Annotated[dt.date | dt.datetime | None, Query()] = None,
    until: Annotated[dt.date | dt.datetime | None, Query()] = None,
) -> Page[AuditEntryOut]:
    """The audit trail (auditors and admins): the newest page first, each page oldest first."""
    query = AuditQuery(actor, action, obj, when.start(since), when.end(until))
    found = search_audit(ctx, user, query, limit=at.limit, before=at.at)
    return Page[AuditEntryOut](
        items=[AuditEntryOut(**{**e, "at": iso(e["at"])}) for e in found.entries],
        total=found.total,
        next=None if found.before is None else encode(found.before),
    )


_TEXT = {"schema": {"type": "string"}}


@router.get(
    "/audit/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "Every matching entry, oldest first.",
            "content": {"text/csv": _TEXT, "application/jsonl": _TEXT},
        },
        **problems("bad-request"),
    },
)
def audit_export(
    *,
    ctx: Ctx,
    user: User,
    fmt: Annotated[Literal["csv", "jsonl"], Query(alias="format")],
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=60, description="e.g. order.read")] = None,
    obj: Annotated[str | None, Query(alias="object", max_length=80)] = None,
    since: Annotated[dt.date | dt.datetime | None, Query()] = None,
    until: Annotated[dt.date | dt.datetime | None, Query()] = None,
) -> StreamingResponse:
    """Export the trail (auditors and admins): every match, oldest first; audited once.

    The same export as ``uncc audit --format csv|jsonl`` and the web page's, so the copy
    taken out through the API is recorded in the trail like theirs (ADR 0024).
    """
    query = AuditQuery(actor, action, obj, when.start(since), when.end(until))
    chunks = export_trail(ctx, user, query, fmt)
    media = "text/csv" if fmt == "csv" else "application/jsonl"
    return StreamingResponse(chunks, media_type=f"{media}; charset=utf-8")
