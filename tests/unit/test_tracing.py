"""Proceeds tracing: worked examples per model, and conservation as a property."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from uncc.domain.tracing import Model, Transfer, trace

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
