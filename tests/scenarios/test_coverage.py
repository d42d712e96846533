"""Every offence, ground of jurisdiction and power has a scenario for each outcome."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from uncc.convention.catalogue import load_convention
from uncc.yaml12 import load_yaml

HERE = Path(__file__).parent
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


@pytest.mark.parametrize("power", sorted(p.id for _, p in CONVENTION.powers()))
def test_every_power_has_all_three_outcomes(power: str) -> None:
    missing = STATUSES - ASSERTED["power"][power]
    assert not missing, f"no scenario shows power {power} as {sorted(missing)}"
