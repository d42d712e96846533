"""Orders in the database: rows to orders and back, loading with history, storing moves.

The commands and their checks are in :mod:`uncc.services.orders`; this module only
reads and writes rows (inside the caller's transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, insert, select, update

from uncc.adapters.db import schema
from uncc.domain.orders import Command, Event, Order, OrderState, Target
from uncc.errors import ConflictError, NotFoundError
from uncc.services.context import stored_id


def row_to_order(row: Any, events: list[Any]) -> Order:
    """An order from its row and the rows of its events."""

    def aware(value: dt.datetime | None) -> dt.datetime | None:
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)

    return Order(
        id=row["id"],
        case_id=row["case_id"],
        power=row["power"],
        state=OrderState(row["state"]),
        offences=tuple(row["offences"]),
        targets=tuple(Target(**t) for t in row["targets"]),
        grounds=row["grounds"],
        scope=row["scope"],
        necessity=row["necessity"],
        proportionality=row["proportionality"],
        duration_days=row["duration_days"],
        created_by=row["created_by"],
        created_at=aware(row["created_at"]) or dt.datetime.now(dt.UTC),
        confidential=row["confidential"],
        requires_authorisation=row["requires_authorisation"],
        issued_at=aware(row["issued_at"]),
        expires_at=aware(row["expires_at"]),
        renewals=row["renewals"],
        authorised_by=row["authorised_by"],
        request_id=row["request_id"],
        history=tuple(
            Event(
                Command(e["command"]),
                OrderState(e["from_state"]),
                OrderState(e["to_state"]),
                e["actor"],
                aware(e["at"]) or dt.datetime.now(dt.UTC),
                e["note"],
            )
            for e in events
        ),
    )


def order_values(order: Order) -> dict[str, Any]:
    """The row of a newly drafted order."""
    return {
        "id": order.id,
        "case_id": order.case_id,
        "power": order.power,
        "state": order.state.value,
        "offences": list(order.offences),
        "targets": [t.__dict__ for t in order.targets],
        "grounds": order.grounds,
        "scope": order.scope,
        "necessity": order.necessity,
        "proportionality": order.proportionality,
        "duration_days": order.duration_days,
        "confidential": order.confidential,
        "requires_authorisation": order.requires_authorisation,
        "created_by": order.created_by,
        "created_at": order.created_at,
        "renewals": order.renewals,
        "request_id": order.request_id,
    }


def load_order(conn: Connection, order_id: str, *, lock: bool = False) -> Order:
    """An order with its history; with ``lock``, its row stays locked until the commit."""
    query = select(schema.orders).where(stored_id(conn, schema.orders.c.id, order_id))
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFoundError(f"no order {order_id}")
    events = (
        conn.execute(
            select(schema.order_events)
            .where(schema.order_events.c.order_id == row["id"])
            .order_by(schema.order_events.c.id)
        )
        .mappings()
        .all()
    )
    return row_to_order(row, list(events))


def save_move(conn: Connection, before: Order, after: Order) -> None:
    """Store a move, compare-and-set: only onto the row the move was decided on.

    Raises:
        ConflictError: the order left that state meanwhile (nothing is stored).
    """
    event = after.history[-1]
    changed = conn.execute(
        update(schema.orders)
        .where(
            schema.orders.c.id == after.id,
            schema.orders.c.state == before.state.value,
            schema.orders.c.renewals == before.renewals,
        )
        .values(
            state=after.state.value,
            issued_at=after.issued_at,
            expires_at=after.expires_at,
            renewals=after.renewals,
            authorised_by=after.authorised_by,
        )
    ).rowcount
    if changed != 1:
        raise ConflictError(f"order {after.id} changed meanwhile ({before.state.value}): try again")
    conn.execute(
        insert(schema.order_events).values(
            order_id=after.id,
            command=event.command.value,
            from_state=event.from_state.value,
            to_state=event.to_state.value,
            actor=event.actor,
            at=event.at,
            note=event.note,
        )
    )
