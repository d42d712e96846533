"""Proceeds tracing (Art. 50): FIFO and haircut over up to 1,000,000 transfers.

Baseline: one pass that only keeps each account's balance (Decimal arithmetic, the
floor for any model that must touch every transfer). Goal: linear in transfers, and
1,000,000 transfers in at most 10 s.
"""

from __future__ import annotations

import random
from decimal import Decimal

from bench.common import Row, Stats, ratio_row, timed
from uncc.domain.tracing import Model, Transfer, trace

SIZES = {"small": (2_000, 20_000), "full": (100_000, 1_000_000)}


def ledger(count: int, seed: int = 50) -> list[Transfer]:
    """A plausible ledger: deposits (5 %, some proceeds), then transfers among accounts."""
    rng = random.Random(seed)
    accounts = max(10, count // 20)
    balances = [0] * accounts
    out: list[Transfer] = []
    for a in range(accounts):
        amount = rng.randint(1_000, 100_000)
        balances[a] = amount
        out.append(Transfer(f"d{a}", None, f"acct-{a}", Decimal(amount), tainted=a % 10 == 0))
    while len(out) < count:
        a = rng.randrange(accounts)
        if balances[a] < 2:
            continue
        b = rng.randrange(accounts)
        amount = rng.randint(1, balances[a] // 2)
        balances[a] -= amount
        balances[b] += amount
        out.append(Transfer(f"t{len(out)}", f"acct-{a}", f"acct-{b}", Decimal(amount)))
    return out


def floor(transfers: list[Transfer]) -> dict[str, Decimal]:
    """Balances only: the least any model must do per transfer."""
    balances: dict[str, Decimal] = {}
    zero = Decimal(0)
    for t in transfers:
        if t.source is not None:
            balances[t.source] = balances.get(t.source, zero) - t.amount
        if t.target is not None:
            balances[t.target] = balances.get(t.target, zero) + t.amount
    return balances


def run(size: str) -> list[Row]:
    """FIFO and haircut at two sizes, against the floor, and their growth."""
    rows: list[Row] = []
    small, large = SIZES[size]
    per: dict[tuple[Model, int], Stats] = {}
    for count in (small, large):
        transfers = ledger(count)
        repeat = 2 if count >= 500_000 else 3
        base = timed(lambda transfers=transfers: floor(transfers), repeat=repeat)
        for model in (Model.FIFO, Model.HAIRCUT):
            result = timed(
                lambda transfers=transfers, model=model: trace(transfers, model), repeat=repeat
            )
            per[(model, count)] = result
            goal = "≤ 10 s" if count == large else ""
            row = ratio_row(
                "tracing",
                f"{model.value}, {count:,} transfers",
                result,
                "balances only (floor)",
                base,
                goal=goal,
            )
            if count == large and size == "full":
                row.met = result.median <= 10
            rows.append(row)
    for model in (Model.FIFO, Model.HAIRCUT):
        a, b = per[(model, small)], per[(model, large)]
        growth = (b.median / large) / (a.median / small)
        rows.append(
            Row(
                "tracing",
                f"{model.value}: cost per transfer at {large:,} / at {small:,}",
                "×",
                Stats(growth, growth, growth, 1),
                goal="linear (≈ 1)",
                met=growth <= 1.5,
            )
        )
    return rows
