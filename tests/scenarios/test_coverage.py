"""Every offence, ground of jurisdiction and power has a scenario for each outcome."""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from uncc.analysis.facts import Incident, Inferred
from uncc.convention.catalogue import load_convention
from uncc.yaml12 import load_yaml

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
STATUSES = {"established", "not_established", "undetermined"}
AVAILABLE = {True: "established", False: "not_established", None: "undetermined"}


def _expectations() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted(HERE.rglob("*.yaml")):
        document = load_yaml(path.read_text(encoding="utf-8"))
        for scenario in document if isinstance(document, list) else [document]:
            found.append(scenario.get("expect", {}))
            found.extend(v.get("expect", {}) for v in scenario.get("variants", []))
    return found


def _asserted() -> dict[str, dict[str, set[str]]]:
    seen: dict[str, dict[str, set[str]]] = {
        "offence": defaultdict(set),
        "ground": defaultdict(set),
        "power": defaultdict(set),
    }
    for expect in _expectations():
        for item in expect.get("offences", []):
            if not item.get("absent"):
                seen["offence"][item["offence"]].add(item["status"])
        for item in expect.get("grounds", []):
            seen["ground"][item["ground"]].add(item["status"])
        for item in expect.get("measures", []):
            if "available" in item:
                seen["power"][item["power"]].add(AVAILABLE[item["available"]])
    return seen


ASSERTED = _asserted()
CONVENTION = load_convention()


@pytest.mark.parametrize("offence", sorted(o.id for _, o in CONVENTION.offences()))
def test_every_offence_has_all_three_outcomes(offence: str) -> None:
    missing = STATUSES - ASSERTED["offence"][offence]
    assert not missing, f"no scenario shows {offence} as {sorted(missing)}"


@pytest.mark.parametrize("ground", sorted(g.id for g in CONVENTION.article(40).grounds))
def test_every_ground_has_all_three_outcomes(ground: str) -> None:
    missing = STATUSES - ASSERTED["ground"][ground]
    assert not missing, f"no scenario shows ground {ground} as {sorted(missing)}"


BELIEF = {
    p.id for _, p in CONVENTION.powers() if p.parameters.get("threshold") == "reasonable_belief"
}
"""Powers on a reasonable belief (Arts. 45-47): open facts do not leave them undetermined."""


@pytest.mark.parametrize("power", sorted(p.id for _, p in CONVENTION.powers()))
def test_every_power_has_all_three_outcomes(power: str) -> None:
    wanted = STATUSES - {"undetermined"} if power in BELIEF else STATUSES
    missing = wanted - ASSERTED["power"][power]
    assert not missing, f"no scenario shows power {power} as {sorted(missing)}"


def _fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        for arg in typing.get_args(info.annotation) or (info.annotation,):
            for inner in typing.get_args(arg) or (arg,):
                model_type = isinstance(inner, type) and issubclass(inner, BaseModel)
                if model_type and inner is not Inferred:
                    yield from _fields(inner, f"{path}.")


def _used(node: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}{key}"
            yield path
            yield from _used(value, f"{path}.")
    elif isinstance(node, list):
        for item in node:
            yield from _used(item, prefix)


def _facts_used() -> set[str]:
    found: set[str] = set()
    for path in sorted(HERE.rglob("*.yaml")):
        document = load_yaml(path.read_text(encoding="utf-8"))
        for scenario in document if isinstance(document, list) else [document]:
            facts = scenario.get("facts") or {}
            if "facts_file" in scenario:
                facts = load_yaml((ROOT / scenario["facts_file"]).read_text(encoding="utf-8"))
            found.update(_used(facts))
            for variant in scenario.get("variants", []):
                for dotted in variant.get("set") or {}:
                    collection, _, rest = dotted.partition(".")
                    found.add(f"{collection}.{rest.partition('.')[2]}")
                found.update(_used(variant.get("add") or {}))
    return found


FACTS_USED = _facts_used()


NEW_FACTS = [
    "acts.circumstances.terrorist_link",
    "acts.mental_states",
    "acts.target_state",
    "data.apparent_age",
    "data.controller",
    "data.denied_crimes_established_by",
    "data.depicted_age",
    "data.depicts_real_person",
    "data.privacy_expected_now",
    "data.privacy_expected_when_recorded",
    "data.realistic",
    "investigations.ongoing",
    "investigations.proceeding",
    "investigations.source",
    "persons.evaded_justice",
    "property.destined_for",
    "property.used_in",
    "systems.holds_data_of_nationals_of",
]
"""The facts issue 18 added to the format."""


def test_the_new_facts_are_fields_of_the_format() -> None:
    fields = set(_fields(Incident))
    assert set(NEW_FACTS) <= fields, sorted(set(NEW_FACTS) - fields)


@pytest.mark.parametrize("field", NEW_FACTS)
def test_every_new_fact_is_used_by_a_scenario(field: str) -> None:
    assert field in FACTS_USED, f"no scenario states the fact '{field}'"
