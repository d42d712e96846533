"""Kleene's strong three-valued logic."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, Status, Truth, all_, any_, truth_of

T, F, U = Truth.TRUE, Truth.FALSE, Truth.UNKNOWN
truths = st.sampled_from([T, F, U])


def test_truth_tables() -> None:
    assert all_([T, U]) is U
    assert all_([F, U]) is F
    assert any_([T, U]) is T
    assert any_([F, U]) is U
    assert all_([]) is T
    assert any_([]) is F
    assert ~U is U
    assert ~T is F


def refines(a: Truth, b: Truth) -> bool:
    """b is a (possibly) more informed version of a."""
    return a is U or a is b


@given(st.lists(truths, max_size=5), st.data())
def test_operations_are_monotone(values: list[Truth], data: st.DataObject) -> None:
    informed = [v if v is not U else data.draw(truths) for v in values]
    for op in (all_, any_):
        before, after = op(values), op(informed)
        assert refines(before, after)
    for before_v, after_v in zip(values, informed, strict=True):
        assert refines(~before_v, ~after_v)


def test_status_words() -> None:
    assert Status.of(T) is Status.ESTABLISHED
    assert Status.of(F) is Status.NOT_ESTABLISHED
    assert Status.of(U) is Status.UNDETERMINED
    assert Truth.of(None) is U


def test_the_module_constants_are_the_members() -> None:
    assert TRUE is T
    assert FALSE is F
    assert UNKNOWN is U


@given(st.one_of(st.none(), st.booleans()))
def test_truth_of_gives_the_member_for_a_value(value: bool | None) -> None:
    expected = U if value is None else (T if value else F)
    assert truth_of(value) is expected
    assert Truth.of(value) is expected


@given(truths)
def test_negation_is_the_same_member(value: Truth) -> None:
    expected = {T: F, F: T, U: U}[value]
    assert ~value is expected
