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

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

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


class _Account:
    __slots__ = ("balance", "lots", "poisoned", "tainted")

    def __init__(self) -> None:
        self.lots: deque[list[Decimal | bool]] = deque()
        self.balance = ZERO
        self.tainted = ZERO
        self.poisoned = False


def _take(account: _Account, amount: Decimal, model: Model) -> Decimal:
    """Remove ``amount`` from the account; return the tainted part of it."""
    if model in (Model.FIFO, Model.LIFO):
        out_tainted = ZERO
        left = amount
        while left > 0 and account.lots:
            lot = account.lots[0] if model is Model.FIFO else account.lots[-1]
            size, bad = lot[0], lot[1]
            assert isinstance(size, Decimal)
            used = min(size, left)
            if bad:
                out_tainted += used
            if used == size:
                if model is Model.FIFO:
                    account.lots.popleft()
                else:
                    account.lots.pop()
            else:
                lot[0] = size - used
            left -= used
    elif model is Model.HAIRCUT:
        out_tainted = amount * account.tainted / account.balance if account.balance > 0 else ZERO
    elif model is Model.TIHO:
        out_tainted = min(amount, account.tainted)
    else:  # POISON
        out_tainted = amount if account.poisoned else ZERO
    account.balance -= amount
    account.tainted = max(ZERO, account.tainted - out_tainted)
    if model is Model.POISON and account.poisoned:
        account.tainted = max(ZERO, account.balance)
    return out_tainted


def _give(account: _Account, amount: Decimal, tainted: Decimal, model: Model) -> None:
    account.balance += amount
    account.tainted += tainted
    if model in (Model.FIFO, Model.LIFO):
        if tainted > 0:
            account.lots.append([tainted, True])
        if amount - tainted > 0:
            account.lots.append([amount - tainted, False])
    if model is Model.POISON and tainted > 0:
        account.poisoned = True
        account.tainted = account.balance


class Tracer:
    """One model followed through a ledger, one transfer at a time."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.accounts: dict[str, _Account] = {}
        self.result = TraceResult(model, {})

    def step(self, transfer: Transfer) -> Decimal:
        """Move one transfer; the proceeds it carried under this model."""
        model, accounts, result = self.model, self.accounts, self.result
        if transfer.amount <= 0:
            result.problems.append(f"{transfer.id}: the amount must be positive")
            return ZERO
        moved_tainted = ZERO
        if transfer.source is not None:
            source = accounts.get(transfer.source) or accounts.setdefault(
                transfer.source, _Account()
            )
            if transfer.amount > source.balance:
                shortfall = transfer.amount - source.balance
                result.problems.append(
                    f"{transfer.id}: {transfer.source} sends {transfer.amount} but holds {source.balance}; "
                    f"the missing {shortfall} is treated as clean funds of unknown origin"
                )
                _give(source, shortfall, ZERO, model)
            moved_tainted = _take(source, transfer.amount, model)
        if transfer.tainted:
            result.seeded += transfer.amount - moved_tainted
            moved_tainted = transfer.amount
        if transfer.target is None:
            result.exited += moved_tainted
        else:
            _give(
                accounts.get(transfer.target) or accounts.setdefault(transfer.target, _Account()),
                transfer.amount,
                moved_tainted,
                model,
            )
        return moved_tainted

    def finish(self) -> TraceResult:
        """Where the proceeds are after the last transfer."""
        self.result.holdings = {
            name: Holding(name, a.balance, a.tainted) for name, a in sorted(self.accounts.items())
        }
        return self.result


def trace(transfers: Iterable[Transfer], model: Model) -> TraceResult:
    """Follow the proceeds through the transfers, in the order given (streamed, one pass)."""
    tracer = Tracer(model)
    for transfer in transfers:
        tracer.step(transfer)
    return tracer.finish()
