"""Properties of the analysis over generated incidents (hypothesis).

A *full* incident states every fact; a *partial* one leaves a random subset out.
- No schema-valid incident makes the analysis (or its reports) raise.
- Monotone: every result settled on the partial facts is the same on the full facts.
- Complete: supplying the missing facts a result lists (again, if supplying a
  reference reveals facts about what it refers to) settles it.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uncc.analysis.engine import Analysis, analyze, offences
from uncc.analysis.findings import OffenceFinding
from uncc.analysis.intake import validate_incident
from uncc.analysis.logic import Truth, all_
from uncc.analysis.render.html import render_html
from uncc.analysis.render.markdown import render_markdown
from uncc.analysis.render.text import render_text
from uncc.analysis.report import to_dict
from uncc.analysis.vocabulary import (
    Conduct,
    DataKind,
    ItemKind,
    MentalState,
    Purpose,
    ResultKind,
    Tribunal,
)
from uncc.convention.catalogue import load_convention
from uncc.parties.catalogue import builtin_profile

CONVENTION = load_convention()
BASELINE = builtin_profile("baseline")
STRICT = builtin_profile("strict")
STATES = ["XA", "XB", "XC"]
BOOL = st.booleans()
STATE = st.sampled_from(STATES)
CONDUCTS = [c.value for c in Conduct]
BELIEF = {
    p.id for _, p in CONVENTION.powers() if p.parameters.get("threshold") == "reasonable_belief"
}


@st.composite
def full_incidents(draw: st.DrawFn) -> dict[str, Any]:
    """An incident in which every fact is stated, consistently."""

    def person(pid: str) -> dict[str, Any]:
        return {
            "id": pid,
            "kind": "natural",
            "nationalities": [draw(STATE)],
            "stateless": False,
            "habitual_residence": draw(STATE),
            "age": draw(st.integers(0, 90)),
            "believed_child": draw(BOOL),
            "present_in": draw(STATE),
            "extradited": draw(BOOL),
        }

    def mental() -> dict[str, Any]:
        states = st.sampled_from([m.value for m in MentalState])
        if draw(BOOL):
            return {"mental_state": draw(states)}
        return {"mental_states": {"conduct": draw(states), "consent": draw(states)}}

    public = draw(BOOL)
    company = {
        "id": "co",
        "kind": "legal",
        "incorporated_in": draw(STATE),
        "public_body": public,
        "public_body_of": draw(STATE) if public else None,
        "leading_persons": [{"person": "p1", "basis": "decision"}],
        "staff": ["p2"],
        "supervision_failed": draw(BOOL),
        "service_provider": draw(BOOL),
        "offers_services_in": [draw(STATE)],
    }
    systems = []
    for sid in ("s1", "s2"):
        location: Any = draw(STATE)
        if draw(st.integers(0, 5)) == 0:
            location = {"craft": "vessel", "flag": draw(STATE), "within": draw(STATE)}
        systems.append(
            {
                "id": sid,
                "owner": "co",
                "location": location,
                "connected": draw(BOOL),
                "security_measures": draw(BOOL),
                "critical_infrastructure": draw(BOOL),
                "closed_group": draw(BOOL),
            }
        )
    data = []
    for did, system in (("d1", systems[0]), ("d2", systems[1])):
        place = system["location"] if isinstance(system["location"], str) else None
        data.append(
            {
                "id": did,
                "kinds": draw(
                    st.lists(
                        st.sampled_from([k.value for k in DataKind]),
                        min_size=1,
                        max_size=3,
                        unique=True,
                    )
                ),
                "system": system["id"],
                "stored_in": place,
                "subjects": ["p2"],
                "depicts": "p2",
                "depicts_real_person": True,
                "depicted_age": draw(st.integers(0, 90)),
                "apparent_age": draw(st.integers(0, 90)),
                "realistic": True,
                "privacy_expected_when_recorded": draw(BOOL),
                "privacy_expected_now": draw(BOOL),
                "denied_crimes_established_by": draw(st.sampled_from([t.value for t in Tribunal])),
                "controller": "co",
                "volatile": draw(BOOL),
            }
        )
    items = [
        {
            "id": "i1",
            "kind": draw(st.sampled_from([k.value for k in ItemKind])),
            "located_in": draw(STATE),
        }
    ]
    prop = [
        {
            "id": "pr1",
            "kind": "money",
            "located_in": draw(STATE),
            "held_by": "p2",
            "origin": {"act": "a1"},
        }
    ]
    acts = []
    for aid, objects in (
        ("a1", ["s1", "d1", "i1", "p2"]),
        ("a2", ["s2", "d2", "pr1", "p2", "i1"]),
        ("a3", ["s1", "d1", "pr1"]),
    ):
        acts.append(
            {
                "id": aid,
                "by": draw(st.sampled_from(["p1", "p2"])),
                "conduct": draw(st.sampled_from(CONDUCTS)),
                "object": draw(st.sampled_from(objects)),
                "using": draw(st.sampled_from(["s1", "s2"])),
                "when": f"202{draw(st.integers(0, 6))}-0{draw(st.integers(1, 9))}-1{draw(st.integers(0, 9))}",
                "acted_in": draw(STATE),
                "effects_in": draw(st.lists(STATE, min_size=0, max_size=2, unique=True)),
                "without_right": draw(BOOL),
                **mental(),
                "target_state": draw(STATE),
                "purposes": draw(
                    st.lists(st.sampled_from([p.value for p in Purpose]), max_size=3, unique=True)
                ),
                "for_benefit_of": "co",
                "victims": draw(
                    st.lists(st.sampled_from(["p1", "p2", "co"]), max_size=2, unique=True)
                ),
                "circumstances": {
                    "security_measures_infringed": draw(BOOL),
                    "commercial_scale": draw(BOOL),
                    "consent": draw(BOOL),
                    "legitimate_purpose": draw(BOOL),
                    "age_verification_steps": draw(BOOL),
                    "by_computer_system": True,
                    "endangers_life_or_health": draw(BOOL),
                    "knew_illicit_origin": draw(BOOL),
                    "items_count": draw(st.integers(0, 5)),
                    "terrorist_link": draw(BOOL),
                },
            }
        )
    if draw(BOOL):
        acts.append(
            {
                "id": "a4",
                "by": "p2",
                "role": "accomplice",
                "participates_in": "a2",
                "mental_state": draw(st.sampled_from(["intent", "negligence"])),
                "acted_in": draw(STATE),
            }
        )
    results = [
        {
            "id": f"r-{act['id']}-{kind.value}",
            "kind": kind.value,
            "caused_by": [act["id"]],
            "occurred": draw(BOOL),
        }
        for act in acts[:3]
        for kind in ResultKind
    ]
    persons = [person("p1"), person("p2"), company]
    for datum in data:  # made before, or when, the person reached today's age
        datum["depicted_age"] = min(datum["depicted_age"], persons[1]["age"])
    for entry in (*persons, *data):
        for key in [k for k, v in entry.items() if v is None]:
            del entry[key]
    return {
        "uncc": "incident/1",
        "id": "generated",
        "persons": persons,
        "systems": systems,
        "data": data,
        "items": items,
        "property": prop,
        "acts": acts,
        "results": results,
    }


def _removable(full: dict[str, Any]) -> list[tuple[str, ...]]:
    """Paths of facts a partial incident may leave out (not ids, references kept valid)."""
    paths: list[tuple[str, ...]] = []
    for collection in ("persons", "systems", "data", "items", "property", "acts"):
        for entity in full[collection]:
            for key in entity:
                if key in ("id", "role", "participates_in", "stage", "for_benefit_of"):
                    continue
                if key == "circumstances":
                    paths.extend((collection, entity["id"], key, sub) for sub in entity[key])
                else:
                    paths.append((collection, entity["id"], key))
    paths.extend(("results", r["id"]) for r in full["results"])
    return paths


@st.composite
def pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A full incident and a partial one that leaves out a random subset of its facts."""
    full = draw(full_incidents())
    removable = _removable(full)
    dropped = draw(st.lists(st.sampled_from(removable), unique=True, max_size=len(removable)))
    partial = copy.deepcopy(full)
    for path in dropped:
        _delete(partial, path)
    return partial, full


def _entity(doc: dict[str, Any], collection: str, entity_id: str) -> dict[str, Any] | None:
    return next((e for e in doc[collection] if e["id"] == entity_id), None)


def _delete(doc: dict[str, Any], path: tuple[str, ...]) -> None:
    if path[0] == "results":
        doc["results"] = [r for r in doc["results"] if r["id"] != path[1]]
        return
    entity = _entity(doc, path[0], path[1])
    assert entity is not None
    if len(path) == 4:
        entity.get(path[2], {}).pop(path[3], None)
    else:
        entity.pop(path[2], None)


def _run(raw: dict[str, Any]) -> Analysis:
    incident = validate_incident(raw, "generated")
    return analyze(incident, CONVENTION, BASELINE, default=STRICT, parties=STATES)


def _baseline(raw: dict[str, Any]) -> tuple[OffenceFinding, ...]:
    return offences(validate_incident(raw, "generated"), CONVENTION, BASELINE)


def _settled(analysis: Analysis) -> dict[tuple[Any, ...], str]:
    out: dict[tuple[Any, ...], str] = {}
    for f in analysis.baseline:
        out[("baseline", *f.key)] = f.status.value
    for state in analysis.states:
        for f in state.findings:
            out[(state.state, *f.key)] = f.status.value
        for g in state.jurisdiction.grounds:
            out[(state.state, "ground", g.ground)] = g.status.value
        out[(state.state, "jurisdiction")] = state.jurisdiction.status.value
        for m in state.measures:
            if m.power in BELIEF:
                # A reasonable belief (Arts. 45-47) rests on the facts known when the
                # power is used: a later fact that rules the offence out does not make
                # the earlier belief unreasonable, so it is not a settled legal result.
                continue
            # A power may come as several measures (one per place, and a closed-group
            # reservation, Art. 41(3)(b), splits out the systems it covers): the power's
            # own conditions are one result, and each target's availability another.
            key = (state.state, "power", m.power)
            out[key] = _WORD[all_(c.outcome for c in m.trace.children if c.rule != "reservation")]
            for target in m.targets:
                out[(*key, target.id)] = _WORD[m.trace.outcome]
    return {k: v for k, v in out.items() if v != "undetermined"}


_WORD = {
    Truth.TRUE: "established",
    Truth.FALSE: "not_established",
    Truth.UNKNOWN: "undetermined",
}


FAST = settings(
    max_examples=int(os.environ.get("UNCC_PROPERTY_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FAST
@given(pairs())
def test_no_valid_input_makes_the_analysis_raise(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    partial, _ = pair
    report = to_dict(_run(partial), CONVENTION)
    assert render_text(report)
    assert render_markdown(report)
    assert render_html(report)


@FAST
@given(pairs())
def test_adding_facts_never_flips_a_settled_result(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    partial, full = pair
    before, after = _settled(_run(partial)), _settled(_run(full))
    full_all = {("baseline", *f.key): f.status.value for f in _baseline(full)}
    for found, status in before.items():
        key = found
        if len(found) == 5 and found[3] is None:  # the actor was unknown: match whoever did it
            key = next(
                (k for k in (*after, *full_all) if k[:3] == found[:3] and k[4:] == found[4:]), found
            )
        if key in after:
            assert after[key] == status, f"{key}: {status} became {after[key]}"
        elif key[0] == "baseline" and key in full_all:
            assert full_all[key] == status, f"{key}: {status} became {full_all[key]}"
        elif len(key) == 4 and key[1] == "power":
            # A target drops out once the act it serves is known to be no offence; the
            # power's own conditions are still compared under the shorter key.
            continue
        else:
            # A finding dropped once the conduct is known was not established anyway.
            assert status == "not_established", f"{key} ({status}) vanished"


_PATH = re.compile(r"^(\w+)\[([^\]]+)\](?:\.(.+))?$")
_RESULT = re.compile(r"^results\[kind=(\w+), caused_by=([^\]]+)\]$")


def _supply(partial: dict[str, Any], full: dict[str, Any], missing: str) -> None:
    """Copy one missing fact from the full incident into the partial one."""
    result = _RESULT.match(missing)
    if result:
        kind, act = result.groups()
        have = {r["id"] for r in partial["results"]}
        partial["results"] += [
            r
            for r in full["results"]
            if r["kind"] == kind and act in r["caused_by"] and r["id"] not in have
        ]
        return
    match = _PATH.match(missing)
    assert match, f"unexpected missing-fact path {missing}"
    collection, entity_id, field = match.groups()
    source = _entity(full, collection, entity_id)
    target = _entity(partial, collection, entity_id)
    assert source is not None, missing
    assert target is not None, missing
    assert field, missing
    head, _, rest = field.partition(".")
    if head == "purposes" or not rest:
        if head in source:
            target[head] = copy.deepcopy(source[head])
    else:
        target.setdefault(head, {})
        if rest in source.get(head, {}):
            target[head][rest] = source[head][rest]


@FAST
@given(pairs())
def test_supplying_the_missing_facts_settles_a_finding(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    partial, full = pair
    expected = {f.key: f.status.value for f in _baseline(full)}
    undetermined = [f for f in _baseline(partial) if f.status.value == "undetermined"]
    for finding in undetermined[:6]:
        work = copy.deepcopy(partial)
        status = "undetermined"
        for _ in range(8):
            current = next((f for f in _baseline(work) if f.key == finding.key), None)
            if current is None or current.status.value != "undetermined":
                status = "not_established" if current is None else current.status.value
                break
            assert current.missing, f"{finding.key} is undetermined but lists no missing fact"
            for missing in current.missing:
                _supply(work, full, missing.path)
        assert status != "undetermined", (
            f"{finding.key} still undetermined after supplying its missing facts"
        )
        if finding.key in expected:
            assert status == expected[finding.key]
