"""The facts' lists and dicts: a list or dict in every respect but that they refuse change."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from uncc.analysis.frozen import FrozenDict, FrozenList
from uncc.analysis.intake import validate_incident
from uncc.yaml12 import load_yaml

ITEMS = st.lists(st.text(max_size=5), max_size=6)
MAPPINGS = st.dictionaries(st.text(max_size=5), st.integers(), max_size=6)


@given(ITEMS)
def test_a_frozen_list_is_the_list_it_was_made_from(items: list[str]) -> None:
    kept = FrozenList(items)
    assert kept == items
    assert (repr(kept), str(kept), json.dumps(kept)) == (repr(items), str(items), json.dumps(items))
    for again in (copy.copy(kept), copy.deepcopy(kept), pickle.loads(pickle.dumps(kept))):
        assert type(again) is FrozenList
        assert again == items
    assert kept[:2] == items[:2]
    assert list.__add__(kept, ["x"]) == [*items, "x"]  # a new, ordinary list


@given(MAPPINGS)
def test_a_frozen_dict_is_the_dict_it_was_made_from(mapping: dict[str, int]) -> None:
    kept = FrozenDict(mapping)
    assert kept == mapping
    assert (repr(kept), json.dumps(kept)) == (repr(mapping), json.dumps(mapping))
    for again in (copy.copy(kept), copy.deepcopy(kept), pickle.loads(pickle.dumps(kept))):
        assert type(again) is FrozenDict
        assert again == mapping
    assert {**kept, "x": 1} == {**mapping, "x": 1}  # a new, ordinary dict


def _each_change() -> list[tuple[str, Callable[[Any], object]]]:
    def setitem(x: Any) -> None:
        x[0] = "z"

    def setslice(x: Any) -> None:
        x[:] = []

    def delitem(x: Any) -> None:
        del x[0]

    def iadd(x: Any) -> None:
        x += ["z"]

    def imul(x: Any) -> None:
        x *= 2

    return [
        ("append", lambda x: x.append("z")),
        ("extend", lambda x: x.extend(["z"])),
        ("insert", lambda x: x.insert(0, "z")),
        ("remove", lambda x: x.remove("a")),
        ("pop", lambda x: x.pop()),
        ("clear", lambda x: x.clear()),
        ("sort", lambda x: x.sort()),
        ("reverse", lambda x: x.reverse()),
        ("setitem", setitem),
        ("setslice", setslice),
        ("delitem", delitem),
        ("iadd", iadd),
        ("imul", imul),
    ]


@pytest.mark.parametrize(("name", "change"), _each_change(), ids=[n for n, _ in _each_change()])
def test_a_frozen_list_refuses_every_change(name: str, change: Callable[[Any], object]) -> None:
    kept = FrozenList(["a", "b"])
    with pytest.raises(TypeError, match="do not change"):
        change(kept)
    assert kept == ["a", "b"], name


def test_a_frozen_dict_refuses_every_change() -> None:
    def setitem(x: Any) -> None:
        x["a"] = 2

    def delitem(x: Any) -> None:
        del x["a"]

    def ior(x: Any) -> None:
        x |= {"c": 3}

    changes: list[Callable[[Any], object]] = [
        setitem,
        delitem,
        ior,
        lambda x: x.update(c=3),
        lambda x: x.pop("a"),
        lambda x: x.popitem(),
        lambda x: x.setdefault("c", 3),
        lambda x: x.clear(),
    ]
    kept = FrozenDict({"a": 1, "b": 2})
    for change in changes:
        with pytest.raises(TypeError, match="do not change"):
            change(kept)
    assert kept == {"a": 1, "b": 2}


def _plain_containers(value: object, path: str) -> list[str]:
    """Where a plain (changeable) list or dict is left in validated facts."""
    if isinstance(value, BaseModel):
        return [
            p
            for name in type(value).model_fields
            for p in _plain_containers(getattr(value, name), f"{path}.{name}")
        ]
    found = []
    if isinstance(value, list):
        if type(value) is not FrozenList:
            found.append(path)
        found += [p for i, v in enumerate(value) for p in _plain_containers(v, f"{path}[{i}]")]
    elif isinstance(value, dict):
        if type(value) is not FrozenDict:
            found.append(path)
        found += [p for k, v in value.items() for p in _plain_containers(v, f"{path}[{k}]")]
    return found


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples/incidents").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_validated_facts_keep_no_list_or_dict_that_can_change(path: Path) -> None:
    raw = load_yaml(path.read_text(encoding="utf-8"))
    incident = validate_incident(raw, "facts")
    assert _plain_containers(incident, "incident") == []
    assert validate_incident({"uncc": "incident/1", "id": "empty"}, "facts").acts == []
    assert _plain_containers(validate_incident({"uncc": "incident/1", "id": "e"}, "f"), "i") == []
    assert incident.model_dump(mode="json") == validate_incident(raw, "again").model_dump(
        mode="json"
    )
