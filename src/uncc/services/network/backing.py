"""Answers backed by what happened: a reported measure names our order that took it.

The requesting State acts on an execution result (it stops worrying that the data will
be lost), so the requested node sends one only when it has an order for the measure,
under its own law, that was issued or executed — and the result carries that order's
reference. A refusal carries a reason code from ``RefusalReason``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.conversations import BACKED, BACKING_STATES, MEASURES
from uncc.errors import ConflictError, NotFoundError, UserInputError


def check_backed(conn: Connection, row: Any, kind: str, body: dict[str, Any]) -> None:
    """Refuse an execution result or traffic disclosure no issued or executed order backs.

    Raises:
        UserInputError: the result names no order.
        NotFoundError: no such order here.
        ConflictError: the order is of another case, another measure, or not issued.
    """
    if kind not in BACKED:
        return
    what = kind.replace("_", " ")
    order_id = body.get("order")
    if not isinstance(order_id, str) or not order_id:
        raise UserInputError(
            f"order: a {what} names the order that executed the request under our law"
        )
    order = conn.execute(
        select(schema.orders.c.case_id, schema.orders.c.power, schema.orders.c.state).where(
            schema.orders.c.id == order_id
        )
    ).first()
    if order is None:
        raise NotFoundError(f"order: no order {order_id} here")
    if row["case_id"] is None or order.case_id != row["case_id"]:
        raise ConflictError(
            f"order {order_id} is of case {order.case_id}, not of this request's case "
            f"({row['case_id'] or 'none'})"
        )
    powers = MEASURES.get(row["kind"], frozenset())
    if order.power not in powers:
        raise ConflictError(
            f"a {order.power.replace('_', ' ')} order does not execute a "
            f"{row['kind'].replace('_', ' ')} (expected: {', '.join(sorted(powers)) or 'none'})"
        )
    if order.state not in BACKING_STATES:
        raise ConflictError(
            f"order {order_id} is {order.state}: only an issued or executed order backs a {what}"
        )
