"""The rules of each tracing model: what an account sends of its proceeds, and what it keeps.

An amount (a :data:`Figure`) is a whole number of minor units for FIFO, LIFO, TIHO and
poison, and a Decimal for haircut, which divides (:class:`~uncc.domain.tracing.Tracer`
chooses); the rules only add, subtract and compare, except haircut's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

Figure = Decimal | int
"""An amount: minor units (int), or a Decimal for haircut."""
NOTHING = Decimal(0)


class Account:
    """An account while tracing.

    FIFO and LIFO keep ``lots``: the amounts received, oldest first, where lots of the
    same kind that arrive in turn are one, so kinds alternate; ``oldest_tainted`` is the
    kind of the first (lot ``i`` is tainted when ``oldest_tainted`` differs from ``i``
    being odd).
    """

    __slots__ = ("balance", "lots", "oldest_tainted", "poisoned", "tainted")

    def __init__(self) -> None:
        self.lots: list[Figure] = []
        self.oldest_tainted = False
        self.balance: Figure = 0
        self.tainted: Figure = 0
        self.poisoned = False


def take_fifo(account: Account, amount: Figure) -> Figure:
    """Spend the oldest lots first; the tainted part of ``amount``."""
    lots = account.lots
    bad = account.oldest_tainted
    out_tainted: Figure = 0
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
            left = 0
    account.oldest_tainted = bad
    return out_tainted


def take_lifo(account: Account, amount: Figure) -> Figure:
    """Spend the newest lots first; the tainted part of ``amount``."""
    lots = account.lots
    out_tainted: Figure = 0
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
            left = 0
    return out_tainted


def take_haircut(account: Account, amount: Figure) -> Figure:
    """Every amount out carries the account's current share of proceeds (Decimal only)."""
    if account.balance > 0:
        return cast(Decimal, amount) * account.tainted / account.balance
    return NOTHING


def take_tiho(account: Account, amount: Figure) -> Figure:
    """Proceeds leave first."""
    return min(amount, account.tainted)


def take_poison(account: Account, amount: Figure) -> Figure:
    """All a poisoned account sends is proceeds."""
    return amount if account.poisoned else 0


def give_lots(account: Account, amount: Figure, tainted: Figure) -> None:
    """Received funds join the lots: the tainted part, then the clean part.

    A part of the same kind as the newest lot joins it: spending from either end
    takes the same amounts of each kind as with the parts kept apart.
    """
    lots = account.lots
    clean = amount - tainted
    if not lots:
        account.oldest_tainted = tainted > 0
        lots.append(tainted if tainted > 0 else clean)
        if tainted > 0 and clean > 0:
            lots.append(clean)
        return
    # the newest lot is tainted when the oldest is and their distance is even
    newest_tainted = account.oldest_tainted is bool(len(lots) & 1)
    if tainted > 0:
        if newest_tainted:
            lots[-1] += tainted
        else:
            lots.append(tainted)
        if clean > 0:
            lots.append(clean)
    elif newest_tainted:
        lots.append(clean)
    else:
        lots[-1] += clean


def give_poison(account: Account, amount: Figure, tainted: Figure) -> None:
    """Tainted funds poison the account: all it holds counts as tainted."""
    if tainted > 0:
        account.poisoned = True
        account.tainted = account.balance


def give_nothing(account: Account, amount: Figure, tainted: Figure) -> None:
    """Haircut and TIHO keep balances and taint only."""


def tainted_in_lots(account: Account) -> Figure:
    """The proceeds in an account's FIFO/LIFO lots: every other lot, from the first tainted."""
    return sum(account.lots[0 if account.oldest_tainted else 1 :: 2])
