"""``/api/v1/jit/…``: joint investigation teams (CETS 224 Art. 12) and their signed team log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from uncc.domain.jit import SharedItem, TeamAgreement, TeamSignature
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx, Kick
from uncc.entrypoints.api.models import In, Out
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import jit
from uncc.services.jit_store import Entry, Team
from uncc.services.jit_verify import verify

router = APIRouter(prefix="/api/v1/jit", tags=["jit"], responses=problems())
CHANGES = problems("not-found", "conflict", "bad-request")
"""What a change may answer besides the common problems."""

STATE = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
USE = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class ProposeIn(In):
    """A team to propose: the other States, its purpose, period and the agreed uses."""

    name: str = Field(min_length=1, max_length=4000)
    purpose: str = Field(min_length=1, max_length=4000)
    members: list[STATE] = Field(min_length=1, max_length=19)
    """The other States (this State is a member as the proposer)."""
    uses: list[USE] = Field(min_length=1, max_length=20)
    ends: dt.date
    onward_transfer: bool = False
    case: str | None = Field(default=None, max_length=40)
    """This State's own case for the team (kept here)."""


class AcceptIn(In):
    """This State signs the agreement; optionally names its own case for the team."""

    case: str | None = Field(default=None, max_length=40)


class EntryIn(In):
    """An entry of the team log: a decision, an item given (with its uses) or a use made."""

    kind: Literal["decision", "item", "use"]
    text: str = Field(min_length=1, max_length=4000)
    item: SharedItem | None = None
    refers_to: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    use: USE | None = None
    to_state: STATE | None = None
    """For a use that passes the item on: to which State (outside the team only if agreed)."""


class TeamOut(Out):
    """A team as this node holds it."""

    id: str
    agreement: TeamAgreement
    status: str
    signed_by: list[str]
    case_id: str | None


class EntryOut(Out):
    """One signed entry of the team log."""

    digest: str
    entry: dict[str, object]
    signature: TeamSignature


class LogOut(Out):
    """A team and its log."""

    team: TeamOut
    entries: list[EntryOut]


class VerificationOut(Out):
    """What re-checking the team as held found."""

    team: str
    ok: bool
    agreed: bool
    signatures: int
    entries: int
    problems: list[str]
    waiting: int


def _team(team: Team) -> TeamOut:
    return TeamOut(
        id=team.id,
        agreement=team.agreement,
        status=team.status,
        signed_by=list(team.signed_by),
        case_id=team.case_id,
    )


def _entry(entry: Entry) -> EntryOut:
    return EntryOut(
        digest=entry.digest, entry=entry.entry.model_dump(mode="json"), signature=entry.signature
    )


@router.get("", response_model=Page[TeamOut])
def teams(ctx: Ctx, who: User, at: Paging) -> Page[TeamOut]:
    """The teams this State proposed or was invited to."""
    return page([_team(t) for t in jit.list_teams(ctx, who)], at)


@router.post("", status_code=201, responses=CHANGES)
def propose(ctx: Ctx, body: ProposeIn, who: User, kick: Kick) -> TeamOut:
    """Propose a team; the agreement, signed by this State, goes to each other member."""
    team = jit.propose(
        ctx,
        who,
        name=body.name,
        purpose=body.purpose,
        members=body.members,
        uses=body.uses,
        ends=body.ends,
        onward_transfer=body.onward_transfer,
        case_id=body.case,
    )
    kick()
    return _team(team)


@router.get("/{team_id}", responses=CHANGES)
def team(ctx: Ctx, team_id: str, who: User) -> TeamOut:
    """One team: its agreement, who signed, this State's own case."""
    return _team(jit.get_team(ctx, who, team_id))


@router.post("/{team_id}/accept", responses=CHANGES)
def accept(*, ctx: Ctx, team_id: str, body: AcceptIn, who: User, kick: Kick) -> TeamOut:
    """Sign the team's agreement; every member is told."""
    accepted = jit.accept(ctx, who, team_id, body.case)
    kick()
    return _team(accepted)


@router.get("/{team_id}/log", responses=CHANGES)
def log(ctx: Ctx, team_id: str, who: User) -> LogOut:
    """The team log as held here, each entry with its author's signature."""
    held, entries = jit.team_log(ctx, who, team_id)
    return LogOut(team=_team(held), entries=[_entry(e) for e in entries])


@router.post("/{team_id}/log", status_code=201, responses=CHANGES)
def add(*, ctx: Ctx, team_id: str, body: EntryIn, who: User, kick: Kick) -> EntryOut:
    """Write a signed entry to the team log; every other member gets it."""
    entry = jit.add_entry(
        ctx,
        who,
        team_id,
        kind=body.kind,
        text=body.text,
        item=body.item,
        refers_to=body.refers_to,
        use=body.use,
        to_state=body.to_state,
    )
    kick()
    return _entry(entry)


@router.get("/{team_id}/verify", responses=CHANGES)
def check(ctx: Ctx, team_id: str, who: User) -> VerificationOut:
    """Re-check every signature, each author's chain and the use limits."""
    found = verify(ctx, who, team_id)
    return VerificationOut(
        team=found.team,
        ok=found.ok,
        agreed=found.agreed,
        signatures=found.signatures,
        entries=found.entries,
        problems=list(found.problems),
        waiting=found.waiting,
    )
