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
    """An account while tracing.

    FIFO and LIFO keep ``lots``: the amounts received, oldest first, where lots of the
    same kind that arrive in turn are one, so kinds alternate; ``oldest_tainted`` is the
    kind of the first (lot ``i`` is tainted when ``oldest_tainted`` differs from ``i``
    being odd).
    """

    __slots__ = ("balance", "lots", "oldest_tainted", "poisoned", "tainted")

    def __init__(self) -> None:
        self.lots: list[Decimal] = []
        self.oldest_tainted = False
        self.balance = ZERO
        self.tainted = ZERO
        self.poisoned = False


def _take_fifo(account: _Account, amount: Decimal) -> Decimal:
    """Spend the oldest lots first; the tainted part of ``amount``."""
    lots = account.lots
    bad = account.oldest_tainted
    out_tainted = ZERO
    left = amount
    while left > 0 and lots:
        size = lots[0]
        if size <= left:
            if bad:
                out_tainted += size
            left -= size
            lots.pop(0)
            bad = not bad
        else:
            if bad:
                out_tainted += left
            lots[0] = size - left
            left = ZERO
    account.oldest_tainted = bad
    return out_tainted


def _take_lifo(account: _Account, amount: Decimal) -> Decimal:
    """Spend the newest lots first; the tainted part of ``amount``."""
    lots = account.lots
    out_tainted = ZERO
    left = amount
    while left > 0 and lots:
        size = lots[-1]
        bad = account.oldest_tainted is not bool((len(lots) - 1) & 1)
        if size <= left:
            if bad:
                out_tainted += size
            left -= size
            lots.pop()
        else:
            if bad:
                out_tainted += left
            lots[-1] = size - left
            left = ZERO
    return out_tainted


def _take_haircut(account: _Account, amount: Decimal) -> Decimal:
    return amount * account.tainted / account.balance if account.balance > 0 else ZERO


def _take_tiho(account: _Account, amount: Decimal) -> Decimal:
    return min(amount, account.tainted)


def _take_poison(account: _Account, amount: Decimal) -> Decimal:
    return amount if account.poisoned else ZERO


def _give_lots(account: _Account, amount: Decimal, tainted: Decimal) -> None:
    """Received funds join the lots: the tainted part, then the clean part.

    A part of the same kind as the newest lot joins it: spending from either end
    takes the same amounts of each kind as with the parts kept apart.
    """
    lots = account.lots
    for size, bad in ((tainted, True), (amount - tainted, False)):
        if size > 0:
            if not lots:
                account.oldest_tainted = bad
                lots.append(size)
            elif (account.oldest_tainted is not bool((len(lots) - 1) & 1)) is bad:
                lots[-1] += size
            else:
                lots.append(size)


def _give_poison(account: _Account, amount: Decimal, tainted: Decimal) -> None:
    """Tainted funds poison the account: all it holds counts as tainted."""
    if tainted > 0:
        account.poisoned = True
        account.tainted = account.balance


def _give_nothing(account: _Account, amount: Decimal, tainted: Decimal) -> None:
    """Haircut and TIHO keep balances and taint only."""


_RULES: dict[
    Model,
    tuple[Callable[[_Account, Decimal], Decimal], Callable[[_Account, Decimal, Decimal], None]],
] = {
    Model.FIFO: (_take_fifo, _give_lots),
    Model.LIFO: (_take_lifo, _give_lots),
    Model.HAIRCUT: (_take_haircut, _give_nothing),
    Model.TIHO: (_take_tiho, _give_nothing),
    Model.POISON: (_take_poison, _give_poison),
}
"""Per model: the tainted part of an amount taken out, and what receiving adds to an account."""


class Tracer:
    """One model followed through a ledger, one transfer at a time."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.accounts: dict[str, _Account] = {}
        self.result = TraceResult(model, {})
        self._take, self._give = _RULES[model]
        self._poison = model is Model.POISON
        self._lots = model not in (Model.HAIRCUT, Model.TIHO)
        """Whether receiving changes more than the balance and the taint (see ``_give_nothing``)."""

    def _account(self, name: str) -> _Account:
        account = self.accounts.get(name)
        if account is None:
            account = self.accounts[name] = _Account()
        return account

    def step(self, transfer: Transfer) -> Decimal:
        """Move one transfer; the proceeds it carried under this model."""
        result = self.result
        amount = transfer.amount
        if amount <= ZERO:
            result.problems.append(f"{transfer.id}: the amount must be positive")
            return ZERO
        accounts = self.accounts
        moved_tainted = ZERO
        name = transfer.source
        if name is not None:
            source = accounts.get(name)
            if source is None:
                source = accounts[name] = _Account()
            balance = source.balance
            if amount > balance:
                shortfall = amount - balance
                result.problems.append(
                    f"{transfer.id}: {name} sends {amount} but holds {balance}; "
                    f"the missing {shortfall} is treated as clean funds of unknown origin"
                )
                balance = source.balance = balance + shortfall
                self._give(source, shortfall, ZERO)
            moved_tainted = self._take(source, amount)
            balance = source.balance = balance - amount
            tainted = source.tainted - moved_tainted
            source.tainted = tainted if tainted > ZERO else ZERO
            if self._poison and source.poisoned:
                source.tainted = max(ZERO, balance)
        if transfer.tainted:
            result.seeded += amount - moved_tainted
            moved_tainted = amount
        name = transfer.target
        if name is None:
            result.exited += moved_tainted
        else:
            target = accounts.get(name)
            if target is None:
                target = accounts[name] = _Account()
            target.balance += amount
            target.tainted += moved_tainted
            if self._lots:
                self._give(target, amount, moved_tainted)
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
    step = tracer.step
    for transfer in transfers:
        step(transfer)
    return tracer.finish()
