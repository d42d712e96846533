"""Art. 38: evasion of justice suspends or extends the period, as the State's profile says."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from uncc.analysis.limitation import Evasion, add_years, reckon
from uncc.errors import ProfileError
from uncc.parties.catalogue import parse_profile
from uncc.parties.profile import EvasionEffect, Limitation

ACT = dt.date(2020, 3, 1)
D = dt.date.fromisoformat


def test_without_evasion_the_period_runs_from_the_act() -> None:
    found = reckon(ACT, 5, D("2025-03-02"), effect=EvasionEffect.SUSPENDS, evasion=[])
    assert (found.deadline, found.expired) == (D("2025-03-01"), True)
    assert add_years(D("2024-02-29"), 1) == D("2025-02-28")


def test_suspension_adds_the_days_the_offender_evaded_justice() -> None:
    spans = [Evasion(D("2021-01-01"), D("2021-04-11"))]  # 100 days
    found = reckon(ACT, 5, D("2025-03-02"), effect=EvasionEffect.SUSPENDS, evasion=spans)
    assert found.deadline == D("2025-06-09")
    assert found.expired is False
    assert found.note == "suspended 100 days while the offender evaded justice"


def test_evasion_after_the_period_ran_out_changes_nothing() -> None:
    spans = [Evasion(D("2026-01-01"), D("2027-01-01"))]
    found = reckon(ACT, 5, D("2026-06-01"), effect=EvasionEffect.SUSPENDS, evasion=spans)
    assert (found.deadline, found.expired) == (D("2025-03-01"), True)


def test_an_offender_still_evading_is_never_time_barred_under_suspension() -> None:
    spans = [Evasion(D("2022-01-01"))]
    found = reckon(ACT, 5, D("2040-01-01"), effect=EvasionEffect.SUSPENDS, evasion=spans)
    assert (found.deadline, found.expired) == (None, False)
    assert "evades justice" in found.note


def test_extension_applies_the_longer_period() -> None:
    spans = [Evasion(D("2021-01-01"), D("2021-02-01"))]
    found = reckon(
        ACT,
        5,
        D("2026-01-01"),
        effect=EvasionEffect.EXTENDS,
        evasion_years=15,
        evasion=spans,
    )
    assert (found.deadline, found.expired) == (D("2035-03-01"), False)


def test_unknown_evasion_leaves_a_passed_deadline_undetermined() -> None:
    late = reckon(
        ACT, 5, D("2026-01-01"), effect=EvasionEffect.EXTENDS, evasion_years=15, evasion=None
    )
    assert (late.expired, late.needs_evasion) == (None, True)
    early = reckon(
        ACT, 5, D("2024-01-01"), effect=EvasionEffect.EXTENDS, evasion_years=15, evasion=None
    )
    assert (early.expired, early.needs_evasion) == (False, False)


def test_a_state_whose_law_gives_evasion_no_effect_needs_no_evasion_fact() -> None:
    found = reckon(ACT, 5, D("2026-01-01"), effect=EvasionEffect.NONE, evasion=None)
    assert (found.deadline, found.expired, found.needs_evasion) == (D("2025-03-01"), True, False)


def test_evasion_without_the_states_rule_leaves_a_passed_deadline_undetermined() -> None:
    spans = [Evasion(D("2021-01-01"), D("2021-02-01"))]
    found = reckon(ACT, 5, D("2026-01-01"), effect=None, evasion=spans)
    assert (found.expired, found.needs_rule) == (None, True)


def test_the_profile_states_the_rule_consistently() -> None:
    assert Limitation(default=5, evasion=EvasionEffect.SUSPENDS).evasion is EvasionEffect.SUSPENDS
    with pytest.raises(ValidationError, match="evasion: extends needs evasion_years"):
        Limitation(default=5, evasion=EvasionEffect.EXTENDS)
    with pytest.raises(ValidationError, match="only used with evasion: extends"):
        Limitation(default=5, evasion=EvasionEffect.SUSPENDS, evasion_years=20)


@pytest.mark.parametrize(
    ("limitation", "message"),
    [
        ("{default: 10, evasion: extends}", "limitation: Value error, evasion: extends needs"),
        ("{default: 10, evasion: sometimes}", "limitation.evasion: Input should be"),
    ],
)
def test_a_profile_with_a_bad_evasion_rule_is_refused_naming_the_field(
    limitation: str, message: str
) -> None:
    text = f"uncc: profile/1\nname: Test\nstate: XA\nlimitation: {limitation}\n"
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, "test.yaml")
    assert any(p.startswith(message) for p in caught.value.problems)
