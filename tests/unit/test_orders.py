"""Order state machines: every (state, command) pair of every power, and the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from uncc.convention.catalogue import load_convention
from uncc.domain.order_rules import Basis, Law, check_draft, check_move, law_of, overdue
from uncc.domain.orders import TRANSITIONS, Command, Order, OrderState, Target, move
from uncc.errors import ConflictError, RuleViolation
from uncc.parties.catalogue import builtin_profile
from uncc.parties.profile import Profile

NOW = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def law(**profile: object) -> Law:
    """The law of XA under a profile with these fields (over a bare profile)."""
    base: dict[str, object] = {
        "uncc": "profile/1",
        "name": "test",
        "state": "XA",
        "serious_offences": ["computer_fraud"],
        "judicial_authorisation": ["preservation"],
        "options": ["art_43.renewal"],
    }
    return law_of(
        load_convention(),
        Profile.model_validate({**base, **profile}),
        builtin_profile("baseline"),
    )


SETTINGS = law()
FINDINGS = [
    Basis("computer_fraud", "established"),
    Basis("illegal_access", "undetermined"),
    Basis("data_interference", "not_established"),
]


def order(power: str = "preservation", **changes: object) -> Order:
    base = Order(
        id="o1",
        case_id="c1",
        power=power,
        state=OrderState.DRAFT,
        offences=("computer_fraud",),
        targets=(Target("logs", "data", "XA"),),
        grounds="logs show the transfer",
        scope="logs of 1-10 May",
        necessity="the logs are kept 14 days",
        proportionality="only the account concerned",
        duration_days=90,
        created_by="ivan",
        created_at=NOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_every_power_of_the_convention_has_a_table() -> None:
    assert set(TRANSITIONS) == {p.id for _, p in load_convention().powers()}


@pytest.mark.parametrize("power", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", list(OrderState))
@pytest.mark.parametrize("command", list(Command))
def test_every_state_and_command(power: str, state: OrderState, command: Command) -> None:
    start = order(power, state=state)
    expected = TRANSITIONS[power].get((state, command))
    if expected is None:
        with pytest.raises(ConflictError, match=f"is {state.value}: cannot {command.value}"):
            move(start, command, "someone", NOW)
    else:
        after = move(start, command, "someone", NOW)
        assert after.state is expected
        assert after.history[-1].command is command


def test_issue_sets_the_period_and_renewal_extends_it() -> None:
    issued = move(order(state=OrderState.AUTHORISED), Command.ISSUE, "pia", NOW)
    assert issued.expires_at == NOW + dt.timedelta(days=90)
    renewed = move(issued, Command.RENEW, "pia", NOW + dt.timedelta(days=80))
    assert renewed.renewals == 1
    assert renewed.expires_at == NOW + dt.timedelta(days=180)
    assert overdue(renewed, NOW + dt.timedelta(days=181))
    assert not overdue(renewed, NOW + dt.timedelta(days=179))


def test_search_cannot_be_renewed() -> None:
    with pytest.raises(ConflictError):
        move(order("search", state=OrderState.ISSUED), Command.RENEW, "pia", NOW)


@pytest.mark.parametrize(
    ("changes", "provision"),
    [
        ({"offences": ()}, "art_41__para_2"),
        ({"offences": ("grooming",)}, "art_41__para_2"),
        ({"offences": ("data_interference",)}, "art_41__para_2"),
        ({"grounds": " "}, "art_42__para_2"),
        ({"necessity": ""}, "art_42__para_1"),
        ({"duration_days": 91}, "art_43__para_2"),
        ({"duration_days": None}, "art_43__para_2"),
        ({"targets": ()}, "art_42__para_2"),
    ],
)
def test_drafting_refusals_cite_the_provision(changes: dict[str, object], provision: str) -> None:
    with pytest.raises(RuleViolation) as info:
        check_draft(order(**changes), FINDINGS, SETTINGS)
    assert info.value.provision == provision


def test_an_undetermined_offence_is_a_legal_basis() -> None:
    check_draft(order(offences=("illegal_access",)), FINDINGS, SETTINGS)


def test_interception_only_for_listed_serious_offences() -> None:
    check_draft(order("interception", duration_days=30), FINDINGS, SETTINGS)
    with pytest.raises(RuleViolation) as info:
        check_draft(
            order("interception", offences=("illegal_access",), duration_days=30),
            FINDINGS,
            SETTINGS,
        )
    assert info.value.provision == "art_48__para_1"


def test_a_search_abroad_is_refused_with_a_request_proposed() -> None:
    with pytest.raises(RuleViolation) as info:
        check_draft(order("search", targets=(Target("s1", "system", "XB"),)), FINDINGS, SETTINGS)
    assert info.value.provision == "art_4__para_3"
    assert "request XB to act instead" in str(info.value)


def test_preservation_abroad_is_not_territorial() -> None:
    check_draft(order(targets=(Target("logs", "data", "XB"),)), FINDINGS, SETTINGS)


def test_issue_needs_the_judge_where_the_state_requires_it() -> None:
    draft = order(requires_authorisation=True)
    with pytest.raises(RuleViolation) as info:
        check_move(draft, Command.ISSUE, SETTINGS, NOW)
    assert info.value.provision == "art_42__para_2"
    check_move(replace(draft, authorised_by="judge"), Command.ISSUE, SETTINGS, NOW)


def test_renewal_rules() -> None:
    issued = move(order(state=OrderState.AUTHORISED), Command.ISSUE, "pia", NOW)
    with pytest.raises(RuleViolation, match="does not allow renewal"):
        check_move(issued, Command.RENEW, law(options=[]), NOW)
    with pytest.raises(RuleViolation, match="already run out"):
        check_move(issued, Command.RENEW, SETTINGS, NOW + dt.timedelta(days=91))
