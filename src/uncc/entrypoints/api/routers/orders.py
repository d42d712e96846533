"""``/api/v1/orders``: orders drafted on a case, moved through their states, expired by the clock."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from uncc.domain.order_moves import Move
from uncc.domain.orders import Command, Order, OrderState, Target
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import In, Out, Stamp, iso, stamp
from uncc.entrypoints.api.paging import Page, Paging, page
from uncc.entrypoints.api.problem_types import problems
from uncc.services import orders
from uncc.services.orders import DraftRequest

router = APIRouter(prefix="/api/v1", tags=["orders"], responses=problems())
REFUSALS = problems("not-found", "conflict", "refused-by-convention", "bad-request")
"""What moving or drafting an order may answer besides the common problems."""


class TargetIn(In):
    """What an order is directed at."""

    id: str
    kind: str
    location: str | None = None


class OrderIn(In):
    """A draft order (Art. 42 fields required)."""

    power: str
    offences: list[str] = Field(min_length=1)
    targets: list[TargetIn] = Field(min_length=1)
    grounds: str = Field(min_length=1)
    scope: str = Field(min_length=1)
    necessity: str = Field(min_length=1)
    proportionality: str = Field(min_length=1)
    duration_days: int | None = Field(default=None, ge=1, le=orders.MAX_DURATION_DAYS)
    request: str | None = Field(default=None, min_length=1, max_length=36)
    """The request received from another State that the order answers (its id)."""


class NoteIn(In):
    """Reasons or remarks for a move."""

    note: str = ""


class TargetOut(Out):
    """What an order is directed at."""

    id: str
    kind: str
    location: str | None
    description: str


class MoveOut(Out):
    """One move in an order's history."""

    command: Command
    to: OrderState
    actor: str
    at: Stamp
    note: str


class BlockedMoveOut(Out):
    """A move out of the order's state the caller cannot make now, and why."""

    command: Command
    why_not: str
    provision: str | None


class OrderOut(Out):
    """An order with its history."""

    id: str
    case: str
    power: str
    state: OrderState
    offences: list[str]
    targets: list[TargetOut]
    requires_authorisation: bool
    confidential: str | None
    issued_at: Stamp | None
    expires_at: Stamp | None
    renewals: int
    request: str | None
    """The request received from another State that the order answers (null: none, or
    the caller may not read requests)."""
    history: list[MoveOut]
    allowed_moves: list[Command]
    """The moves the caller can make now (a refuse or revoke needs a ``note``: its reason)."""
    blocked_moves: list[BlockedMoveOut]
    """The other moves out of the order's state, each with why the caller cannot make it now."""

    @classmethod
    def of(cls, order: Order, moves: Sequence[Move]) -> OrderOut:
        """An order as the API shows it, with the caller's moves."""
        return cls(
            id=order.id,
            case=order.case_id,
            power=order.power,
            state=order.state,
            offences=list(order.offences),
            targets=[TargetOut(**t.__dict__) for t in order.targets],
            requires_authorisation=order.requires_authorisation,
            confidential=order.confidential,
            issued_at=stamp(order.issued_at),
            expires_at=stamp(order.expires_at),
            renewals=order.renewals,
            request=order.request_id,
            history=[
                MoveOut(
                    command=e.command,
                    to=e.to_state,
                    actor=e.actor,
                    at=iso(e.at),
                    note=e.note,
                )
                for e in order.history
            ],
            allowed_moves=[m.command for m in moves if m.possible],
            blocked_moves=[
                BlockedMoveOut(command=m.command, why_not=m.why_not, provision=m.provision or None)
                for m in moves
                if not m.possible
            ],
        )


def shown(ctx: Ctx, user: User, order: Order) -> OrderOut:
    """One order with the caller's moves."""
    return OrderOut.of(order, orders.moves_of(ctx, user, order))


class TickOut(Out):
    """Orders expired by a tick: those the caller may see by id, all counted."""

    expired: list[str]
    count: int


@router.post("/cases/{case_id}/orders", status_code=201, responses=REFUSALS)
def draft(ctx: Ctx, case_id: str, body: OrderIn, user: User) -> OrderOut:
    """Draft an order; refusals are 409 problems naming the provision."""
    request = DraftRequest(
        body.power,
        tuple(body.offences),
        tuple(Target(t.id, t.kind, t.location) for t in body.targets),
        body.grounds,
        body.scope,
        body.necessity,
        body.proportionality,
        body.duration_days,
        body.request,
    )
    return shown(ctx, user, orders.draft_order(ctx, user, case_id, request))


@router.get("/orders", response_model=Page[OrderOut])
def list_orders(
    *,
    ctx: Ctx,
    user: User,
    at: Paging,
    case: Annotated[str | None, Query(max_length=32)] = None,
    state: Annotated[OrderState | None, Query()] = None,
    power: Annotated[str | None, Query(max_length=100)] = None,
    request: Annotated[str | None, Query(max_length=36)] = None,
) -> Page[OrderOut]:
    """The orders the user may see, by id; filtered by case, state, power and request.

    ``request``: only the orders drafted for that received request (who may read requests).
    """
    found = [
        o
        for o in orders.list_orders(ctx, user, case, request)
        if (state is None or o.state == state) and (power is None or o.power == power)
    ]
    window = page(found, at)
    moves = orders.moves_of_each(ctx, user, window.items)
    return Page[OrderOut](
        items=[OrderOut.of(o, m) for o, m in zip(window.items, moves, strict=True)],
        total=window.total,
        next=window.next,
    )


@router.get("/orders/{order_id}", responses=problems("not-found"))
def get_order(ctx: Ctx, order_id: str, user: User) -> OrderOut:
    """One order with its history."""
    return shown(ctx, user, orders.get_order(ctx, user, order_id))


@router.post("/orders/{order_id}/{command}", responses=REFUSALS)
def command(
    ctx: Ctx, order_id: str, command: Command, user: User, body: NoteIn | None = None
) -> OrderOut:
    """Move an order: submit, authorise, refuse, issue, renew, execute, revoke."""
    moved = orders.order_command(ctx, user, order_id, command, body.note if body else "")
    return shown(ctx, user, moved)


@router.post("/tick")
def tick(ctx: Ctx, user: User) -> TickOut:
    """Expire overdue orders (admins); confidential ones are counted, not named."""
    expired = orders.tick(ctx, user)
    return TickOut(expired=[o.id for o in expired if orders.may_see(user, o)], count=len(expired))
