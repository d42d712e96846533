"""Orders listed with filters (case, state, power, request) and a page at a time, need to know applied.

Only the columns a list shows are read. A confidential order the reader has no need to
know is neither listed nor counted. Listing orders is audited (``order.list``, with the
filters and the count), as reading orders is everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from uncc.adapters.db import schema
from uncc.domain.order_links import may_see_requests
from uncc.domain.orders import OrderState
from uncc.domain.policy import Action, require
from uncc.errors import UserInputError
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.need_to_know import may_see_order


@dataclass(frozen=True)
class OrderLine:
    """An order as a list shows it."""

    id: str
    case_id: str
    power: str
    state: str
    created_by: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    request_id: str | None = None
    """The received request the order answers (only for readers who may see requests)."""


@dataclass(frozen=True)
class OrderPage:
    """One page of orders, newest first, and how many match in all."""

    orders: list[OrderLine]
    total: int


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)


def search(
    ctx: NodeContext,
    who: Principal,
    *,
    case: str = "",
    state: str = "",
    power: str = "",
    request: str = "",
    offset: int = 0,
    limit: int = 50,
) -> OrderPage:
    """The orders matching every filter given that the user may see.

    ``request``: those drafted for that received request (for readers of requests).

    Raises:
        UserInputError: an unknown state (the field is named).
        PermissionDeniedError: a ``request`` filter from a reader who may not read requests.
    """
    require(who.roles, Action.ORDER_READ)
    if request:
        require(who.roles, Action.NETWORK_READ)
    links = may_see_requests(who.roles)
    states = [s.value for s in OrderState]
    if state and state not in states:
        raise UserInputError(f"state: {state!r}; use one of {', '.join(states)}")
    c = schema.orders.c
    query = select(
        c.id,
        c.case_id,
        c.power,
        c.state,
        c.created_by,
        c.created_at,
        c.expires_at,
        c.confidential,
        c.request_id,
    ).order_by(c.id.desc())
    filters = ((c.case_id, case), (c.state, state), (c.power, power), (c.request_id, request))
    for column, value in filters:
        if value:
            query = query.where(column == value)
    with ctx.engine.connect() as conn:
        rows = [
            r
            for r in conn.execute(query)
            if may_see_order(who, confidential=r.confidential, created_by=r.created_by)
        ]
    shown = rows[offset : offset + limit]
    typed = (("case", case), ("state", state), ("power", power), ("request", request))
    criteria = {k: v for k, v in typed if v}
    audit_now(ctx, who.user, "order.list", obj=case, outcome="ok", count=len(shown), **criteria)
    return OrderPage(
        [
            OrderLine(
                r.id,
                r.case_id,
                r.power,
                r.state,
                r.created_by,
                _aware(r.created_at) or r.created_at,
                _aware(r.expires_at),
                r.request_id if links else None,
            )
            for r in shown
        ],
        len(rows),
    )
