"""The engine's fast paths give the results of the plain rules they replace (hypothesis).

- Offences looked up by conduct are those whose conduct elements do not rule the act out.
- A State nobody asked about is judged competent exactly when its full jurisdiction
  (every ground, every offence) is not FALSE, so whom a State must consult is unchanged.
- Nodes shared by the profiles of one analysis (elements and offences read from the
  facts alone, ``World.shared``) are those each profile makes on its own.
- Each ground's truth value, found without its node, is the outcome of the node its
  reader makes; a node made when first read (``Deferred``) has the outcome it was
  given, and is equal, hashed, shown, copied and pickled as the node it stands for.
- Each ground's node, whose pair and reading nodes its recipe makes when first read, is
  the node made at once from the findings and its reader's nodes.
- The powers of a State, sharing the nodes, targets and places found once per State,
  are the measures each power makes with nothing shared.
- Trace nodes made by the engine's constructor are ordinary, equal ``Trace`` objects
  (frozen, slotted, copied and pickled like those made by ``Trace(...)``).
"""

from __future__ import annotations

import copy
import dataclasses
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncc.analysis.engine import _Evaluator, analyze
from uncc.analysis.facts import Act
from uncc.analysis.intake import validate_incident
from uncc.analysis.logic import Truth, all_, any_
from uncc.analysis.rules.grounds_truth import TRUTHS
from uncc.analysis.rules.jurisdiction import READERS, jurisdiction
from uncc.analysis.rules.measures import Scope, measures, plans, state_measures
from uncc.analysis.rules.offences import candidates
from uncc.analysis.trace import Deferred, Missing, Trace, combine, deferred, leaf, negate
from uncc.analysis.vocabulary import Conduct
from uncc.analysis.world import World
from uncc.convention.model import ElementRole, Offence
from uncc.parties.catalogue import parse_profile
from uncc.parties.profile import Profile

from .test_analysis_properties import BASELINE, CONVENTION, FAST, STATES, STRICT, pairs

GROUNDS = CONVENTION.article(40).grounds
ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [
    parse_profile(path.read_text(encoding="utf-8"), path.name)
    for path in sorted((ROOT / "examples/profiles").glob("*.yaml"))
]


def _conduct_reference(offence: Offence, act: Act) -> Truth:
    """Each conduct element asked in turn: any of them (no conduct element: TRUE)."""
    elements = [e for e in offence.elements if e.role is ElementRole.CONDUCT]
    if not elements:
        return Truth.TRUE
    if act.conduct is None:
        return Truth.UNKNOWN
    conduct = act.conduct.value
    return any_(Truth.of(conduct in e.any_of) for e in elements)


def _reference_candidates(act: Act) -> list[str]:
    return [o.id for _, o in CONVENTION.offences() if _conduct_reference(o, act) is not Truth.FALSE]


def _act(conduct: str | None) -> Act:
    raw: dict[str, Any] = {
        "uncc": "incident/1",
        "id": "conducts",
        "acts": [{"id": "a1"} if conduct is None else {"id": "a1", "conduct": conduct}],
    }
    return validate_incident(raw, "conducts").acts[0]


def test_every_conduct_finds_the_offences_its_conduct_elements_allow() -> None:
    for conduct in [None, *(c.value for c in Conduct)]:
        act = _act(conduct)
        found = [o.id for _, o in candidates(CONVENTION, act)]
        assert found == _reference_candidates(act), conduct


@FAST
@given(pairs())
def test_offences_looked_up_by_conduct_are_those_not_ruled_out(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    for raw in pair:
        for act in validate_incident(raw, "generated").acts:
            found = [o.id for _, o in candidates(CONVENTION, act)]
            assert found == _reference_candidates(act)


def _full_outcome(world: World, state: str, profile: Profile) -> Truth:
    """The State's jurisdiction judged in full: every ground over every offence found."""
    evaluator = _Evaluator(CONVENTION, world, profile.for_state(state))
    return jurisdiction(state, evaluator.findings(), GROUNDS, evaluator.ctx).trace.outcome


@FAST
@given(pairs(), st.sampled_from([BASELINE, STRICT]))
def test_a_state_nobody_asked_about_is_competent_as_its_full_jurisdiction_says(
    pair: tuple[dict[str, Any], dict[str, Any]], profile: Profile
) -> None:
    for raw in pair:
        world = World(validate_incident(raw, "generated"))
        for state in STATES:
            lazy = _Evaluator(CONVENTION, world, profile.for_state(state))
            full = _full_outcome(world, state, profile)
            assert lazy.competent(state, GROUNDS) is (full is not Truth.FALSE), state


@FAST
@given(pairs())
def test_whom_a_state_consults_is_judged_from_every_state_in_full(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    """Asked about one State only, the others' competence is the full jurisdiction's."""
    for raw in pair:
        incident = validate_incident(raw, "generated")
        world = World(incident)
        named = world.states()
        competent = {s for s in named if _full_outcome(world, s, STRICT) is not Truth.FALSE}
        ongoing = {i.state for i in incident.investigations if i.ongoing}
        stopped = {i.state for i in incident.investigations if not i.ongoing} - ongoing
        for state in named:
            result = analyze(incident, CONVENTION, BASELINE, default=STRICT, parties=[state])
            juris = result.states[0].jurisdiction
            exercising = any(
                g.adopted
                and g.trace.outcome is not Truth.FALSE
                and g.provision.startswith(("art_40__para_1", "art_40__para_2"))
                for g in juris.grounds
            )
            maybe = sorted(competent - ongoing - stopped - {state}) if exercising else []
            assert list(juris.consult_if_investigating) == maybe, state


@FAST
@given(pairs(), st.permutations([BASELINE, STRICT.for_state("XA"), *EXAMPLES]))
def test_nodes_shared_by_the_profiles_of_an_analysis_are_those_each_makes_alone(
    pair: tuple[dict[str, Any], dict[str, Any]], profiles: list[Profile]
) -> None:
    """Every profile's findings, judged after others on the same facts, as if judged alone.

    A node read from the facts alone is made by the first profile that needs it and
    shared by the next ones; one that reads the profile (the State's age limit, its
    threshold, the State applying it) or other findings must not be.
    """
    for raw in pair:
        incident = validate_incident(raw, "generated")
        world = World(incident)
        for profile in profiles:
            shared = _Evaluator(CONVENTION, world, profile).findings()
            alone = _Evaluator(CONVENTION, World(incident), profile).findings()
            assert shared == alone, profile.name
        assert world.shared


@FAST
@given(pairs(), st.sampled_from([BASELINE, STRICT, *EXAMPLES]))
def test_each_grounds_truth_is_the_outcome_of_its_readers_node(
    pair: tuple[dict[str, Any], dict[str, Any]], profile: Profile
) -> None:
    for raw in pair:
        incident = validate_incident(raw, "generated")
        world = World(incident)
        actors = [None, *(p.id for p in incident.persons)]
        for state in [*STATES, "XD"]:
            ctx = _Evaluator(CONVENTION, world, profile.for_state(state)).ctx
            for act in incident.acts:
                for actor in actors:
                    for ground, read in READERS.items():
                        truth = TRUTHS[ground](state, act, actor, ctx)
                        assert truth is read(state, act, actor, ctx).outcome, (ground, state)


@FAST
@given(pairs(), st.sampled_from([STRICT, *EXAMPLES]))
def test_nodes_made_when_read_have_the_outcome_they_were_given(
    pair: tuple[dict[str, Any], dict[str, Any]], profile: Profile
) -> None:
    for raw in pair:
        incident = validate_incident(raw, "generated")
        for result in analyze(incident, CONVENTION, BASELINE, default=profile).states:
            roots = [result.jurisdiction.trace, *(m.trace for m in result.measures)]
            for root in roots:
                for node in root.walk():
                    if isinstance(node, Deferred):
                        assert node.outcome is node._node().outcome, node.label


@FAST
@given(pairs(), st.sampled_from([BASELINE, STRICT, *EXAMPLES]))
def test_powers_sharing_their_scope_are_those_each_power_finds_alone(
    pair: tuple[dict[str, Any], dict[str, Any]], profile: Profile
) -> None:
    for raw in pair:
        incident = validate_incident(raw, "generated")
        world = World(incident)
        for state in STATES:
            evaluator = _Evaluator(CONVENTION, world, profile.for_state(state))
            found = evaluator.findings()
            juris = jurisdiction(state, found, GROUNDS, evaluator.ctx).trace
            shared = state_measures(state, found, evaluator.ctx, juris)
            alone = [
                m
                for plan in plans(CONVENTION, evaluator.ctx.profile, state)
                for m in measures(Scope(state, found, evaluator.ctx, juris), plan)
            ]
            assert shared == alone, state


def test_a_node_made_when_read_is_the_node_it_stands_for() -> None:
    gap = Missing("acts[a1].without_right", "whether the act was without right")
    child = leaf("element", "without right", "art_6__para_1", Truth.UNKNOWN, missing=[gap])
    made: list[int] = []

    def make() -> Trace:
        made.append(1)
        return combine("ground", "it", "art_40", any_, [child], key="k")

    node = deferred(Truth.UNKNOWN, make)
    plain = Trace("ground", "it", "art_40", Truth.UNKNOWN, (), (gap,), (child,), (), "k")
    assert isinstance(node, Trace)
    assert node.outcome is Truth.UNKNOWN
    assert not made  # nothing is made until a field is read
    assert node == plain
    assert plain == node
    assert made == [1]
    assert node.missing == (gap,)
    assert made == [1]  # made once
    assert hash(node) == hash(plain)
    assert repr(node) == repr(plain)
    assert node.to_dict() == plain.to_dict()
    assert list(node.walk()) == list(plain.walk())
    assert combine("x", "y", "z", all_, [node]) == combine("x", "y", "z", all_, [plain])
    for copied in (copy.deepcopy(node), pickle.loads(pickle.dumps(node)), copy.copy(node)):
        assert type(copied) is Trace
        assert copied == plain
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.label = "changed"  # type: ignore[misc]


def test_the_engine_makes_ordinary_equal_trace_nodes() -> None:
    gap = Missing("acts[a1].without_right", "whether the act was without right")
    made = leaf("element", "without right", "art_6__para_1", Truth.UNKNOWN, missing=[gap, gap])
    plain = Trace("element", "without right", "art_6__para_1", Truth.UNKNOWN, missing=(gap,))
    assert type(made) is Trace
    assert made == plain
    assert hash(made) == hash(plain)
    both = combine("offence", "it", "art_6", any_, [made, plain], key="k")
    assert both == Trace(
        "offence", "it", "art_6", Truth.UNKNOWN, (), (gap,), (made, plain), (), "k"
    )
    flipped = negate(made, "exclusion", "not", "art_6")
    assert flipped == Trace("exclusion", "not", "art_6", Truth.UNKNOWN, (), (gap,), (made,))


def test_trace_nodes_made_by_the_engine_stay_frozen_and_copy_like_plain_ones() -> None:
    made = combine("offence", "it", "art_6", any_, [leaf("fact", "f", "art_6", Truth.TRUE)])
    plain = Trace("offence", "it", "art_6", Truth.TRUE, children=(made.children[0],))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.label = "changed"  # type: ignore[misc]
    assert not hasattr(made, "__dict__")
    assert copy.deepcopy(made) == plain
    assert pickle.loads(pickle.dumps(made)) == plain


def _cycle() -> dict[str, Any]:
    """Two acts, each laundering the proceeds of the other (predicates refer back)."""
    act = {
        "by": "p1",
        "conduct": "convert",
        "without_right": True,
        "mental_state": "intent",
        "effects_in": ["XC"],
        "circumstances": {"knew_illicit_origin": True},
    }
    return {
        "uncc": "incident/1",
        "id": "cycle",
        "persons": [{"id": "p1", "kind": "natural", "nationalities": ["XB"], "present_in": "XB"}],
        "property": [
            {"id": "m1", "kind": "money", "located_in": "XA", "origin": {"act": "a2"}},
            {"id": "m2", "kind": "money", "located_in": "XC", "origin": {"act": "a1"}},
        ],
        "acts": [
            {**act, "id": "a1", "object": "m1", "acted_in": "XA"},
            {**act, "id": "a2", "object": "m2", "acted_in": "XB"},
        ],
    }


def test_acts_laundering_each_other_are_judged_as_in_full() -> None:
    world = World(validate_incident(_cycle(), "cycle"))
    notes = [
        note
        for f in _Evaluator(CONVENTION, world, BASELINE).findings()
        for node in f.trace.walk()
        for note in node.notes
    ]
    assert any("refers back" in note for note in notes)
    for profile in (BASELINE, STRICT):
        for state in [*world.states(), "XD"]:
            lazy = _Evaluator(CONVENTION, world, profile.for_state(state))
            full = _full_outcome(world, state, profile)
            assert lazy.competent(state, GROUNDS) is (full is not Truth.FALSE), state


@FAST
@given(pairs(), st.sampled_from([BASELINE, STRICT, *EXAMPLES]))
def test_each_grounds_node_made_when_read_is_the_one_its_readers_make_at_once(
    pair: tuple[dict[str, Any], dict[str, Any]], profile: Profile
) -> None:
    for raw in pair:
        incident = validate_incident(raw, "generated")
        world = World(incident)
        for state in STATES:
            evaluator = _Evaluator(CONVENTION, world, profile.for_state(state))
            ctx = evaluator.ctx
            found = [f for f in evaluator.findings() if f.truth is not Truth.FALSE]
            juris = jurisdiction(state, found, GROUNDS, ctx)
            for ground, result in zip(GROUNDS, juris.grounds, strict=True):
                per_act = [
                    combine(
                        "ground",
                        f"{f.name} ({f.act}, {f.actor})",
                        ground.at,
                        all_,
                        [f.trace, READERS[ground.id](state, act, f.actor, ctx)],
                    )
                    for f in found
                    if (act := world.act(f.act)) is not None
                ]
                reference = combine("ground", ground.gist, ground.at, any_, per_act, key=ground.id)
                assert result.trace.outcome is reference.outcome, (ground.id, state)
                assert result.trace == reference, (ground.id, state)
                assert result.acts == tuple(
                    dict.fromkeys(
                        f.act
                        for f, p in zip(found, per_act, strict=True)
                        if p.outcome is not Truth.FALSE
                    )
                ), (ground.id, state)
