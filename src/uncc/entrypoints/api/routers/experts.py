"""``/api/v1/network/experts``: the network's experts (Art. 56(3)), found for a need."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from uncc.domain.experts import Match
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx, Links
from uncc.entrypoints.api.models import In, Out
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services.network import experts

router = APIRouter(prefix="/api/v1/network", tags=["experts"], responses=problems())
EVERY = 10_000
"""More experts than any network has: the ranking is paged, not cut."""


class ExpertIn(In):
    """One of this node's experts (Art. 56(3))."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    name: str = Field(min_length=1, max_length=200)
    expertise: list[str] = Field(min_length=1)
    languages: list[str] = Field(min_length=1)
    time_zone: str = Field(min_length=1)
    schedule: list[str] = Field(min_length=1)
    channel: str = Field(min_length=1, max_length=300)
    clearance: str = "none"


class ExpertOut(Out):
    """An expert of the network, and how well they fit the need."""

    state: str
    id: str
    name: str
    expertise: list[str]
    languages: list[str]
    time_zone: str
    schedule: list[str]
    channel: str
    clearance: str
    available_now: bool
    exact_match: bool

    @classmethod
    def of(cls, f: Match) -> ExpertOut:
        """A match as the API shows it."""
        e = f.expert
        return cls(
            state=e.state,
            id=e.id,
            name=e.name,
            expertise=list(e.expertise),
            languages=list(e.languages),
            time_zone=e.time_zone,
            schedule=list(e.schedule),
            channel=e.channel,
            clearance=e.clearance,
            available_now=f.available,
            exact_match=f.exact,
        )


class ExpertAddedOut(Out):
    """The expert added or replaced."""

    state: str
    id: str


class SyncedOut(Out):
    """How many experts the network lists now."""

    experts: int


@router.get("/experts", response_model=Page[ExpertOut])
def find_experts(
    *,
    ctx: Ctx,
    who: User,
    at: Paging,
    expertise: Annotated[str | None, Query(max_length=100)] = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
    now: bool = False,
) -> Page[ExpertOut]:
    """Experts of the network for a need, best first (available now first)."""
    found = experts.find(
        ctx, who, expertise=expertise, language=language, available_only=now, limit=EVERY
    )
    return page([ExpertOut.of(f) for f in found], at)


@router.post("/experts", status_code=201, responses=problems("bad-request", "not-found"))
def add_expert(ctx: Ctx, body: ExpertIn, who: User) -> ExpertAddedOut:
    """Add or replace one of this node's experts."""
    expert = experts.add_expert(ctx, who, body.model_dump())
    return ExpertAddedOut(state=expert.state, id=expert.id)


@router.post("/experts/sync", responses=problems("unreachable", "not-found"))
def sync_experts(ctx: Ctx, who: User, links: Links) -> SyncedOut:
    """Publish our experts to the hub and take the network's."""
    return SyncedOut(experts=experts.sync(ctx, who, links))
