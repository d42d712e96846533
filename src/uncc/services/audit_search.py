"""The audit trail searched: by actor, action, object and time, a page at a time.

The newest entries come first in the walk (each page is returned oldest first); a page
ends at an entry's sequence number, and the next page starts below it, so entries added
meanwhile neither shift nor repeat a page. An entry about a confidential order the reader
has no need to know shows only who did what when (its object and details are withheld),
and a search by the object never finds it: the count does not tell that it exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.need_to_know import WITHHELD, hidden_orders


@dataclass(frozen=True)
class AuditQuery:
    """What to look for in the audit trail (every criterion optional, all must hold)."""

    actor: str | None = None
    action: str | None = None
    object: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclass(frozen=True)
class AuditPage:
    """One page of the trail: entries oldest first, the total found, where the next starts."""

    entries: list[dict[str, Any]]
    total: int
    before: int | None
    """The sequence number the next (older) page ends below; None on the last page."""


def _conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    column = schema.audit.c
    found: list[ColumnElement[bool]] = []
    if query.actor is not None:
        found.append(column.actor == query.actor)
    if query.action is not None:
        found.append(column.action == query.action)
    if query.object is not None:
        found.append(column.object == query.object)
    if query.since is not None:
        found.append(column.at >= query.since)
    if query.until is not None:
        found.append(column.at <= query.until)
    return found


def search_audit(
    ctx: NodeContext,
    who: Principal,
    query: AuditQuery,
    *,
    limit: int,
    before: int | None = None,
) -> AuditPage:
    """A page of the entries matching ``query`` with ``seq`` below ``before`` (auditors, admins).

    Reading the trail is audited itself.
    """
    require(who.roles, Action.AUDIT_READ)
    where = _conditions(query)
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        rows = select(schema.audit).where(*where).order_by(schema.audit.c.seq.desc())
        if query.object is not None:  # few rows: drop those the reader may not know of
            found = [
                e
                for e in (hidden.audit_entry(dict(r)) for r in conn.execute(rows).mappings())
                if e["object"] != WITHHELD
            ]
            total = len(found)
            page = [e for e in found if before is None or e["seq"] < before][: limit + 1]
        else:
            counted = conn.execute(select(func.count()).select_from(schema.audit).where(*where))
            total = int(counted.scalar_one())
            if before is not None:
                rows = rows.where(schema.audit.c.seq < before)
            page = [
                hidden.audit_entry(dict(r)) for r in conn.execute(rows.limit(limit + 1)).mappings()
            ]
    more, page = len(page) > limit, page[:limit]
    audit_now(ctx, who.user, "audit.read", obj="", outcome="ok", count=len(page))
    return AuditPage(list(reversed(page)), total, page[-1]["seq"] if more else None)
