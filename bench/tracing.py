"""Proceeds tracing (Art. 50): FIFO and haircut over up to 1,000,000 transfers.

Baseline: one pass that only keeps each account's balance (Decimal arithmetic, the
floor for any model that must touch every transfer). Goals: 1,000,000 transfers in at
most 6 s for each model; cost per transfer at 1,000,000 within 1.3 × of that at 100,000
(the ledger's accounts grow with it: one per 20 transfers). The CPU time of each run is
noted beside its wall time, as the machine is shared.
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

from bench.common import MIN_RUNS, Row, Stats, goal_row, ratio_row, timed
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
        repeat = MIN_RUNS if size == "full" else 3
        base = timed(lambda transfers=transfers: floor(transfers), repeat=repeat)
        for model in (Model.FIFO, Model.HAIRCUT):
            cpu: list[float] = []

            def once(
                transfers: list[Transfer] = transfers, model: Model = model, cpu: list[float] = cpu
            ) -> None:
                began = time.process_time()
                trace(transfers, model)
                cpu.append(time.process_time() - began)

            result = per[(model, count)] = timed(once, repeat=repeat)
            row = ratio_row(
                "tracing",
                f"{model.value}, {count:,} transfers",
                result,
                "balances only (floor)",
                base,
                note=f"CPU time median {Stats.of(cpu).median:.2f} s",
            )
            if count == large:
                row.goal, row.limit = "≤ 6 s", 6.0
                row.met = result.median <= row.limit
            rows.append(row)
    for model in (Model.FIFO, Model.HAIRCUT):
        a, b = per[(model, small)], per[(model, large)]
        growth = (b.median / large) / (a.median / small)
        low = (b.low / large) / (a.high / small)
        high = (b.high / large) / (a.low / small)
        rows.append(
            goal_row(
                "tracing",
                f"{model.value}: cost per transfer at {large:,} / at {small:,}",
                Stats(growth, low, high, min(a.runs, b.runs)),
                goal="≤ 1.3 ×",
                limit=1.3,
                unit="×",
            )
        )
    return rows
