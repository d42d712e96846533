"""The proceeds register (Art. 50).

Property items traced to an offence, and the orders that freeze, seize or confiscate them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, insert, select, update

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.domain.tracing import Model, Transfer, trace
from uncc.errors import UserInputError
from uncc.services.context import NodeContext, Principal, audit, case_rows, next_id, require_case

STATUS_AFTER_ISSUE = {"freezing": "frozen", "confiscation": "confiscated"}


@dataclass(frozen=True)
class PropertyItem:
    """Proceeds in one account, as assessed by a tracing model."""

    id: str
    case_id: str
    account: str
    location: str | None
    assessed: Decimal
    model: str
    basis: str
    status: str


def register_traced(
    ctx: NodeContext,
    who: Principal,
    case_id: str,
    *,
    transfers: Iterable[Transfer],
    model: Model,
    basis: str,
    locations: Mapping[str, str],
) -> tuple[list[PropertyItem], list[str]]:
    """Trace the ledger and register every account holding proceeds as a property item.

    The assessed value is what the model finds confiscable there (never more than the
    proceeds in it, Art. 50(5)). Poison, an upper bound only, cannot be used to assess.
    """
    require(who.roles, Action.CASE_UPDATE)
    if model.upper_bound_only:
        raise UserInputError(
            "--model poison gives an upper bound only; assess with fifo, lifo, haircut or tiho"
        )
    result = trace(transfers, model)
    items: list[PropertyItem] = []
    with ctx.engine.begin() as conn:
        require_case(conn, case_id)
        now = ctx.clock()
        for holding in result.holdings.values():
            if holding.confiscable <= 0:
                continue
            item = PropertyItem(
                next_id(conn, "PR", now),
                case_id,
                holding.account,
                locations.get(holding.account),
                holding.confiscable,
                model.value,
                basis,
                "traced",
            )
            conn.execute(
                insert(schema.property_items).values(
                    id=item.id,
                    case_id=case_id,
                    account=item.account,
                    location=item.location,
                    assessed=str(item.assessed),
                    model=item.model,
                    basis=basis,
                    status=item.status,
                    created_by=who.user,
                    created_at=now,
                )
            )
            items.append(item)
        audit(
            conn,
            now,
            who.user,
            "proceeds.register",
            obj=case_id,
            outcome="ok",
            model=model.value,
            items=[i.id for i in items],
        )
    return items, result.problems


def list_property(ctx: NodeContext, who: Principal, case_id: str) -> list[PropertyItem]:
    """The property items of a case."""
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        rows = case_rows(conn, schema.property_items, case_id)
    return [
        PropertyItem(
            r["id"],
            r["case_id"],
            r["account"],
            r["location"],
            Decimal(r["assessed"]),
            r["model"],
            r["basis"],
            r["status"],
        )
        for r in rows
    ]


def items_of(conn: Connection, case_id: str) -> dict[str, str | None]:
    """Property item id → location, for the case (used by the order rules)."""
    rows = conn.execute(
        select(schema.property_items.c.id, schema.property_items.c.location).where(
            schema.property_items.c.case_id == case_id
        )
    ).all()
    return {r.id: r.location for r in rows}


def apply_issued_order(
    conn: Connection, power: str, case_id: str, targets: Iterable[str]
) -> list[str]:
    """Mark the items an issued freezing, seizure or confiscation order acts on."""
    status = STATUS_AFTER_ISSUE.get(power)
    if status is None:
        return []
    ids = list(targets)
    conn.execute(
        update(schema.property_items)
        .where(schema.property_items.c.case_id == case_id, schema.property_items.c.id.in_(ids))
        .values(status=status)
    )
    return ids
