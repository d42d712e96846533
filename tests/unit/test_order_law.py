"""Every power's order rules come from the Convention model and the profiles, not code.

Table-driven over all powers: what the node enforces equals what the data says, and
when the data changes (a power's order terms in the model, a State's profile) the
rules and the transition tables change with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from uncc.convention.catalogue import Convention, load_convention
from uncc.convention.model import DurationSource, OrderTerms, Power, RenewalSource
from uncc.domain.order_rules import Basis, check_draft, check_move, law_of
from uncc.domain.orders import TRANSITIONS, Command, Order, OrderState, Target, move, transitions
from uncc.errors import ProfileError, RuleViolation
from uncc.parties.catalogue import builtin_profile, parse_profile
from uncc.parties.profile import Profile

CONVENTION = load_convention()
POWERS = {p.id: p for _, p in CONVENTION.powers()}
BASELINE = builtin_profile("baseline")
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def profile(**fields: object) -> Profile:
    return Profile.model_validate({"uncc": "profile/1", "name": "t", "state": "XA", **fields})


def with_terms(power_id: str, terms: OrderTerms) -> Convention:
    """The Convention model with one power's order terms replaced."""
    articles = tuple(
        replace(
            a, powers=tuple(replace(p, order=terms) if p.id == power_id else p for p in a.powers)
        )
        for a in CONVENTION.articles
    )
    return Convention(articles, CONVENTION.terms, CONVENTION.treaties)


def order(power: str, days: int | None, **changes: object) -> Order:
    base = Order(
        id="O-1",
        case_id="C-1",
        power=power,
        state=OrderState.DRAFT,
        offences=("terrorism",),
        targets=(Target("t", "data", "XA"),),
        grounds="g",
        scope="s",
        necessity="n",
        proportionality="p",
        duration_days=days,
        created_by="ivan",
        created_at=NOW,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


FINDINGS = [Basis("terrorism", "established")]


@pytest.mark.parametrize("power", sorted(POWERS))
def test_each_rule_of_each_power_is_the_data(power: str) -> None:
    state = profile(
        options=["art_43.renewal", "art_41.realtime_offence_list"],
        judicial_authorisation=[power],
        serious_offences=["terrorism"],
    )
    rules = law_of(CONVENTION, state, BASELINE).of(power)
    data: Power = POWERS[power]
    terms = data.order
    assert rules.territorial == (data.territorial and not terms.addressee_in_territory)
    assert rules.duration_required == terms.duration_required
    assert rules.duration_at == terms.duration_at
    assert rules.renewal_at == terms.renewal_at
    assert rules.confidential_at == data.confidentiality
    assert rules.judge
    assert not law_of(CONVENTION, profile(), BASELINE).of(power).judge
    limits = BASELINE.orders.get(power)
    expected_days = {
        DurationSource.NONE: None,
        DurationSource.CONVENTION: terms.max_days,
        DurationSource.STATE_LAW: limits.max_days if limits else None,
    }[terms.duration]
    assert rules.max_days == expected_days
    assert rules.renewable == (terms.renewal is not RenewalSource.NEVER)
    assert ((Command.RENEW, OrderState.ISSUED) in {(c, s) for s, c in TRANSITIONS[power]}) == (
        terms.renewal is not RenewalSource.NEVER
    )
    reserved = any(
        power in o.targets and "offence_list" in o.parameters for _, o in CONVENTION.options()
    )
    assert [x.at for x in rules.offence_lists] == [data.at] * data.serious_offences_only + [
        "art_41__para_3__point_a"
    ] * reserved


@pytest.mark.parametrize("power", sorted(POWERS))
def test_changing_the_model_changes_the_rules(power: str) -> None:
    """Give any power a 7-day ceiling and renewals: the node follows the model."""
    terms = OrderTerms(
        duration=DurationSource.CONVENTION,
        duration_required=True,
        max_days=7,
        duration_at="art_42__para_2",
        renewal=RenewalSource.STATE_LAW,
        renewal_at="art_42__para_2",
    )
    model = with_terms(power, terms)
    state = profile(serious_offences=["terrorism"], orders={power: {"max_renewals": 1}})
    law = law_of(model, state, BASELINE)
    with pytest.raises(RuleViolation) as info:
        check_draft(order(power, 8), FINDINGS, law)
    assert info.value.provision == "art_42__para_2"
    check_draft(order(power, 7), FINDINGS, law)
    table = transitions(model)[power]
    assert table[(OrderState.ISSUED, Command.RENEW)] is OrderState.ISSUED
    issued = move(order(power, 7), Command.ISSUE, "pia", NOW)
    renewed = replace(issued, renewals=1)
    check_move(issued, Command.RENEW, law, NOW)
    with pytest.raises(RuleViolation, match="at most 1 times"):
        check_move(renewed, Command.RENEW, law, NOW)
    never = with_terms(power, OrderTerms())
    assert (OrderState.ISSUED, Command.RENEW) not in transitions(never)[power]
    check_draft(order(power, None), FINDINGS, law_of(never, state, BASELINE))


def test_same_order_two_profiles_two_outcomes() -> None:
    """One real-time collection order: allowed where the State made no reservation,
    refused where it reserved Art. 47 to a list without the offence; 90 days refused
    under the baseline's 60, allowed where the State's law says 90."""
    realtime = order("realtime_traffic_collection", 30, offences=("illegal_access",))
    basis = [Basis("illegal_access", "undetermined")]
    check_draft(realtime, basis, law_of(CONVENTION, profile(), BASELINE))
    reserved = profile(options=["art_41.realtime_offence_list"], realtime_offences=["terrorism"])
    with pytest.raises(RuleViolation) as info:
        check_draft(realtime, basis, law_of(CONVENTION, reserved, BASELINE))
    assert info.value.provision == "art_41__para_3__point_a"
    long = replace(realtime, duration_days=90)
    with pytest.raises(RuleViolation, match="at most 60 days under the baseline"):
        check_draft(long, basis, law_of(CONVENTION, profile(), BASELINE))
    longer = profile(orders={"realtime_traffic_collection": {"max_days": 90}})
    check_draft(long, basis, law_of(CONVENTION, longer, BASELINE))


@pytest.mark.parametrize(
    ("orders", "message"),
    [
        ({"preservation": {"max_days": 120}}, "more than the 90 days of art_43__para_2"),
        ({"search": {"max_days": 10}}, "a search order has no period"),
        ({"seizure": {"max_renewals": 2}}, "a seizure order is never renewed"),
        ({"intercepton": {"max_days": 10}}, "did you mean 'interception'"),
    ],
)
def test_a_profile_cannot_go_beyond_the_convention(orders: object, message: str) -> None:
    text = f"uncc: profile/1\nname: t\nstate: XA\norders: {orders}\n"
    with pytest.raises(ProfileError, match=message):
        parse_profile(text)


def test_the_baseline_sets_what_the_convention_leaves_to_the_state() -> None:
    """Every power whose period the Convention leaves to the State's law has one in the
    baseline, so that every such order gets an expiry and a maximum."""
    for power in POWERS.values():
        if power.order.duration is DurationSource.STATE_LAW:
            limits = BASELINE.orders[power.id]
            assert limits.max_days is not None
            assert limits.max_renewals is not None
