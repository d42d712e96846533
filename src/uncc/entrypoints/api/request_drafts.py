"""Requests built from the case, over HTTP: draft, check under the other State's law, send, print.

``POST /api/v1/cases/{id}/request-drafts`` drafts (and with ``send: true`` sends) a
request for a measure to a State; ``GET …/request-drafts/document`` is the printable
request (HTML with a print stylesheet).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.problem_types import problems
from uncc.entrypoints.api.routers.requests import ConversationOut
from uncc.services import request_drafts
from uncc.services.context import NodeContext
from uncc.services.identity import node_info
from uncc.services.request_drafts import Draft


class DraftIn(BaseModel):
    """The measure, the requested State, fields to add or override, and whether to send."""

    model_config = ConfigDict(extra="forbid")
    measure: str = Field(min_length=1, max_length=80)
    to: str = Field(pattern=r"^[A-Z]{2}$")
    fields: dict[str, Any] = {}
    send: bool = False


class OffenceThereOut(BaseModel):
    """An offence the facts show, under the requested State's law."""

    offence: str
    name: str
    provision: str
    status: str
    missing: list[str]


class DualCriminalityOut(BaseModel):
    """Is the conduct an offence in the requested State: yes, no or undetermined."""

    verdict: str
    profile: str
    offences: list[OffenceThereOut]


class ConditionOut(BaseModel):
    """One condition of the measure under the requested State's law."""

    what: str
    provision: str
    status: str


class MeasureThereOut(BaseModel):
    """Is the measure available in the requested State, and what would settle it."""

    power: str
    provision: str
    available: str
    conditions: list[ConditionOut]
    missing: list[str]


class DraftOut(BaseModel):
    """A request drafted from the case, its problems, and the checks under the other law."""

    case: str
    kind: str
    to: str
    body: dict[str, Any]
    problems: list[str]
    complete: bool
    home_order: str | None
    dual_criminality: DualCriminalityOut
    measure: MeasureThereOut
    request: dict[str, Any] | None = None
    """The request as sent (with ``send: true``)."""


def draft_out(draft: Draft, sent: dict[str, Any] | None = None) -> DraftOut:
    """The draft as the API answers it."""
    abroad = draft.abroad
    return DraftOut(
        case=draft.case_id,
        kind=draft.kind,
        to=draft.to,
        body={k: v for k, v in draft.body.items() if k != "facts"},
        problems=list(draft.problems),
        complete=draft.complete,
        home_order=draft.home_order,
        dual_criminality=DualCriminalityOut(
            verdict=abroad.dual_criminality,
            profile=abroad.profile,
            offences=[
                OffenceThereOut(
                    offence=o.offence,
                    name=o.name,
                    provision=o.provision,
                    status=o.status,
                    missing=list(o.missing),
                )
                for o in abroad.offences
            ],
        ),
        measure=MeasureThereOut(
            power=abroad.measure,
            provision=abroad.measure_provision,
            available=abroad.measure_available,
            conditions=[
                ConditionOut(what=w, provision=p, status=s) for w, p, s in abroad.conditions
            ],
            missing=list(abroad.missing),
        ),
        request=sent,
    )


def install(app: FastAPI, ctx: NodeContext, kick: Callable[[], None]) -> None:
    """Add the request-draft routes."""
    router = APIRouter(prefix="/api/v1/cases", tags=["network requests"], responses=problems())

    @router.post(
        "/{case_id}/request-drafts",
        responses=problems("not-found", "conflict", "bad-request", "unreachable"),
    )
    def draft(case_id: str, body: DraftIn, who: User) -> DraftOut:
        """Draft a request from the case (and send it when ``send`` and complete)."""
        if body.send:
            done, sent = request_drafts.send_draft(
                ctx, who, case_id, measure=body.measure, to=body.to, fields=body.fields
            )
            kick()
            return draft_out(done, ConversationOut.of(sent, ctx.clock()).model_dump(mode="json"))
        found = request_drafts.draft_request(
            ctx, who, case_id, measure=body.measure, to=body.to, fields=body.fields
        )
        return draft_out(found)

    @router.get(
        "/{case_id}/request-drafts/document",
        response_class=HTMLResponse,
        responses=problems("not-found", "bad-request"),
    )
    def document(
        case_id: str,
        who: User,
        measure: str = Query(min_length=1, max_length=80),
        to: str = Query(pattern=r"^[A-Z]{2}$"),
    ) -> HTMLResponse:
        """The drafted request as a printable document (every field, legal basis, case)."""
        from uncc.services.reports.request_doc import request_html  # noqa: PLC0415

        found = request_drafts.draft_request(ctx, who, case_id, measure=measure, to=to)
        with ctx.engine.connect() as conn:
            us = node_info(conn).state
        return HTMLResponse(request_html(found, us, ctx.clock().date()))

    app.include_router(router)
