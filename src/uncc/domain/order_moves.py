"""Which moves a user can make on an order now, and why the others cannot be made.

One answer for the web (buttons), the API (``allowed_moves``) and the service (which
refuses what this refuses): the power's transition table says which moves leave the
order's state, the role policy who may make each, and :mod:`uncc.domain.order_rules`
what the law asks first (a judge's authorisation before issue, renewals allowed …).
Moves that end the order for good by someone's decision (refuse, revoke) need a
written reason, kept with the move and its audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from uncc.domain import orders as order_table
from uncc.domain.order_rules import Law, check_move
from uncc.domain.orders import FINAL, Command, Order, OrderState
from uncc.domain.policy import POLICY, Action, Role, allowed
from uncc.errors import RuleViolation, UserInputError

COMMAND_ACTION = {
    Command.SUBMIT: Action.ORDER_SUBMIT,
    Command.AUTHORISE: Action.ORDER_AUTHORISE,
    Command.REFUSE: Action.ORDER_AUTHORISE,
    Command.ISSUE: Action.ORDER_ISSUE,
    Command.RENEW: Action.ORDER_RENEW,
    Command.EXECUTE: Action.ORDER_ISSUE,
    Command.REVOKE: Action.ORDER_REVOKE,
    Command.EXPIRE: Action.NODE_TICK,
}
"""The policy's action each command needs."""

REASON_REQUIRED = frozenset({Command.REFUSE, Command.REVOKE})
"""Decisions that end an order and must say why (a refusal's reasons, a revocation's)."""

CLOCK_ONLY = frozenset({Command.EXPIRE})
"""Moves the clock makes (``uncc node tick``), never offered to a user."""


@dataclass(frozen=True)
class Move:
    """One move out of the order's current state, for one user."""

    command: Command
    to: OrderState
    possible: bool
    why_not: str = ""
    """In plain words, when not possible: who may make it, or what the law asks first."""
    provision: str = ""
    """The provision behind ``why_not`` when it is a rule of the law."""

    @property
    def needs_reason(self) -> bool:
        """The move must state its reason (kept with the move and in the audit trail)."""
        return self.command in REASON_REQUIRED

    @property
    def irreversible(self) -> bool:
        """The move ends the order: the user confirms it first."""
        return self.to in FINAL


def _who_may(action: Action) -> str:
    names = sorted(r.value.replace("_", " ") for r in POLICY.get(action, frozenset()))
    if not names:
        return "nobody"
    return " or ".join(names) if len(names) <= 2 else ", ".join(names[:-1]) + f" or {names[-1]}"


def moves(order: Order, roles: Iterable[Role], law: Law, at: dt.datetime) -> list[Move]:
    """Every move the power's table allows from the order's state, possible now or not.

    A move is possible when one of ``roles`` may make it and the law's conditions hold
    at ``at``; otherwise ``why_not`` says which. Moves of the clock are left out; a
    final order has none.
    """
    held = frozenset(roles)
    found = []
    for (state, command), to in order_table.TRANSITIONS[order.power].items():
        if state is not order.state or command in CLOCK_ONLY:
            continue
        action = COMMAND_ACTION[command]
        if not any(allowed(r, action) for r in held):
            why = f"only a {_who_may(action)} may {command.value} an order"
            found.append(Move(command, to, False, why))
            continue
        try:
            check_move(order, command, law, at)
        except RuleViolation as exc:
            found.append(Move(command, to, False, exc.reason, exc.provision))
            continue
        found.append(Move(command, to, True))
    return found


def check_reason(command: Command, reason: str) -> None:
    """Refuse a decision that must state its reason without one.

    Raises:
        UserInputError: ``command`` ends the order by a decision and ``reason`` is empty.
    """
    if command in REASON_REQUIRED and not reason.strip():
        what = "a refusal" if command is Command.REFUSE else "a revocation"
        raise UserInputError(f"reason: {what} must state its reasons (kept in the order's history)")
