"""``/api/v1/cases/{case_id}/property``: proceeds of crime traced and registered (Art. 50)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from uncc.domain.tracing import Model, Transfer
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import In, Out
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import proceeds
from uncc.services.proceeds import Derivation, PropertyItem

router = APIRouter(
    prefix="/api/v1/cases/{case_id}/property",
    tags=["proceeds"],
    responses=problems("not-found"),
)

Country = Annotated[str, Field(pattern="^[A-Z]{2}$")]


class TransferIn(In):
    """One movement of value in a ledger (``source`` absent: it enters; ``target``: it leaves)."""

    id: str = Field(min_length=1)
    source: str | None = None
    target: str | None = None
    amount: Decimal = Field(gt=0)
    tainted: bool = False


class TracedIn(In):
    """A ledger to trace and the offence its proceeds come from."""

    basis: str = Field(min_length=1)
    model: Model = Model.FIFO
    transfers: list[TransferIn] = Field(min_length=1)
    locations: dict[str, Country] = Field(default_factory=dict)
    currency: Annotated[str, Field(pattern="^([A-Z]{3,5})?$")] = ""
    """The currency of the amounts (ISO 4217 or a virtual currency's ticker)."""


class DerivedIn(In):
    """Property converted from an item (Art. 50(4)) or income derived from it (Art. 50(6))."""

    kind: Literal["converted", "income"]
    description: str = Field(min_length=1, max_length=200)
    value: Decimal = Field(gt=0)
    location: Country | None = None


class PropertyOut(Out):
    """A property item of a case and what orders did to it (amounts as decimal strings)."""

    id: str
    account: str
    location: str | None
    assessed: str
    held: str | None
    kind: str
    derived_from: str | None
    model: str
    basis: str
    status: str

    @classmethod
    def of(cls, item: PropertyItem) -> PropertyOut:
        """An item as the API shows it."""
        return cls(
            id=item.id,
            account=item.account,
            location=item.location,
            assessed=str(item.assessed),
            held=None if item.held is None else str(item.held),
            kind=item.kind,
            derived_from=item.derived_from,
            model=item.model,
            basis=item.basis,
            status=item.status,
        )


class TracedOut(Out):
    """The items registered from a ledger, and the tracer's notes."""

    items: list[PropertyOut]
    notes: list[str]


@router.get("", response_model=Page[PropertyOut])
def property_items(ctx: Ctx, case_id: str, user: User, at: Paging) -> Page[PropertyOut]:
    """The case's property items (Art. 50) and what orders did to them."""
    return page([PropertyOut.of(i) for i in proceeds.list_property(ctx, user, case_id)], at)


@router.post("", status_code=201, responses=problems("bad-request", "conflict"))
def register_traced(ctx: Ctx, case_id: str, body: TracedIn, user: User) -> TracedOut:
    """Trace a ledger and register every account holding proceeds as an item."""
    items, notes = proceeds.register_traced(
        ctx,
        user,
        case_id,
        transfers=(Transfer(t.id, t.source, t.target, t.amount, t.tainted) for t in body.transfers),
        model=body.model,
        basis=body.basis,
        locations=body.locations,
        currency=body.currency,
    )
    return TracedOut(items=[PropertyOut.of(i) for i in items], notes=notes)


@router.post("/{item_id}/derived", status_code=201, responses=problems("bad-request", "conflict"))
def register_derived(
    ctx: Ctx, case_id: str, item_id: str, body: DerivedIn, user: User
) -> PropertyOut:
    """Register property converted from an item (50(4)) or income derived from it (50(6))."""
    derivation = Derivation(body.kind, item_id, body.description, body.value, body.location)
    return PropertyOut.of(proceeds.register_derived(ctx, user, case_id, derivation))
