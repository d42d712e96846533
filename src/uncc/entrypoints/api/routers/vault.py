"""``/api/v1/evidence/verify``, ``/head`` and ``/network/witness``: the vault's proofs.

Whole-vault verification, the custody log's signed head to keep outside the node, and
the witnesses that cosign it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx, Links
from uncc.entrypoints.api.models import In, Out, Stamp, stamp
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import custody_log, vault
from uncc.services.network import witness_compare, witnessing
from uncc.services.vault import VaultReport

router = APIRouter(prefix="/api/v1", tags=["evidence"], responses=problems())


class SinceIn(In):
    """A head kept outside the node (``uncc evidence head``), to check today's log against."""

    head: str = Field(min_length=1, max_length=4096)
    case: str | None = None
    full: bool = False
    """Replay every custody event from the log's start, not from the signed state snapshot."""


class BreakOut(Out):
    """Something wrong in the vault: where, what, of which kind, for which item."""

    where: str
    problem: str
    kind: str
    item: str


class VerifiedOut(Out):
    """The vault verified: every break as data."""

    ok: bool
    entries: int
    items: int
    breaks: list[BreakOut]
    witnesses: list[str]
    unreached: list[str]
    replayed_from: int
    """The events were replayed from the signed state snapshot at this entry (0: the start)."""

    @classmethod
    def of(cls, report: VaultReport) -> VerifiedOut:
        """A report as the API shows it."""
        return cls.model_validate(report.as_json())


class HeadOut(Out):
    """The custody log's signed tree head: a C2SP checkpoint note, with its size and root."""

    note: str
    origin: str
    size: int
    root: str


class WitnessOut(Out):
    """A witness of this node's log: the newest head it cosigned, the last failure."""

    state: str
    size: int | None
    cosigned_at: Stamp | None
    attempts: int
    last_error: str | None


class PublishedOut(Out):
    """What sending the head to the witnesses gave."""

    size: int
    cosigned: list[str]
    refused: dict[str, str]
    unreached: dict[str, str]


class ForkOut(Out):
    """Two heads of one member's log that cannot both be true."""

    state: str
    kind: str
    held: str
    offered: str
    reason: str


class ForksOut(Out):
    """Every fork found."""

    forks: list[ForkOut]


@router.get("/evidence/verify", responses=problems("not-found"))
def verify(
    ctx: Ctx,
    user: User,
    links: Links,
    *,
    case: Annotated[str | None, Query()] = None,
    witnesses: Annotated[bool, Query()] = True,
    full: Annotated[bool, Query()] = False,
) -> VerifiedOut:
    """Verify the whole vault, and the witnesses' heads (in a network); every break as data.

    ``full`` replays every custody event from the log's start, not from the signed state
    snapshot.
    """
    transport = links if witnesses else None
    return VerifiedOut.of(vault.check(ctx, user, case, transport=transport, full=full))


@router.post("/evidence/verify", responses=problems("not-found", "bad-request"))
def verify_since(ctx: Ctx, body: SinceIn, user: User, links: Links) -> VerifiedOut:
    """Verify the whole vault and that today's log extends a head exported earlier."""
    return VerifiedOut.of(
        vault.check(ctx, user, body.case, since=body.head, transport=links, full=body.full)
    )


@router.get("/evidence/head")
def head(ctx: Ctx, user: User) -> HeadOut:
    """The custody log's signed tree head: a C2SP checkpoint note, with its size and root."""
    return HeadOut.model_validate(custody_log.export_head(ctx, user))


@router.get("/network/witness", response_model=Page[WitnessOut])
def witnesses(ctx: Ctx, user: User, at: Paging) -> Page[WitnessOut]:
    """The witnesses of this node's log: the newest head each cosigned, the last failure."""
    found = [
        WitnessOut(**w.__dict__ | {"cosigned_at": stamp(w.cosigned_at)})
        for w in witnessing.statuses(ctx, user)
    ]
    return page(found, at)


@router.post("/network/witness/publish", responses=problems("not-found", "unreachable"))
def publish(ctx: Ctx, user: User, links: Links) -> PublishedOut:
    """Send the newest signed head to the witnesses now; what each answered."""
    return PublishedOut.model_validate(witnessing.publish_as(ctx, user, links).__dict__)


@router.post("/network/witness/compare", responses=problems("not-found", "unreachable"))
def compare(ctx: Ctx, user: User, links: Links) -> ForksOut:
    """Compare the heads this node cosigned with the other witnesses'; every fork."""
    found = witness_compare.compare_as(ctx, user, links)
    return ForksOut(forks=[ForkOut(**c.__dict__) for c in found])
