"""Orders under the Convention's powers: draft, submit, authorise, issue, renew, expire.

Every move is checked against the role policy and the Convention's conditions, applied
with the power's transition table, stored with its event, and audited; refusals are
audited too, then raised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import Connection, insert, select

from uncc.adapters.db import schema
from uncc.convention.catalogue import load_convention
from uncc.domain.order_moves import COMMAND_ACTION, Move, check_reason, moves
from uncc.domain.order_rules import Basis, Law, check_draft, check_move, law_of, overdue
from uncc.domain.orders import TRANSITIONS, Command, Order, OrderState, Target, move
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, RuleViolation, UnccError, UserInputError
from uncc.parties.catalogue import builtin_profile
from uncc.parties.profile import Profile
from uncc.services import order_links
from uncc.services.cases import Case, get_case
from uncc.services.context import SYSTEM, NodeContext, Principal, audit, audit_now, next_id
from uncc.services.identity import NodeInfo, node_info
from uncc.services.need_to_know import hidden_orders, may_see_order
from uncc.services.order_store import load_order, order_values, save_move
from uncc.services.proceeds import STATUS_AFTER_ISSUE, apply_issued_order, items_of


@dataclass(frozen=True)
class DraftRequest:
    """What a user gives to draft an order."""

    power: str
    offences: tuple[str, ...]
    targets: tuple[Target, ...]
    grounds: str
    scope: str
    necessity: str
    proportionality: str
    duration_days: int | None = None
    request_id: str | None = None
    """The request received from another State that the order answers (checked when drafted)."""


def node_law(node: NodeInfo) -> Law:
    """The rules of every power at this node.

    From the Convention model and the node's profile (the baseline's limits where the
    Convention leaves them to the State and the profile is silent). Computed once per
    profile object (``node_info`` keeps one per profile text).
    """
    held = _LAWS.get(id(node.profile))
    if held is not None and held[0] is node.profile and held[1].state == node.state:
        return held[1]
    law = law_of(load_convention(), node.profile.for_state(node.state), builtin_profile("baseline"))
    _LAWS[id(node.profile)] = (node.profile, law)
    return law


_LAWS: dict[int, tuple[Profile, Law]] = {}
"""The law of each profile object seen (the profile is kept, so its id is not reused)."""


def may_see(who: Principal, order: Order) -> bool:
    """True when the user may see the order (need to know, services/need_to_know.py)."""
    return may_see_order(who, confidential=order.confidential, created_by=order.created_by)


MAX_DURATION_DAYS = 36_500
"""The longest duration a draft may state at all (a bound on the value, not a rule of the
Convention: those are checked after, with their provisions)."""


def check_request(request: DraftRequest) -> None:
    """Refuse values no order can have, before anything is stored.

    Raises:
        UserInputError: an unknown power (naming the powers there are), or a duration
            outside 1 to :data:`MAX_DURATION_DAYS` days.
    """
    if request.power not in TRANSITIONS:
        raise UserInputError(
            f"power: {request.power[:80]!r} is not a power; expected one of {', '.join(sorted(TRANSITIONS))}"
        )
    days = request.duration_days
    if days is not None and not 1 <= days <= MAX_DURATION_DAYS:
        raise UserInputError(
            f"duration_days: {days if days < 10**9 else 'a huge number'} is outside 1 to {MAX_DURATION_DAYS} days"
        )


def draft_order(ctx: NodeContext, who: Principal, case_id: str, request: DraftRequest) -> Order:
    """Draft an order in a case, checked against the Convention's conditions.

    Raises:
        RuleViolation: a condition refuses it (legal basis, Art. 42 fields, duration,
            territory, serious offences); the refusal is audited.
        UserInputError: an unknown power or an impossible duration.
    """
    require(who.roles, Action.ORDER_DRAFT)
    check_request(request)
    case: Case = get_case(ctx, who, case_id)
    with ctx.engine.begin() as conn:
        if request.request_id is not None:
            order_links.check_link(conn, who, request.request_id, case.id)
        order, refusal = draft_in(conn, ctx, who, case, request)
    if refusal is not None:
        raise refusal
    return order_links.as_seen(who, order)


def draft_in(
    conn: Connection, ctx: NodeContext, who: Principal, case: Case, request: DraftRequest
) -> tuple[Order, RuleViolation | None]:
    """``draft_order`` inside the caller's transaction: the order, or the refusal (audited).

    The request the order answers (``request.request_id``) is the caller's to check:
    ``draft_order`` checks the one a user names; a request being taken up is the one
    just received.
    """
    check_request(request)
    node = node_info(conn)
    law = node_law(node)
    rules = law.of(request.power)
    now = ctx.clock()
    order = Order(
        id="(draft)",
        case_id=case.id,
        power=request.power,
        state=OrderState.DRAFT,
        offences=request.offences,
        targets=request.targets,
        grounds=request.grounds,
        scope=request.scope,
        necessity=request.necessity,
        proportionality=request.proportionality,
        duration_days=request.duration_days,
        created_by=who.user,
        created_at=now,
        confidential=rules.confidential_at,
        requires_authorisation=rules.judge,
        request_id=request.request_id,
    )
    try:
        if request.power in STATUS_AFTER_ISSUE:
            order = _property_targets(conn, order)
        check_draft(order, [Basis(o, s) for o, s in case.findings(node.state)], law)
    except RuleViolation as exc:
        audit(
            conn,
            now,
            who.user,
            "order.draft",
            obj=case.id,
            outcome="refused",
            power=request.power,
            provision=exc.provision,
            reason=exc.reason,
        )
        return order, exc
    order = replace(order, id=next_id(conn, "O", now))
    conn.execute(insert(schema.orders).values(**order_values(order)))
    audit(
        conn,
        now,
        who.user,
        "order.draft",
        obj=order.id,
        outcome="ok",
        power=order.power,
        case=case.id,
        **({"request": order.request_id} if order.request_id else {}),
    )
    return order, None


def _property_targets(conn: Connection, order: Order) -> Order:
    """Freezing, seizure and confiscation act on registered property items (Art. 50(2))."""
    register = items_of(conn, order.case_id)
    targets = []
    for target in order.targets:
        if target.kind == "property":
            if target.id not in register:
                raise RuleViolation(
                    "art_50__para_2",
                    f"{target.id} is not a property item of case {order.case_id}: register traced proceeds first",
                    field="targets",
                )
            targets.append(Target(target.id, "property", register[target.id], target.description))
        else:
            targets.append(target)
    return replace(order, targets=tuple(targets))


def order_command(
    ctx: NodeContext, who: Principal, order_id: str, command: Command, note: str = ""
) -> Order:
    """Apply a command to an order, after the policy and the Convention's conditions.

    Raises:
        PermissionDeniedError: the role may not do it (audited).
        RuleViolation: a condition refuses it (audited).
        ConflictError: the power's table has no such move from the current state.
        UserInputError: a refusal or revocation without its reason (audited).
    """
    action = COMMAND_ACTION[command]
    failure: UnccError | None = None
    with ctx.engine.begin() as conn:
        now = ctx.clock()
        order = load_order(conn, order_id, lock=True)
        if not may_see(who, order):
            raise NotFoundError(f"no order {order_id}")
        try:
            require(who.roles, action)
            check_move(order, command, node_law(node_info(conn)), now)
            after = move(order, command, who.user, now, note)
            check_reason(command, note)
        except (RuleViolation, ConflictError, UnccError) as exc:
            failure = exc
            provision = getattr(exc, "provision", "")
            audit(
                conn,
                now,
                who.user,
                f"order.{command.value}",
                obj=order_id,
                outcome="refused",
                reason=str(exc),
                provision=provision,
            )
        else:
            save_move(conn, order, after)
            acted_on: list[str] = []
            if command is Command.ISSUE:
                property_ids = [t.id for t in after.targets if t.kind == "property"]
                acted_on = apply_issued_order(conn, after.power, after.case_id, property_ids)
            audit(
                conn,
                now,
                who.user,
                f"order.{command.value}",
                obj=order_id,
                outcome="ok",
                state=after.state.value,
                property=acted_on,
                reason=note,
            )
    if failure is not None:
        raise failure
    return order_links.as_seen(who, after)


def moves_of(ctx: NodeContext, who: Principal, order: Order) -> list[Move]:
    """The moves out of the order's state for this user now, each possible or with why not."""
    return moves_of_each(ctx, who, [order])[0]


def moves_of_each(ctx: NodeContext, who: Principal, found: Sequence[Order]) -> list[list[Move]]:
    """:func:`moves_of` for several orders (the node's law read once)."""
    with ctx.engine.connect() as conn:
        law = node_law(node_info(conn))
    now = ctx.clock()
    return [moves(order, who.roles, law, now) for order in found]


def tick(ctx: NodeContext, who: Principal = SYSTEM) -> list[Order]:
    """Expire every issued order whose period has ended, and tell the people concerned."""
    require(who.roles, Action.NODE_TICK)
    expired: list[Order] = []
    with ctx.engine.begin() as conn:
        now = ctx.clock()
        ids = (
            conn.execute(
                select(schema.orders.c.id)
                .where(schema.orders.c.state == OrderState.ISSUED.value)
                .with_for_update(skip_locked=True)  # a tick elsewhere has these: skip them
            )
            .scalars()
            .all()
        )
        for order_id in ids:
            order = load_order(conn, order_id, lock=True)
            if order.state is not OrderState.ISSUED or not overdue(order, now):
                continue
            after = move(order, Command.EXPIRE, who.user, now, "the period ended")
            save_move(conn, order, after)
            concerned = {order.created_by, *(e.actor for e in order.history)}
            for user in sorted(concerned):
                conn.execute(
                    insert(schema.notices).values(
                        user_id=user,
                        at=now,
                        text=f"order {order.id} ({order.power}) expired at {order.expires_at:%Y-%m-%d %H:%M} UTC",
                    )
                )
            audit(
                conn,
                now,
                who.user,
                "order.expire",
                obj=order.id,
                outcome="ok",
                told=sorted(concerned),
            )
            expired.append(after)
    return expired


def list_orders(
    ctx: NodeContext, who: Principal, case_id: str | None = None, request_id: str | None = None
) -> list[Order]:
    """Orders the user may see (confidential ones only with need to know).

    With ``request_id``, only the orders drafted for that request (for those who may
    read requests: the filter would otherwise tell which orders answer one).
    """
    require(who.roles, Action.ORDER_READ)
    if request_id is not None:
        require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        query = select(schema.orders.c.id).order_by(schema.orders.c.id)
        if case_id is not None:
            query = query.where(schema.orders.c.case_id == case_id)
        if request_id is not None:
            query = query.where(schema.orders.c.request_id == request_id)
        found = [
            order_links.as_seen(who, o)
            for o in (load_order(conn, i) for i in conn.execute(query).scalars())
            if may_see(who, o)
        ]
    audit_now(
        ctx,
        who.user,
        "order.list",
        obj=case_id or "",
        outcome="ok",
        count=len(found),
        **({"request": request_id} if request_id else {}),
    )
    return found


def get_order(ctx: NodeContext, who: Principal, order_id: str) -> Order:
    """One order (audited); a confidential one only for those who may see it."""
    require(who.roles, Action.ORDER_READ)
    with ctx.engine.connect() as conn:
        order = load_order(conn, order_id)
    visible = may_see(who, order)
    audit_now(ctx, who.user, "order.read", obj=order_id, outcome="ok" if visible else "denied")
    if not visible:
        raise NotFoundError(f"no order {order_id}")
    return order_links.as_seen(who, order)


def notices(ctx: NodeContext, who: Principal) -> list[tuple[dt.datetime, str]]:
    """The notices addressed to the user (an order they may not see is not named)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(schema.notices.c.at, schema.notices.c.text)
            .where(schema.notices.c.user_id == who.user)
            .order_by(schema.notices.c.id)
        ).all()
        hidden = hidden_orders(conn, who)
    return [(r.at, hidden.text(r.text)) for r in rows]
