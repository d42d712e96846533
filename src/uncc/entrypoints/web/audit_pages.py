"""The audit trail pages: filters, pages, and the exports (CSV, JSON Lines)."""

from __future__ import annotations

import datetime as dt
import urllib.parse

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse

from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import Pages, page
from uncc.errors import UserInputError
from uncc.services import audit_trail, preferences
from uncc.services.audit_search import AuditQuery
from uncc.services.context import Principal

PAGE = 50
FIELDS = ("actor", "action", "object", "since", "until")


def moment(name: str, text: str, zone: preferences.Preferences) -> dt.datetime | None:
    """A date or date-time typed in a filter; one without a zone is in the reader's zone.

    Raises:
        UserInputError: not a date (the field is named).
    """
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserInputError(
            f"{name}: {text!r} is not a date (YYYY-MM-DD) or date and time"
        ) from None
    if len(text) == 10 and name == "until":  # a whole day: up to its end
        value += dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    return value if value.tzinfo else value.replace(tzinfo=zone.zone())


def query_of(request: Request, who: Principal, pages: Pages) -> tuple[AuditQuery, dict[str, str]]:
    """The filter the query string asks for, and its fields as typed."""
    typed = {k: request.query_params.get(k, "").strip() for k in FIELDS}
    mine = preferences.of(pages.ctx, who.user)
    query = AuditQuery(
        actor=typed["actor"] or None,
        action=typed["action"] or None,
        object=typed["object"] or None,
        since=moment("since", typed["since"], mine),
        until=moment("until", typed["until"], mine),
    )
    return query, typed


def install(app: FastAPI, pages: Pages) -> None:
    """Add the audit pages."""
    ctx = pages.ctx

    @app.get("/audit", include_in_schema=False)
    @page(pages)
    def audit_page(request: Request, who: Principal, before: str = "") -> Response:
        query, typed = query_of(request, who, pages)
        if before and not before.isdigit():
            raise UserInputError("before: expected an entry number")
        found = audit_trail.browse(
            ctx, who, query, limit=PAGE, before=int(before) if before else None
        )
        kept = {k: v for k, v in typed.items() if v}
        return pages.render(
            request,
            "audit.html",
            who,
            title=N_("Audit trail"),
            entries=found.entries,
            total=found.total,
            typed=typed,
            older=urllib.parse.urlencode({**kept, "before": found.before})
            if found.before
            else None,
            newest=urllib.parse.urlencode(kept) if before else None,
            export=urllib.parse.urlencode(kept),
        )

    @app.get("/audit/export.{fmt}", include_in_schema=False)
    @page(pages)
    def audit_export(request: Request, who: Principal, fmt: str) -> Response:
        query, _ = query_of(request, who, pages)
        chunks = audit_trail.export(ctx, who, query, fmt)
        media = "text/csv" if fmt == "csv" else "application/jsonl"
        stamp = f"{ctx.clock():%Y%m%dT%H%M%SZ}"
        return StreamingResponse(
            chunks,
            media_type=f"{media}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.{fmt}"'},
        )
