"""``/api/v1/cases``: cases opened from incident facts, their notes, protected persons, export."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from uncc.entrypoints.api import when
from uncc.entrypoints.api.audit_commits import audit_commits
from uncc.entrypoints.api.auth import User, bearer, direct_of, looked, node_seen, who
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.limits import Document
from uncc.entrypoints.api.models import In, Json, Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import case_read, cases, protection
from uncc.services.case_export import export_case
from uncc.services.context import NodeContext

router = APIRouter(prefix="/api/v1/cases", tags=["cases"], responses=problems())


class CaseIn(In):
    """Incident facts (``uncc: incident/1``) and an optional title."""

    facts: Document
    title: str | None = None


class CaseSummaryOut(Out):
    """A case as a list shows it."""

    id: str
    title: str
    status: str
    created_by: str
    created_at: Stamp


class CaseOpenedOut(Out):
    """A case just opened, with the analysis of its facts."""

    id: str
    title: str
    analysis: Json


class CaseOut(Out):
    """A case with its facts and analysis."""

    id: str
    title: str
    status: str
    created_by: str
    facts: Json
    analysis: Json


class CaseNoteIn(In):
    """A note to add to a case."""

    text: str = Field(min_length=1, max_length=20_000)


class CaseNoteOut(Out):
    """A note of a case: who wrote what, when."""

    author: str
    at: Stamp
    text: str


class NoteAddedOut(Out):
    """The case a note was added to."""

    case: str


class ProtectedOut(Out):
    """A protected person of a case, by pseudonym (Arts. 33-34)."""

    id: str
    pseudonym: str
    kind: str
    provision: str
    views: str
    claims: list[Json]
    measures: str


@router.get("", response_model=Page[CaseSummaryOut])
def list_cases(
    *,
    ctx: Ctx,
    user: User,
    at: Paging,
    state: Annotated[str | None, Query(max_length=20, description="The case's status.")] = None,
    offence: Annotated[
        str | None, Query(max_length=100, description="An offence the analysis found.")
    ] = None,
    opened_from: Annotated[dt.date | dt.datetime | None, Query()] = None,
    opened_to: Annotated[dt.date | dt.datetime | None, Query()] = None,
) -> Page[CaseSummaryOut]:
    """The cases, by id; filtered by state, offence and the date they were opened."""
    found = cases.search_cases(
        ctx,
        user,
        status=state,
        offence=offence,
        opened_from=when.start(opened_from),
        opened_to=when.end(opened_to),
    )
    rows = [
        CaseSummaryOut(
            id=c.id,
            title=c.title,
            status=c.status,
            created_by=c.created_by,
            created_at=iso(c.created_at),
        )
        for c in found
    ]
    return page(rows, at)


@router.post("", status_code=201, responses=problems("bad-request", "invalid-facts"))
def open_case(ctx: Ctx, body: CaseIn, user: User) -> CaseOpenedOut:
    """Open a case from incident facts; the analysis is kept with it."""
    case = cases.open_case(ctx, user, body.facts, body.title)
    return CaseOpenedOut(id=case.id, title=case.title, analysis=case.analysis)


@router.get("/{case_id}", response_model=CaseOut, responses=problems("not-found"))
async def get_case(
    request: Request, case_id: str, authorization: Annotated[str | None, Header()] = None
) -> Response:
    """A case with its facts and analysis (audited read).

    The analysis goes out as stored (its JSON text is not decoded and encoded
    again); the answer waits for its audit entry's commit.
    """
    # On PostgreSQL each statement is a round trip: the token, the case and the audit
    # entry go to one worker thread together (services.case_read), and the loop serves
    # other requests meanwhile. SQLite's statements are library calls: on the loop, the
    # entry committed with other reads' (audit_commits).
    ctx: NodeContext = request.app.state.ctx
    direct = direct_of(request.app)
    if direct is not None:
        token = bearer(authorization)
        case = await run_in_threadpool(case_read.read_case_as, ctx, direct, token, case_id)
    else:
        found = await looked(request, authorization)
        user = await who(found)
        node = await node_seen(user, found)
        case = cases.read_case_text(ctx, user, case_id, node.state)
        await audit_commits(request).append(user.user, cases.READ, obj=case.id, outcome="ok")
    head = json.dumps(
        {
            "id": case.id,
            "title": case.title,
            "status": case.status,
            "created_by": case.created_by,
            "facts": case.facts,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    body = head[:-1] + ',"analysis":' + case.analysis_json + "}"
    return Response(body, media_type="application/json")


@router.get("/{case_id}/case-uco", responses=problems("not-found"))
def case_uco(ctx: Ctx, case_id: str, user: User) -> Json:
    """The case as CASE/UCO JSON-LD."""
    return export_case(ctx, user, case_id)


@router.get("/{case_id}/notes", response_model=Page[CaseNoteOut], responses=problems("not-found"))
def case_notes(ctx: Ctx, case_id: str, user: User, at: Paging) -> Page[CaseNoteOut]:
    """The notes of a case, oldest first."""
    notes = [
        CaseNoteOut(author=n.author, at=iso(n.at), text=n.text)
        for n in cases.list_notes(ctx, user, case_id)
    ]
    return page(notes, at)


@router.post("/{case_id}/notes", status_code=201, responses=problems("not-found", "bad-request"))
def add_case_note(ctx: Ctx, case_id: str, body: CaseNoteIn, user: User) -> NoteAddedOut:
    """Add a note to a case."""
    cases.add_note(ctx, user, case_id, body.text)
    return NoteAddedOut(case=case_id)


@router.get(
    "/{case_id}/protected", response_model=Page[ProtectedOut], responses=problems("not-found")
)
def protected_persons(ctx: Ctx, case_id: str, user: User, at: Paging) -> Page[ProtectedOut]:
    """The case's protected persons by pseudonym, with views, claims and measures."""
    persons = [
        ProtectedOut(
            id=p.id,
            pseudonym=p.pseudonym,
            kind=p.kind.value,
            provision=p.provision,
            views=p.views,
            claims=p.claims,
            measures=p.measures,
        )
        for p in protection.list_protected(ctx, user, case_id)
    ]
    return page(persons, at)
