"""Orders: one state machine per procedural power, each with a single transition table.

States and commands are the same words for every power; what differs is which moves a
power allows: a renewal only where the Convention model's order terms for the power
allow one (``procedure.yaml``). The conditions of the Convention
(legal basis, Art. 42 fields, authorisation, duration, territory, serious offences) are
checked by :mod:`uncc.domain.order_rules` before a move is applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from uncc.errors import ConflictError

if TYPE_CHECKING:
    from uncc.convention.catalogue import Convention


class OrderState(StrEnum):
    """Where an order stands."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    AUTHORISED = "authorised"
    REFUSED = "refused"
    ISSUED = "issued"
    EXECUTED = "executed"
    EXPIRED = "expired"
    REVOKED = "revoked"


class Command(StrEnum):
    """What a user (or the clock) asks of an order."""

    SUBMIT = "submit"
    AUTHORISE = "authorise"
    REFUSE = "refuse"
    ISSUE = "issue"
    RENEW = "renew"
    EXECUTE = "execute"
    EXPIRE = "expire"
    REVOKE = "revoke"


S = OrderState
C = Command

_COMMON: dict[tuple[OrderState, Command], OrderState] = {
    (S.DRAFT, C.SUBMIT): S.SUBMITTED,
    (S.DRAFT, C.ISSUE): S.ISSUED,  # only where no judge must authorise (checked by the rules)
    (S.DRAFT, C.REVOKE): S.REVOKED,
    (S.SUBMITTED, C.AUTHORISE): S.AUTHORISED,
    (S.SUBMITTED, C.REFUSE): S.REFUSED,
    (S.SUBMITTED, C.REVOKE): S.REVOKED,
    (S.AUTHORISED, C.ISSUE): S.ISSUED,
    (S.AUTHORISED, C.REVOKE): S.REVOKED,
    (S.ISSUED, C.EXECUTE): S.EXECUTED,
    (S.ISSUED, C.EXPIRE): S.EXPIRED,
    (S.ISSUED, C.REVOKE): S.REVOKED,
}
_RENEWABLE = {(S.ISSUED, C.RENEW): S.ISSUED}


Table = dict[str, dict[tuple["OrderState", "Command"], "OrderState"]]


def transitions(convention: Convention) -> Table:
    """The transition table of every power of the Convention model.

    The common moves, and a renewal where the power's order terms allow one at all
    (whether a State allows it, and how often, :mod:`uncc.domain.order_rules` checks).
    """
    from uncc.convention.model import RenewalSource  # noqa: PLC0415 - not at import

    return {
        power.id: {
            **_COMMON,
            **(_RENEWABLE if power.order.renewal is not RenewalSource.NEVER else {}),
        }
        for _, power in convention.powers()
    }


@cache
def _table() -> Table:
    """The transition tables of the bundled Convention model, built on first use."""
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415 - not at import

    return transitions(load_convention())


def __getattr__(name: str) -> Table:
    """``TRANSITIONS``: the transition table of each power, (state, command) → next state.

    Built from the Convention model on first access, so that importing this module
    (``uncc --help``) does not load the model.
    """
    if name == "TRANSITIONS":
        return _table()
    raise AttributeError(name)


FINAL = frozenset({S.REFUSED, S.EXECUTED, S.EXPIRED, S.REVOKED})


@dataclass(frozen=True)
class Target:
    """What an order is directed at, and where it is."""

    id: str
    kind: str
    location: str | None
    description: str = ""


@dataclass(frozen=True)
class Event:
    """One move of an order, for its history and the audit trail."""

    command: Command
    from_state: OrderState
    to_state: OrderState
    actor: str
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True)
class Order:
    """An order under one procedural power, in one case."""

    id: str
    case_id: str
    power: str
    state: OrderState
    offences: tuple[str, ...]
    """The offence ids of the case's analysis the order relies on (its legal basis)."""
    targets: tuple[Target, ...]
    grounds: str
    scope: str
    necessity: str
    proportionality: str
    duration_days: int | None
    created_by: str
    created_at: dt.datetime
    confidential: str | None = None
    """The provision that makes it confidential (43(3), 47(3), 48(3)), if any."""
    requires_authorisation: bool = False
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    renewals: int = 0
    authorised_by: str | None = None
    request_id: str | None = None
    """The request received from another State that the order answers, if any."""
    history: tuple[Event, ...] = field(default=())

    @property
    def final(self) -> bool:
        """True when no further move is possible."""
        return self.state in FINAL


def move(order: Order, command: Command, actor: str, at: dt.datetime, note: str = "") -> Order:
    """The order after ``command``, with the move recorded in its history.

    Raises:
        ConflictError: the power's table has no such move from the current state.
    """
    table = _table()[order.power]
    target = table.get((order.state, command))
    if target is None:
        possible = sorted(c.value for (s, c) in table if s is order.state)
        hint = f"; possible: {', '.join(possible)}" if possible else "; the order is final"
        raise ConflictError(
            f"order {order.id} is {order.state.value}: cannot {command.value}{hint}"
        )
    event = Event(command, order.state, target, actor, at, note)
    changes: dict[str, object] = {"state": target, "history": (*order.history, event)}
    if command is Command.AUTHORISE:
        changes["authorised_by"] = actor
    if command is Command.ISSUE:
        changes["issued_at"] = at
        if order.duration_days:
            changes["expires_at"] = at + dt.timedelta(days=order.duration_days)
    if command is Command.RENEW:
        changes["renewals"] = order.renewals + 1
        base = max(order.expires_at or at, at)
        if order.duration_days:
            changes["expires_at"] = base + dt.timedelta(days=order.duration_days)
    return replace(order, **changes)  # type: ignore[arg-type]
