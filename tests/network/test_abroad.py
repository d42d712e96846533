"""The dual-criminality and availability check under the requested State's law (YAML scenarios)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.scenarios.runner import ROOT, Case, load_cases
from uncc.parties.catalogue import parse_profile
from uncc.services.abroad import assess, offence_problems

CASES = load_cases(Path(__file__).with_name("abroad.yaml"))


@pytest.mark.parametrize("case", CASES, ids=[f"{c.scenario} :: {c.name}" for c in CASES])
def test_the_requested_states_law_decides(case: Case) -> None:
    expect = case.expect
    state = expect["requested"]
    specs = [s for s in case.settings.get("profiles", []) if state.lower() in s]
    profile = parse_profile((ROOT / specs[0]).read_text(encoding="utf-8")) if specs else None
    found = assess(case.raw_facts, state, profile, expect["measure"], dt.date(2026, 6, 1))
    assert found.dual_criminality == expect["dual_criminality"]
    statuses = {o.offence: o.status for o in found.offences}
    for offence, status in expect.get("offences", {}).items():
        assert statuses.get(offence) == status, (offence, statuses)
    if "measure_available" in expect:
        assert found.measure_available == expect["measure_available"], found.conditions
    for path in expect.get("missing", []):
        assert path in found.missing, found.missing
    if "profile" in expect:
        assert found.profile == expect["profile"]
    assert all(o.provision.startswith("art_") for o in found.offences)  # each result cites


def test_offence_ids_are_checked_against_the_convention_model() -> None:
    assert offence_problems(["illegal_access", "computer_fraud"]) == []
    assert offence_problems(["illegal access"]) == [
        "offences.0: 'illegal access' is not an offence id of the Convention model"
        " (did you mean illegal_access?)"
    ]


def test_a_profile_published_for_another_state_or_broken_is_not_applied() -> None:
    """A member's directory entry carrying a profile of another State, or a broken one."""
    from uncc.services.request_drafts import published_profile  # noqa: PLC0415

    text = (ROOT / "examples/profiles/xa-northland.yaml").read_text(encoding="utf-8")
    northland = parse_profile(text).model_dump(mode="json", exclude_none=True)
    assert published_profile(northland, "XA") is not None
    assert published_profile(northland, "XB") is None  # XB may not speak for XA's law
    assert published_profile({**northland, "options": ["art_6.no_such_option"]}, "XA") is None
    assert published_profile({"uncc": "profile/1"}, "XA") is None
    assert published_profile(None, "XA") is None
