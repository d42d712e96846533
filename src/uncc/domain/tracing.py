"""Tracing the proceeds of crime through a ledger of transfers (Art. 50(4)–(6)).

Five models of how tainted value moves with mixed funds:

- **fifo** — an account spends its oldest funds first;
- **lifo** — it spends its newest funds first;
- **haircut** — every amount out carries the account's current share of taint;
- **tiho** (taint in, highest out) — tainted funds leave first;
- **poison** — once tainted, everything an account sends is tainted: an upper bound
  only, never an assessment.

The first four conserve value: what was seeded as proceeds is, at every step, either in
an account or gone out of the ledger. Art. 50(5) caps what can be confiscated in an
account at the assessed value of the proceeds in it (and at its balance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import cast

from uncc.collector import collector_paused
from uncc.domain.tracing_rules import (
    Account,
    Figure,
    give_lots,
    give_nothing,
    give_poison,
    tainted_in_lots,
    take_fifo,
    take_haircut,
    take_lifo,
    take_poison,
    take_tiho,
)

ZERO = Decimal(0)


class Model(StrEnum):
    """A tracing model."""

    FIFO = "fifo"
    LIFO = "lifo"
    HAIRCUT = "haircut"
    TIHO = "tiho"
    POISON = "poison"

    @property
    def upper_bound_only(self) -> bool:
        """True for poison: its figures bound the proceeds from above, they do not assess them."""
        return self is Model.POISON


@dataclass(frozen=True)
class Transfer:
    """One movement of value. ``source`` None: it enters the ledger; ``target`` None: it leaves."""

    id: str
    source: str | None
    target: str | None
    amount: Decimal
    tainted: bool = False
    """The transfer itself is proceeds (e.g. the victim's payment into the first account)."""


@dataclass
class Holding:
    """An account's balance and the part of it that is proceeds."""

    account: str
    balance: Decimal = ZERO
    tainted: Decimal = ZERO

    @property
    def confiscable(self) -> Decimal:
        """At most the assessed proceeds in it, and at most what it holds (Art. 50(5))."""
        return max(ZERO, min(self.tainted, self.balance))


@dataclass
class TraceResult:
    """Where the proceeds are, under one model."""

    model: Model
    holdings: dict[str, Holding]
    seeded: Decimal = ZERO
    """Proceeds that entered the ledger (tainted transfers)."""
    exited: Decimal = ZERO
    """Proceeds that left the ledger (transfers with no target)."""
    problems: list[str] = field(default_factory=list)
    """Transfers the ledger cannot explain (an account sending more than it holds)."""

    def in_accounts(self) -> Decimal:
        """Proceeds still in accounts."""
        return sum((h.tainted for h in self.holdings.values()), ZERO)


_RULES: dict[
    Model,
    tuple[Callable[[Account, Figure], Figure], Callable[[Account, Figure, Figure], None]],
] = {
    Model.FIFO: (take_fifo, give_lots),
    Model.LIFO: (take_lifo, give_lots),
    Model.HAIRCUT: (take_haircut, give_nothing),
    Model.TIHO: (take_tiho, give_nothing),
    Model.POISON: (take_poison, give_poison),
}
"""Per model: the tainted part of an amount taken out, and what receiving adds to an account."""


class Tracer:
    """One model followed through a ledger, one transfer at a time.

    FIFO, LIFO, TIHO and poison only add, subtract and compare amounts, so they work in
    integer minor units: an amount is a whole number of ``1 / unit`` (``unit`` a power of
    ten, 1 until an amount with more decimals arrives; then every figure held is scaled up
    exactly). Integers are exact at any size, as the Decimal sums were below their 28
    digits; results go back to Decimal at the ledger's scale. Haircut divides, so it keeps
    Decimal arithmetic (and its rounding) throughout.
    """

    def __init__(self, model: Model) -> None:
        self.model = model
        self.accounts: dict[str, Account] = {}
        self.result = TraceResult(model, {})
        self._take, self._give = _RULES[model]
        self._poison = model is Model.POISON
        self._lots = model not in (Model.HAIRCUT, Model.TIHO)
        """Whether receiving changes more than the balance and the taint (see ``_give_nothing``)."""
        self._counted = model in (Model.TIHO, Model.POISON)
        """Whether each account's proceeds are kept as one figure (FIFO and LIFO: its lots)."""
        self._exact = model is not Model.HAIRCUT
        """Whether figures are held in integer minor units (all models but haircut)."""
        self.unit = 1
        """Minor units per unit of currency (a power of ten): the ledger's scale so far."""
        self._places = 0
        """Decimal places of ``unit``."""
        self._seeded: Figure = 0
        self._exited: Figure = 0

    def _account(self, name: str) -> Account:
        account = self.accounts.get(name)
        if account is None:
            account = self.accounts[name] = Account()
        return account

    def _units(self, numerator: int, denominator: int) -> int:
        """``numerator / denominator`` in minor units, exactly: the scale grows if need be."""
        if self.unit % denominator:
            self._rescale(denominator)
        return numerator * (self.unit // denominator)

    def _rescale(self, denominator: int) -> None:
        """Grow the scale so that ``1 / denominator`` (a power of 2 and 5 only) is whole."""
        unit = self.unit
        while unit % denominator:
            unit *= 10
        factor, self.unit = unit // self.unit, unit
        self._places = len(str(unit)) - 1
        self._seeded *= factor
        self._exited *= factor
        for account in self.accounts.values():
            account.balance *= factor
            account.tainted *= factor
            account.lots[:] = [size * factor for size in account.lots]

    def _decimal(self, units: Figure) -> Decimal:
        """Minor units back as a Decimal at the ledger's scale (0 as ``ZERO``)."""
        if not units:
            return ZERO
        if not self._places:
            return Decimal(units)
        return Decimal(f"{units}e-{self._places}")  # exact, whatever its digits

    def step(self, transfer: Transfer) -> Decimal:
        """Move one transfer; the proceeds it carried under this model."""
        if not self._exact:
            return self._step_decimal(transfer)
        return self._decimal(self._move(transfer))

    def _move(self, transfer: Transfer) -> Figure:
        """:meth:`step` in minor units (every model but haircut)."""
        try:
            numerator, denominator = transfer.amount.as_integer_ratio()
        except (OverflowError, ValueError):  # infinite, or not a number
            return self._refuse(transfer)
        if numerator <= 0:
            return self._refuse(transfer)
        units = numerator * self.unit if denominator == 1 else self._units(numerator, denominator)
        accounts = self.accounts
        moved_tainted: Figure = 0
        name = transfer.source
        if name is not None:
            source = accounts.get(name)
            if source is None:
                source = accounts[name] = Account()
            balance = source.balance
            if units > balance:
                balance = self._overdraft(transfer, source, units)
            moved_tainted = self._take(source, units)
            balance = source.balance = balance - units
            if self._counted:
                tainted = source.tainted - moved_tainted
                source.tainted = tainted if tainted > 0 else 0
                if self._poison and source.poisoned:
                    source.tainted = max(0, balance)
        if transfer.tainted:
            self._seeded += units - moved_tainted
            moved_tainted = units
        name = transfer.target
        if name is None:
            self._exited += moved_tainted
        else:
            target = accounts.get(name)
            if target is None:
                target = accounts[name] = Account()
            target.balance += units
            if self._counted:
                target.tainted += moved_tainted
            if self._lots:
                self._give(target, units, moved_tainted)
        return moved_tainted

    def _refuse(self, transfer: Transfer) -> int:
        """A transfer not moved: its amount is not positive (or not a finite number)."""
        if transfer.amount <= ZERO:  # raises for NaN, as Decimal comparisons do
            self.result.problems.append(f"{transfer.id}: the amount must be positive")
        else:
            self.result.problems.append(f"{transfer.id}: the amount must be a finite number")
        return 0

    def _overdraft(self, transfer: Transfer, source: Account, units: int) -> int:
        """The source sends more than it holds: the rest is clean funds of unknown origin."""
        shortfall = units - source.balance
        self.result.problems.append(
            f"{transfer.id}: {transfer.source} sends {transfer.amount} but holds "
            f"{self._decimal(source.balance)}; the missing {self._decimal(shortfall)} is "
            "treated as clean funds of unknown origin"
        )
        source.balance = units
        self._give(source, shortfall, 0)
        return units

    def _step_decimal(self, transfer: Transfer) -> Decimal:
        """:meth:`step` in Decimal arithmetic (haircut)."""
        result = self.result
        amount = transfer.amount
        if amount <= ZERO:
            result.problems.append(f"{transfer.id}: the amount must be positive")
            return ZERO
        accounts = self.accounts
        moved_tainted: Figure = ZERO
        name = transfer.source
        if name is not None:
            source = accounts.get(name)
            if source is None:
                source = accounts[name] = Account()
            balance = source.balance
            if amount > balance:
                shortfall = amount - balance
                result.problems.append(
                    f"{transfer.id}: {name} sends {amount} but holds {balance}; "
                    f"the missing {shortfall} is treated as clean funds of unknown origin"
                )
                balance = source.balance = balance + shortfall
            moved_tainted = self._take(source, amount)
            balance = source.balance = balance - amount
            tainted = source.tainted - moved_tainted
            source.tainted = tainted if tainted > ZERO else ZERO
        if transfer.tainted:
            result.seeded += amount - moved_tainted
            moved_tainted = amount
        name = transfer.target
        if name is None:
            result.exited += moved_tainted
        else:
            target = accounts.get(name)
            if target is None:
                target = accounts[name] = Account()
            target.balance += amount
            target.tainted += moved_tainted
        return cast(Decimal, moved_tainted)

    def finish(self) -> TraceResult:
        """Where the proceeds are after the last transfer."""
        result = self.result
        if self._exact:
            figure = self._decimal
            result.seeded, result.exited = figure(self._seeded), figure(self._exited)
            tainted = (lambda a: a.tainted) if self._counted else tainted_in_lots
            result.holdings = {
                name: Holding(name, figure(a.balance), figure(tainted(a)))
                for name, a in sorted(self.accounts.items())
            }
        else:
            result.holdings = {
                name: Holding(name, Decimal(a.balance), Decimal(a.tainted))
                for name, a in sorted(self.accounts.items())
            }
        return result


def trace(transfers: Iterable[Transfer], model: Model) -> TraceResult:
    """Follow the proceeds through the transfers, in the order given (streamed, one pass).

    The cyclic collector is paused meanwhile (:func:`~uncc.collector.collector_paused`):
    a trace makes no reference cycles, and the collections its accounts would trigger
    walk every live object, a million transfers of a large ledger among them.
    """
    tracer = Tracer(model)
    step = tracer._move if tracer._exact else tracer._step_decimal
    with collector_paused():
        for transfer in transfers:
            step(transfer)
        return tracer.finish()
