"""Result objects made by the engine's makers are those their frozen classes make (hypothesis)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncc.analysis.drafts import drafted
from uncc.analysis.findings import (
    GroundFinding,
    Jurisdiction,
    Measure,
    OffenceFinding,
    make_ground_finding,
    make_jurisdiction,
    make_measure,
    make_offence_finding,
)

MAKERS: list[tuple[type[Any], Any]] = [
    (OffenceFinding, make_offence_finding),
    (GroundFinding, make_ground_finding),
    (Jurisdiction, make_jurisdiction),
    (Measure, make_measure),
]
VALUES = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))


@st.composite
def calls(draw: st.DrawFn) -> tuple[type[Any], Any, list[Any], dict[str, Any]]:
    """A class, its maker, and arguments: every required field, some optional ones by name."""
    cls, maker = draw(st.sampled_from(MAKERS))
    fields = dataclasses.fields(cls)
    required = [
        f
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    optional = [f for f in fields if f not in required]
    args = [draw(VALUES) for _ in required]
    named = {f.name: draw(VALUES) for f in optional if draw(st.booleans())}
    return cls, maker, args, named


@given(calls())
def test_a_maker_makes_what_the_class_makes(
    call: tuple[type[Any], Any, list[Any], dict[str, Any]],
) -> None:
    cls, maker, args, named = call
    plain = cls(*args, **named)
    made = maker(*args, **named)
    assert type(made) is cls
    assert made == plain
    assert list(vars(made).items()) == list(vars(plain).items())
    assert repr(made) == repr(plain)
    assert pickle.loads(pickle.dumps(made)) == plain
    assert copy.deepcopy(made) == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.trace = None


def test_defaults_made_by_a_factory_are_fresh_for_each_object() -> None:
    one = make_measure("XA", 43, "p", "P", "art_43", None, None)
    two = make_measure("XA", 43, "p", "P", "art_43", None, None)
    assert one.parameters == two.parameters == {}
    assert one.parameters is not two.parameters


def test_a_maker_refuses_what_it_cannot_make_alike() -> None:
    @dataclasses.dataclass
    class Open:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        x: int

    for cls in (Open, Slotted):
        with pytest.raises(TypeError):
            drafted(cls)
