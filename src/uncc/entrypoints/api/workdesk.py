"""The endpoints the remote command line needs beyond the first API.

Evidence lists, sealing and release, notices, the caller's own session (who am I,
log out), protected persons added and disclosed: with them every command an
investigator, prosecutor, judge or auditor runs on the server also works from a
workstation (``uncc --node URL``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, ConfigDict, Field

from uncc.domain.evidence import EvidenceItem
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.problem_types import problems
from uncc.services import evidence, identity, orders, protection


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MeOut(_Out):
    """Who a bearer token stands for."""

    user: str
    roles: list[str]
    needs_second_factor: bool


class LoggedOut(_Out):
    """The session that ended."""

    user: str


class NoticeOut(_Out):
    """A notice addressed to the caller."""

    at: str
    text: str


class IdentityOut(_Out):
    """A protected person's identity, disclosed for a stated reason."""

    name: str
    whereabouts: str = ""


class ItemOut(_Out):
    """An evidence item in a list."""

    id: str
    case: str
    filename: str
    size: int
    sha256: str
    sealed: bool


class PersonOut(_Out):
    """A protected person by pseudonym (the identity stays sealed)."""

    id: str
    pseudonym: str
    kind: str
    provision: str
    views: str
    claims: list[dict[str, Any]]
    measures: str


class SealIn(_In):
    """Why an item is sealed or released (kept in its custody event)."""

    note: str = Field(default="", max_length=2000)


class ProtectedIn(_In):
    """A protected person to record: the identity is encrypted at rest."""

    kind: Literal["witness", "victim", "cooperating_offender"]
    name: str = Field(min_length=1, max_length=500)
    whereabouts: str = Field(default="", max_length=2000)
    views: str = Field(default="", max_length=20_000)
    claims: list[str] = Field(default_factory=list, max_length=100)
    measures: str = Field(default="", max_length=20_000)


class DiscloseIn(_In):
    """The reason for a disclosure (audited)."""

    reason: str = Field(default="", max_length=2000)
    """Required: a disclosure without one is refused, and the attempt audited."""


def _item(item: EvidenceItem) -> ItemOut:
    return ItemOut(
        id=item.id,
        case=item.case_id,
        filename=item.filename,
        size=item.size,
        sha256=item.sha256,
        sealed=item.sealed,
    )


def _person(p: protection.ProtectedPerson) -> PersonOut:
    return PersonOut(
        id=p.id,
        pseudonym=p.pseudonym,
        kind=p.kind.value,
        provision=p.provision,
        views=p.views,
        claims=p.claims,
        measures=p.measures,
    )


router = APIRouter(prefix="/api/v1", responses=problems("not-found", "conflict", "bad-request"))
"""The endpoints; ``asgi.create_app`` includes them."""


@router.get("/me", tags=["accounts"])
def me(user: User) -> MeOut:
    """Who the bearer token stands for, and whether a second factor is still owed."""
    return MeOut(
        user=user.user,
        roles=sorted(r.value for r in user.roles),
        needs_second_factor=user.needs_second_factor,
    )


@router.post("/logout", tags=["accounts"])
def logout(ctx: Ctx, user: User, authorization: Annotated[str, Header()]) -> LoggedOut:
    """End this session: the bearer token no longer authenticates anyone."""
    identity.revoke(ctx, authorization.split(" ", 1)[1].strip())
    return LoggedOut(user=user.user)


@router.get("/notices", tags=["orders"])
def notices(ctx: Ctx, user: User) -> list[NoticeOut]:
    """The notices addressed to the caller (orders that expired …), oldest first."""
    return [NoticeOut(at=at.isoformat(), text=text) for at, text in orders.notices(ctx, user)]


@router.get("/evidence", tags=["evidence"])
def evidence_items(
    ctx: Ctx, user: User, case: Annotated[str | None, Query()] = None
) -> list[ItemOut]:
    """Evidence items (of a case), by id."""
    return [_item(i) for i in evidence.list_evidence(ctx, user, case)]


@router.post("/evidence/{item_id}/seal", tags=["evidence"])
def seal(item_id: str, ctx: Ctx, user: User, body: SealIn | None = None) -> ItemOut:
    """Seal an item: render it inaccessible (Art. 46(3)(d)); a custody event."""
    note = body.note if body else ""
    return _item(evidence.set_sealed(ctx, user, item_id, sealed=True, note=note))


@router.post("/evidence/{item_id}/release", tags=["evidence"])
def release(item_id: str, ctx: Ctx, user: User, body: SealIn | None = None) -> ItemOut:
    """Release a sealed item; a custody event."""
    note = body.note if body else ""
    return _item(evidence.set_sealed(ctx, user, item_id, sealed=False, note=note))


@router.post("/cases/{case_id}/protected", status_code=201, tags=["cases"])
def add_protected(case_id: str, body: ProtectedIn, ctx: Ctx, user: User) -> PersonOut:
    """Record a protected person (Arts. 52-55); others see only a pseudonym."""
    person = protection.add_protected(
        ctx,
        user,
        case_id,
        kind=protection.ProtectedKind(body.kind),
        identity={"name": body.name, "whereabouts": body.whereabouts},
        views=body.views,
        claims=[{"claim": c} for c in body.claims],
        measures=body.measures,
    )
    return _person(person)


@router.post("/protected/{person_id}/disclose", tags=["cases"])
def disclose(person_id: str, body: DiscloseIn, ctx: Ctx, user: User) -> IdentityOut:
    """The identity of a protected person, for a stated reason (audited)."""
    return IdentityOut(**protection.disclose(ctx, user, person_id, body.reason))
