"""The proceeds register (Art. 50).

Property items traced to an offence, and the orders that freeze, seize or confiscate them.
An item holds proceeds in one of four ways:

- ``traced`` — the account holds proceeds and nothing else;
- ``intermingled`` — proceeds mixed with lawful funds: only the assessed value of the
  proceeds in it may be confiscated (Art. 50(5));
- ``converted`` — other property the proceeds were transformed into; it stands in for the
  item it was converted from (Art. 50(4));
- ``income`` — income or other benefits derived from proceeds, liable in the same way
  (Art. 50(6)).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, insert, select, update

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.domain.proceeds_flow import SHOWN, Flow, follow
from uncc.domain.tracing import Model, Transfer
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, case_rows, next_id, require_case

STATUS_AFTER_ISSUE = {"freezing": "frozen", "confiscation": "confiscated"}
CURRENCY = re.compile(r"[A-Z]{3,5}")
"""A currency code: ISO 4217 (EUR) or a virtual currency's ticker (BTC, USDT)."""
DERIVED_KINDS = {"converted": "art_50__para_4", "income": "art_50__para_6"}


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
    kind: str = "traced"
    derived_from: str | None = None
    held: Decimal | None = None
    """The account's balance, when more than the proceeds in it (intermingled)."""
    description: str | None = None


def _insert(conn: Connection, item: PropertyItem, who: str, now: object) -> None:
    conn.execute(
        insert(schema.property_items).values(
            id=item.id,
            case_id=item.case_id,
            account=item.account,
            location=item.location,
            assessed=str(item.assessed),
            model=item.model,
            basis=item.basis,
            status=item.status,
            kind=item.kind,
            derived_from=item.derived_from,
            held=None if item.held is None else str(item.held),
            description=item.description,
            created_by=who,
            created_at=now,
        )
    )


def register_traced(
    ctx: NodeContext,
    who: Principal,
    case_id: str,
    *,
    transfers: Iterable[Transfer],
    model: Model,
    basis: str,
    locations: Mapping[str, str],
    currency: str = "",
) -> tuple[list[PropertyItem], list[str]]:
    """Trace the ledger and register every account holding proceeds as a property item.

    The assessed value is what the model finds confiscable there (never more than the
    proceeds in it, Art. 50(5)). Poison, an upper bound only, cannot be used to assess.
    The ledger's flow under FIFO, haircut and poison (and the model used) is kept with
    the case for its picture (:func:`list_flows`), with the currency of the amounts.
    """
    require(who.roles, Action.CASE_UPDATE)
    if model.upper_bound_only:
        raise UserInputError(
            "--model poison gives an upper bound only; assess with fifo, lifo, haircut or tiho"
        )
    currency = currency.strip().upper()
    if currency and not CURRENCY.fullmatch(currency):
        raise UserInputError(
            f"currency: '{currency}' is not a currency code (3 to 5 letters, e.g. EUR, BTC)"
        )
    flow, results = follow(transfers, (model, *SHOWN), currency)
    result = results[model]
    items: list[PropertyItem] = []
    with ctx.engine.begin() as conn:
        require_case(conn, case_id)
        now = ctx.clock()
        for holding in result.holdings.values():
            if holding.confiscable <= 0:
                continue
            mixed = holding.balance > holding.confiscable
            item = PropertyItem(
                next_id(conn, "PR", now),
                case_id,
                holding.account,
                locations.get(holding.account),
                holding.confiscable,
                model.value,
                basis,
                "traced",
                kind="intermingled" if mixed else "traced",
                held=holding.balance if mixed else None,
            )
            _insert(conn, item, who.user, now)
            items.append(item)
        conn.execute(
            insert(schema.proceeds_flows).values(
                case_id=case_id,
                basis=basis,
                model=model.value,
                items=[i.id for i in items],
                flow=flow.as_json(),
                created_by=who.user,
                created_at=now,
            )
        )
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


@dataclass(frozen=True)
class Derivation:
    """Property that came from a registered item: converted into it, or income of it."""

    kind: str
    source: str
    description: str
    value: Decimal
    location: str | None


def register_derived(
    ctx: NodeContext, who: Principal, case_id: str, derivation: Derivation
) -> PropertyItem:
    """Register property converted from an item (50(4)) or income derived from it (50(6)).

    A conversion carries at most the proceeds of the item it came from, and that item is
    then marked ``converted``: the new property stands in for it. Income is liable in the
    same manner as the proceeds it came from and does not reduce them.
    """
    require(who.roles, Action.CASE_UPDATE)
    provision = DERIVED_KINDS.get(derivation.kind)
    if provision is None:
        raise UserInputError(
            f"kind '{derivation.kind}': expected one of {', '.join(sorted(DERIVED_KINDS))}"
        )
    if derivation.value <= 0:
        raise UserInputError(f"value {derivation.value}: expected an amount greater than 0")
    with ctx.engine.begin() as conn:
        require_case(conn, case_id)
        source = _row(conn, case_id, derivation.source)
        assessed = derivation.value
        if derivation.kind == "converted":
            if source.status == "converted":
                raise UserInputError(
                    f"{source.id} was already converted; register the new conversion from the property it became"
                )
            assessed = min(derivation.value, source.assessed)
            changed = conn.execute(
                update(schema.property_items)
                .where(
                    schema.property_items.c.id == source.id,
                    schema.property_items.c.status == source.status,
                )
                .values(status="converted")
            ).rowcount
            if changed != 1:  # converted (or frozen, seized…) by someone else meanwhile
                raise ConflictError(f"{source.id} changed meanwhile: try again")
        now = ctx.clock()
        item = PropertyItem(
            next_id(conn, "PR", now),
            case_id,
            derivation.description,
            derivation.location,
            assessed,
            source.model,
            source.basis,
            "traced",
            kind=derivation.kind,
            derived_from=source.id,
            held=derivation.value if assessed < derivation.value else None,
            description=derivation.description,
        )
        _insert(conn, item, who.user, now)
        audit(
            conn,
            now,
            who.user,
            "proceeds.derive",
            obj=case_id,
            outcome="ok",
            item=item.id,
            source=source.id,
            kind=derivation.kind,
            provision=provision,
        )
    return item


def _item(r: RowMapping) -> PropertyItem:
    held = r["held"]
    return PropertyItem(
        str(r["id"]),
        str(r["case_id"]),
        str(r["account"]),
        None if r["location"] is None else str(r["location"]),
        Decimal(str(r["assessed"])),
        str(r["model"]),
        str(r["basis"]),
        str(r["status"]),
        kind=str(r["kind"]),
        derived_from=None if r["derived_from"] is None else str(r["derived_from"]),
        held=None if held is None else Decimal(str(held)),
        description=None if r["description"] is None else str(r["description"]),
    )


def _row(conn: Connection, case_id: str, item_id: str) -> PropertyItem:
    row = (
        conn.execute(
            select(schema.property_items).where(
                schema.property_items.c.case_id == case_id,
                schema.property_items.c.id == item_id,
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"{item_id} is not a property item of case {case_id}")
    return _item(row)


def list_property(ctx: NodeContext, who: Principal, case_id: str) -> list[PropertyItem]:
    """The property items of a case."""
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        rows = case_rows(conn, schema.property_items, case_id)
    return [_item(r) for r in rows]


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


@dataclass(frozen=True)
class TracedLedger:
    """A ledger traced for a case: its flow, and the items registered from it."""

    basis: str
    model: str
    items: list[str]
    flow: Flow
    by: str
    at: dt.datetime


def list_flows(ctx: NodeContext, who: Principal, case_id: str) -> list[TracedLedger]:
    """The ledgers traced for a case, oldest first."""
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(schema.proceeds_flows)
            .where(schema.proceeds_flows.c.case_id == case_id)
            .order_by(schema.proceeds_flows.c.id)
        ).mappings()
        return [
            TracedLedger(
                r["basis"],
                r["model"],
                list(r["items"]),
                Flow.from_json(r["flow"]),
                r["created_by"],
                r["created_at"],
            )
            for r in rows
        ]
