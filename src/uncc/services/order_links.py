"""Orders and the requests they answer, both ways, as each reader may see them.

The rule is :mod:`uncc.domain.order_links`; this module reads the rows. From an order:
the request it answers (only for readers who may see requests). From a request: our
orders drafted for it (a confidential order only with need to know).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.order_links import Received, link_refusal, may_see_requests
from uncc.domain.orders import Order
from uncc.domain.policy import Action, allowed
from uncc.errors import UserInputError
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.need_to_know import hidden_orders


@dataclass(frozen=True)
class Answered:
    """The request an order answers, in words for its pages and its printed form."""

    id: str
    peer: str
    reference: str


def received(conn: Connection, request_id: str) -> Received | None:
    """The request ``request_id`` as this node knows it (None: unknown)."""
    table = schema.conversations
    row = conn.execute(
        select(table.c.id, table.c.direction, table.c.peer, table.c.case_id).where(
            table.c.id == request_id
        )
    ).first()
    return None if row is None else Received(row.id, row.direction, row.peer, row.case_id)


def check_link(conn: Connection, who: Principal, request_id: str, case_id: str) -> None:
    """Refuse to link ``who``'s order of ``case_id`` to a request it cannot answer.

    A user who may not see requests is told, as for an unknown one, that there is none.

    Raises:
        UserInputError: unknown (or not visible), sent by us, or taken up in another case.
    """
    found = received(conn, request_id) if may_see_requests(who.roles) else None
    refusal = link_refusal(request_id, found, case_id)
    if refusal is not None:
        raise UserInputError(refusal)


def as_seen(who: Principal, order: Order) -> Order:
    """The order as ``who`` may see it: the request it answers only for who may see requests."""
    if order.request_id is None or may_see_requests(who.roles):
        return order
    return replace(order, request_id=None)


def answered_request(ctx: NodeContext, who: Principal, order: Order) -> Answered | None:
    """The request the order answers, in words, if ``who`` may see it (``as_seen``).

    Its reference and sender are a read of the request: audited as ``network.read``
    (with the order it was read through), as the request page is.
    """
    order = as_seen(who, order)
    if order.request_id is None:
        return None
    with ctx.engine.connect() as conn:
        found = answered(conn, order)
    if found is not None:
        audit_now(ctx, who.user, "network.read", obj=found.id, outcome="ok", order=order.id)
    return found


def answered(conn: Connection, order: Order) -> Answered | None:
    """``answered_request`` inside the caller's transaction."""
    if order.request_id is None:
        return None
    table = schema.conversations
    row = conn.execute(
        select(table.c.id, table.c.peer, table.c.reference).where(table.c.id == order.request_id)
    ).first()
    return None if row is None else Answered(row.id, row.peer, _one_line(row.reference))


def _one_line(text: str) -> str:
    """Words another State wrote, as one line.

    No line break or control character of theirs may print as a field of our own order.
    """
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def drafted_for(
    conn: Connection, who: Principal, request_ids: Collection[str]
) -> dict[str, tuple[str, ...]]:
    """Our orders drafted for each request, by id: those ``who`` may read and see."""
    if not request_ids or not any(allowed(r, Action.ORDER_READ) for r in who.roles):
        return {}
    rows = conn.execute(
        select(schema.orders.c.id, schema.orders.c.request_id)
        .where(schema.orders.c.request_id.in_(list(request_ids)))
        .order_by(schema.orders.c.id)
    ).all()
    if not rows:
        return {}
    hidden = hidden_orders(conn, who)
    found: dict[str, list[str]] = {}
    for row in rows:
        if row.id not in hidden:
            found.setdefault(row.request_id, []).append(row.id)
    return {k: tuple(v) for k, v in found.items()}
