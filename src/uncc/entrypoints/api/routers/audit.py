"""``/api/v1/audit``: the audit trail, searched by actor, action, object and time."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from uncc.entrypoints.api import when
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, encode
from uncc.entrypoints.api.problem_types import problems
from uncc.services.audit_search import AuditQuery, search_audit

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
