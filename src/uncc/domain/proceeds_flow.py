"""The flow of a ledger: its accounts, the transfers between them, and the proceeds per model.

One pass over the transfers follows several tracing models at once
(:class:`~uncc.domain.tracing.Tracer`), and sums the transfers between each pair of
accounts — what entered the ledger comes from ``None``, what left it goes to ``None``
— with the proceeds each model says they carried. The flow is what the proceeds
picture draws; it compares FIFO, haircut and poison (an upper bound only) side by side.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from uncc.domain.tracing import ZERO, Model, Tracer, TraceResult, Transfer

SHOWN = (Model.FIFO, Model.HAIRCUT, Model.POISON)
"""The models every flow compares (the one used to assess is added when it is another)."""
KEEP_LINKS = 400
"""Links kept per flow, the largest by value moved; the rest are counted and summed."""
KEEP_ACCOUNTS = 1000
"""Accounts kept per flow, those with the most proceeds under any model; the rest counted."""


@dataclass
class Edge:
    """Every transfer from one account to another, summed."""

    source: str | None
    target: str | None
    amount: Decimal = ZERO
    count: int = 0
    carried: dict[str, Decimal] = field(default_factory=dict)
    """Model → the proceeds these transfers carried under it."""


@dataclass(frozen=True)
class Flow:
    """A ledger's accounts and transfers, and the proceeds in each under each model."""

    currency: str
    models: list[str]
    accounts: dict[str, dict[str, Decimal]]
    """Account → ``balance`` and, per model, the proceeds in it (at most its balance)."""
    edges: list[Edge]
    seeded: dict[str, Decimal]
    exited: dict[str, Decimal]
    links_left_out: int = 0
    """Smaller links not kept (see :data:`KEEP_LINKS`)."""
    moved_left_out: Decimal = ZERO
    """The value those links moved."""
    accounts_left_out: int = 0

    def as_json(self) -> dict[str, Any]:
        """The flow as JSON (amounts as decimal strings)."""
        return {
            "currency": self.currency,
            "models": self.models,
            "accounts": {a: {k: str(v) for k, v in d.items()} for a, d in self.accounts.items()},
            "edges": [
                {
                    "source": e.source,
                    "target": e.target,
                    "amount": str(e.amount),
                    "count": e.count,
                    "carried": {k: str(v) for k, v in e.carried.items()},
                }
                for e in self.edges
            ],
            "seeded": {k: str(v) for k, v in self.seeded.items()},
            "exited": {k: str(v) for k, v in self.exited.items()},
            "links_left_out": self.links_left_out,
            "moved_left_out": str(self.moved_left_out),
            "accounts_left_out": self.accounts_left_out,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Flow:
        """A flow stored by :meth:`as_json`."""
        return cls(
            str(data["currency"]),
            [str(m) for m in data["models"]],
            {a: {k: Decimal(v) for k, v in d.items()} for a, d in data["accounts"].items()},
            [
                Edge(
                    e["source"],
                    e["target"],
                    Decimal(e["amount"]),
                    int(e["count"]),
                    {k: Decimal(v) for k, v in e["carried"].items()},
                )
                for e in data["edges"]
            ],
            {k: Decimal(v) for k, v in data["seeded"].items()},
            {k: Decimal(v) for k, v in data["exited"].items()},
            int(data.get("links_left_out", 0)),
            Decimal(data.get("moved_left_out", "0")),
            int(data.get("accounts_left_out", 0)),
        )


def follow(
    transfers: Iterable[Transfer], models: Sequence[Model], currency: str
) -> tuple[Flow, dict[Model, TraceResult]]:
    """The flow of the ledger under the models, and each model's result (one pass)."""
    tracers = {m: Tracer(m) for m in dict.fromkeys(models)}
    steps = [(m.value, t.step) for m, t in tracers.items()]
    edges: dict[tuple[str | None, str | None], Edge] = {}
    for transfer in transfers:
        key = (transfer.source, transfer.target)
        edge = edges.get(key)
        if edge is None:
            edge = edges[key] = Edge(*key, carried={name: ZERO for name, _ in steps})
        carried = edge.carried
        for name, step in steps:
            carried[name] += step(transfer)
        if transfer.amount > 0:
            edge.amount += transfer.amount
            edge.count += 1
    results = {m: t.finish() for m, t in tracers.items()}
    first = next(iter(results.values()))
    accounts = {
        name: {
            "balance": holding.balance,
            **{m.value: r.holdings[name].confiscable for m, r in results.items()},
        }
        for name, holding in first.holdings.items()
    }
    links = sorted((e for e in edges.values() if e.count), key=lambda e: -e.amount)
    kept = sorted(accounts, key=lambda a: -max(accounts[a].values()))[:KEEP_ACCOUNTS]
    flow = Flow(
        currency,
        [m.value for m in results],
        {a: accounts[a] for a in sorted(kept)},
        links[:KEEP_LINKS],
        {m.value: r.seeded for m, r in results.items()},
        {m.value: r.exited for m, r in results.items()},
        len(links[KEEP_LINKS:]),
        sum((e.amount for e in links[KEEP_LINKS:]), ZERO),
        len(accounts) - len(kept),
    )
    return flow, results
