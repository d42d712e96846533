"""``/api/v1/network/…``: deconfliction, by keyed tags of selectors (never the selectors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx, Kick, Links
from uncc.entrypoints.api.models import In, Out, Stamp, iso
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services.network import deconfliction, deconfliction_keys

router = APIRouter(prefix="/api/v1/network", tags=["deconfliction"], responses=problems())


class SelectorIn(In):
    """A selector of a case, for deconfliction."""

    kind: str
    value: str = Field(min_length=1, max_length=300)


class SelectorOut(Out):
    """A selector as recorded (normalised)."""

    kind: str
    value: str


class NewHitOut(Out):
    """A case of ours whose selector another State also holds."""

    case_id: str
    state: str
    kind: str
    conversation: str


class CheckOut(Out):
    """New hits, and members whose filter could not be used."""

    hits: list[NewHitOut]
    notes: list[str]


class HitOut(Out):
    """A hit recorded here."""

    id: int
    case_id: str
    state: str
    kind: str
    tag: str
    conversation: str
    at: Stamp


class EpochOut(Out):
    """The new deconfliction epoch."""

    epoch: int


@router.post(
    "/cases/{case_id}/selectors", status_code=201, responses=problems("not-found", "bad-request")
)
def add_selector(ctx: Ctx, case_id: str, body: SelectorIn, who: User) -> SelectorOut:
    """A selector of a case (normalised); only its keyed tag ever leaves the node."""
    value = deconfliction.add_selector(ctx, who, case_id, body.kind, body.value)
    return SelectorOut(kind=body.kind, value=value)


@router.post("/deconfliction/check", responses=problems("unreachable", "not-found"))
def check(ctx: Ctx, who: User, links: Links, kick: Kick) -> CheckOut:
    """Test our selectors against every member's filter; notify new hits."""
    found, notes = deconfliction.check(ctx, who, links)
    kick()
    return CheckOut(hits=[NewHitOut(**h.__dict__) for h in found], notes=notes)


@router.get("/deconfliction/hits", response_model=Page[HitOut])
def hits(
    ctx: Ctx, who: User, at: Paging, case: Annotated[str | None, Query(max_length=32)] = None
) -> Page[HitOut]:
    """Hits recorded here (of one case with ``case``)."""
    found = [
        HitOut.model_validate(
            {**h, "at": iso(h["at"]) if isinstance(h["at"], dt.datetime) else h["at"]}
        )
        for h in deconfliction.hits_of(ctx, who, case)
    ]
    return page(found, at)


@router.post("/deconfliction/key", responses=problems("conflict", "not-found"))
def rotate(ctx: Ctx, who: User, kick: Kick) -> EpochOut:
    """At the hub: a new deconfliction epoch and key, sent to every member."""
    epoch = deconfliction_keys.rotate_key(ctx, who)
    kick()
    return EpochOut(epoch=epoch)
