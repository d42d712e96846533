"""Proceeds tracing: worked examples per model, and conservation as a property."""

from __future__ import annotations

import gc
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.garbage import unreachable_from
from uncc.domain.tracing import Model, Tracer, Transfer, trace

D = Decimal


def ledger() -> list[Transfer]:
    # 100 of proceeds and 100 clean reach account A; A sends 50, then 100 to B.
    return [
        Transfer("t1", None, "A", D(100), tainted=False),
        Transfer("t2", None, "A", D(100), tainted=True),
        Transfer("t3", "A", "B", D(50)),
        Transfer("t4", "A", "C", D(100)),
    ]


def tainted(model: Model) -> dict[str, Decimal]:
    return {k: h.tainted for k, h in trace(ledger(), model).holdings.items()}


def test_fifo_spends_the_oldest_first() -> None:
    assert tainted(Model.FIFO) == {"A": D(50), "B": D(0), "C": D(50)}


def test_lifo_spends_the_newest_first() -> None:
    assert tainted(Model.LIFO) == {"A": D(0), "B": D(50), "C": D(50)}


def test_haircut_spreads_the_taint() -> None:
    assert tainted(Model.HAIRCUT) == {"A": D(25), "B": D(25), "C": D(50)}


def test_tiho_sends_the_taint_first() -> None:
    assert tainted(Model.TIHO) == {"A": D(0), "B": D(50), "C": D(50)}


def test_poison_is_an_upper_bound() -> None:
    result = trace(ledger(), Model.POISON)
    assert Model.POISON.upper_bound_only
    assert {k: h.tainted for k, h in result.holdings.items()} == {
        "A": D(50),
        "B": D(50),
        "C": D(100),
    }


def test_confiscable_never_exceeds_the_proceeds_or_the_balance() -> None:
    result = trace([*ledger(), Transfer("t5", "C", None, D(80))], Model.HAIRCUT)
    assert result.holdings["C"].balance == D(20)
    assert result.holdings["C"].confiscable == D(10)  # half of what is left was proceeds
    assert result.exited == D(40)


def test_overdrafts_are_reported_not_hidden() -> None:
    result = trace([Transfer("t1", "A", "B", D(10))], Model.FIFO)
    assert result.problems == [
        "t1: A sends 10 but holds 0; the missing 10 is treated as clean funds of unknown origin"
    ]


accounts = st.sampled_from(["A", "B", "C", "D"])
amounts = st.integers(1, 1000).map(D)
transfers = st.lists(
    st.tuples(
        st.one_of(st.none(), accounts), st.one_of(st.none(), accounts), amounts, st.booleans()
    ),
    max_size=40,
).map(lambda rows: [Transfer(f"t{i}", s, t, a, bad) for i, (s, t, a, bad) in enumerate(rows)])


@given(transfers, st.sampled_from([Model.FIFO, Model.LIFO, Model.HAIRCUT, Model.TIHO]))
def test_value_is_conserved_and_never_exceeds_the_balance(
    rows: list[Transfer], model: Model
) -> None:
    result = trace(rows, model)
    assert abs(result.in_accounts() + result.exited - result.seeded) < D("1e-12")
    for holding in result.holdings.values():
        assert D(0) <= holding.tainted <= holding.balance + D("1e-12")


@given(transfers)
def test_poison_bounds_every_other_model(rows: list[Transfer]) -> None:
    poison = trace(rows, Model.POISON).holdings
    for model in (Model.FIFO, Model.LIFO, Model.HAIRCUT, Model.TIHO):
        for name, holding in trace(rows, model).holdings.items():
            assert holding.tainted <= poison[name].tainted + D("1e-12"), (model, name)


def _by_lots(rows: list[Transfer], oldest: bool) -> dict[str, Decimal]:
    """FIFO/LIFO done plainly: every receipt a lot of its own, spent from one end."""
    lots: dict[str, list[list[object]]] = {}
    tainted: dict[str, Decimal] = {}
    for t in rows:
        moved = D(0)
        if t.source is not None:
            queue = lots.setdefault(t.source, [])
            held = sum((x[0] for x in queue), D(0))  # type: ignore[misc]
            if t.amount > held:
                queue.append([t.amount - held, False])  # the overdraft: clean funds
            left = t.amount
            while left > 0:
                lot = queue[0 if oldest else -1]
                used = min(lot[0], left)  # type: ignore[type-var]
                moved += used if lot[1] else D(0)
                lot[0] -= used  # type: ignore[operator]
                left -= used
                if lot[0] == 0:
                    queue.remove(lot)
        if t.tainted:
            moved = t.amount
        if t.target is not None:
            queue = lots.setdefault(t.target, [])
            queue += [[moved, True], [t.amount - moved, False]]
            queue[:] = [x for x in queue if x[0] != 0]
    for name, queue in lots.items():
        tainted[name] = sum((x[0] for x in queue if x[1]), D(0))  # type: ignore[misc]
    return tainted


@given(transfers, st.booleans())
def test_fifo_and_lifo_spend_as_lots_kept_apart_would(rows: list[Transfer], oldest: bool) -> None:
    model = Model.FIFO if oldest else Model.LIFO
    found = {k: h.tainted for k, h in trace(rows, model).holdings.items()}
    assert found == _by_lots(rows, oldest)


def _reference(rows: list[Transfer], model: Model) -> tuple[dict[str, tuple[D, D]], D, D]:
    """FIFO, LIFO, TIHO and poison in plain Decimal arithmetic, every receipt a lot of its own.

    Per account (balance, proceeds), then the proceeds seeded and exited.
    """
    zero = D(0)
    balance: dict[str, D] = {}
    tainted: dict[str, D] = {}
    lots: dict[str, list[tuple[D, bool]]] = {}
    poisoned: set[str] = set()
    seeded = exited = zero
    for t in rows:
        if t.amount <= 0:
            continue
        moved = zero
        if t.source is not None:
            name = t.source
            held = balance.get(name, zero)
            queue = lots.setdefault(name, [])
            if t.amount > held:
                queue.append((t.amount - held, False))  # the overdraft: clean funds
                held = t.amount
            if model in (Model.FIFO, Model.LIFO):
                left = t.amount
                while left > 0:
                    at = 0 if model is Model.FIFO else len(queue) - 1
                    size, bad = queue[at]
                    used = min(size, left)
                    moved += used if bad else zero
                    left -= used
                    if used == size:
                        del queue[at]
                    else:
                        queue[at] = (size - used, bad)
            elif model is Model.TIHO:
                moved = min(t.amount, tainted.get(name, zero))
            elif name in poisoned:
                moved = t.amount
            balance[name] = held - t.amount
            tainted[name] = max(zero, tainted.get(name, zero) - moved)
            if name in poisoned:
                tainted[name] = max(zero, balance[name])
        if t.tainted:
            seeded += t.amount - moved
            moved = t.amount
        if t.target is None:
            exited += moved
            continue
        name = t.target
        balance[name] = balance.get(name, zero) + t.amount
        tainted[name] = tainted.get(name, zero) + moved
        lots.setdefault(name, []).extend(
            lot for lot in ((moved, True), (t.amount - moved, False)) if lot[0]
        )
        if model is Model.POISON and moved > 0:
            poisoned.add(name)
            tainted[name] = balance[name]
    accounts = {name: (balance[name], tainted.get(name, zero)) for name in balance}
    return accounts, seeded, exited


scaled = st.tuples(st.integers(1, 10**6), st.integers(0, 4)).map(lambda n: D(n[0]).scaleb(-n[1]))
"""Amounts with 0 to 4 decimals, so that the minor units' scale grows within a ledger."""
mixed = st.lists(
    st.tuples(
        st.one_of(st.none(), accounts), st.one_of(st.none(), accounts), scaled, st.booleans()
    ),
    max_size=40,
).map(lambda rows: [Transfer(f"t{i}", s, t, a, bad) for i, (s, t, a, bad) in enumerate(rows)])


@given(mixed, st.sampled_from([Model.FIFO, Model.LIFO, Model.TIHO, Model.POISON]))
def test_minor_units_give_the_decimal_results(rows: list[Transfer], model: Model) -> None:
    result = trace(rows, model)
    accounts, seeded, exited = _reference(rows, model)
    found = {name: (h.balance, h.tainted) for name, h in result.holdings.items()}
    assert found == accounts
    assert (result.seeded, result.exited) == (seeded, exited)


def test_amounts_with_more_decimals_rescale_what_is_held() -> None:
    rows = [
        Transfer("t1", None, "A", D(3), tainted=True),
        Transfer("t2", "A", "B", D("1.25")),
        Transfer("t3", "B", None, D("0.005")),
    ]
    result = trace(rows, Model.FIFO)
    assert result.holdings["A"].tainted == D("1.75")
    assert result.holdings["B"].balance == D("1.245")
    assert result.exited == D("0.005")
    assert str(result.holdings["B"].balance) == "1.245"


@pytest.mark.parametrize("model", list(Model))
def test_a_trace_makes_no_reference_cycles_and_puts_the_collector_back(model: Model) -> None:
    """The collector is paused while tracing: what a trace drops, reference counting frees."""
    transfers = [
        *ledger(),
        Transfer("t5", "C", "D", D("12.345")),  # more decimals: the scale grows
        Transfer("t6", "B", None, D(60)),  # more than B holds: a problem noted
        Transfer("t7", "D", "A", D(0)),  # not positive: refused
    ]
    was = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        result = trace(transfers, model)
        assert not gc.isenabled()  # left as it was before the trace
        assert result.problems
        del result
        assert unreachable_from(Tracer.__module__) == []  # other threads may leave theirs
        gc.enable()
        trace(transfers, model)
        assert gc.isenabled()
    finally:
        if was:
            gc.enable()
        else:
            gc.disable()
