"""Bad incident facts are reported with their path and a hint; nothing half-read."""

from __future__ import annotations

import pytest

from uncc.analysis.intake import parse_incident
from uncc.errors import FactsError

HEAD = "uncc: incident/1\nid: t\n"


def problems(text: str) -> list[str]:
    with pytest.raises(FactsError) as info:
        parse_incident(HEAD + text, "facts.yaml")
    assert str(info.value).startswith("facts.yaml: ")
    return info.value.problems


def test_a_misspelt_conduct_gets_a_suggestion() -> None:
    found = problems(
        "persons: [{id: p1}]\nacts: [{id: a1, by: p1}, {id: a2}, {id: a3, conduct: acess}]\n"
    )
    assert found == ["acts[2].conduct: 'acess' is not a known conduct; did you mean 'access'?"]


def test_an_unknown_field_gets_a_suggestion() -> None:
    assert problems("acts: [{id: a1, withoutright: true}]") == [
        "acts[0].withoutright: unknown field; did you mean 'without_right'?"
    ]


def test_an_undeclared_reference_lists_what_is_declared() -> None:
    found = problems(
        "persons: [{id: alice}, {id: bob}]\nacts: [{id: a1, by: alcie}, {id: a2, by: carol}]"
    )
    assert found == [
        "acts[0].by: 'alcie' is not a declared person; did you mean 'alice'? (declared: alice, bob)",
        "acts[1].by: 'carol' is not a declared person (declared: alice, bob)",
    ]


def test_every_problem_is_listed_not_only_the_first() -> None:
    found = problems(
        "persons: [{id: p1, nationalities: [de]}]\nacts: [{id: a1, conduct: sel, colour: red}]"
    )
    assert len(found) == 3
    assert found[0].startswith("persons[0].nationalities[0]: 'de' is not a State code")


def test_duplicate_ids_are_errors() -> None:
    found = problems("persons: [{id: x}]\nsystems: [{id: x}]")
    assert found == [
        "systems[0].id: 'x' is already used by persons[0]; ids must be unique across the incident"
    ]


def test_a_participant_must_name_the_act_it_took_part_in() -> None:
    found = problems("acts: [{id: a1, role: accomplice}]")
    assert "acts[0].participates_in" in found[0]


def test_a_loop_of_references_is_an_error() -> None:
    found = problems(
        "acts: [{id: a1, role: accomplice, participates_in: a2}, {id: a2, role: instigator, participates_in: a1}]"
    )
    assert any("loops back" in p for p in found)


def test_contradictory_facts_are_errors() -> None:
    found = problems(
        "persons: [{id: p1, kind: natural, incorporated_in: XA}, {id: p2, kind: legal, age: 3}]"
    )
    assert found == [
        "persons[0].incorporated_in: only a legal person has this (the person is natural)",
        "persons[1].age: only a natural person has this (the person is legal)",
    ]


def test_an_inferred_fact_must_name_its_circumstances() -> None:
    found = problems("acts: [{id: a1, without_right: {value: true, inferred_from: []}}]")
    assert found[0].startswith("acts[0].without_right.inferred_from:")


def test_norway_stays_a_state_code() -> None:
    incident = parse_incident(HEAD + "persons: [{id: p1, nationalities: [NO]}]")
    assert incident.persons[0].nationalities == ["NO"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "expected a mapping starting with 'uncc: incident/1'"),
        ("uncc: incident/2\nid: t\n", "uncc: expected 'incident/1' (got 'incident/2')"),
        ("id: t\n", "uncc: expected 'incident/1' (missing)"),
        ("uncc: incident/1\nid: [t\n", "line 3, column 1: not valid YAML or JSON"),
    ],
)
def test_not_an_incident(text: str, message: str) -> None:
    with pytest.raises(FactsError) as info:
        parse_incident(text, "f")
    assert message in info.value.problems[0]


def test_a_valid_incident_reads() -> None:
    incident = parse_incident(
        HEAD
        + "persons: [{id: p1, kind: natural, nationalities: [DE]}]\nacts: [{id: a1, by: p1, conduct: access}]"
    )
    assert incident.acts[0].conduct == "access"


def test_the_old_csam_kind_is_refused_naming_the_field() -> None:
    found = problems("data: [{id: d1, kinds: [csam], depiction: real_minor}]")
    assert found[0].startswith("data[0].kinds[0]: 'csam' is not a known")
    assert found[1] == "data[0].depiction: unknown field; did you mean 'depicts'?"


def test_one_mental_state_for_the_act_and_per_element_is_refused() -> None:
    found = problems("acts: [{id: a1, mental_state: intent, mental_states: {consent: negligence}}]")
    assert found == [
        "acts[0].mental_states: give mental_state (for every element) or mental_states "
        "(element by element), not both"
    ]


def test_a_depicted_age_above_the_persons_age_is_refused() -> None:
    found = problems(
        "persons: [{id: p1, kind: natural, age: 15}]\n"
        "data: [{id: d1, depicts: p1, depicted_age: 17}]"
    )
    assert found == ["data[0].depicted_age: 17 is above the person's age (15)"]


def test_a_named_person_cannot_be_said_to_be_unreal() -> None:
    found = problems(
        "persons: [{id: p1}]\ndata: [{id: d1, depicts: p1, depicts_real_person: false}]"
    )
    assert found == [
        "data[0].depicts_real_person: false, but the image names a person in 'depicts'"
    ]


def test_references_of_the_new_facts_are_checked() -> None:
    found = problems(
        "acts: [{id: a1}]\n"
        "data: [{id: d1, controller: nobody}]\n"
        "property: [{id: pr1, used_in: [a2], destined_for: [a1]}]\n"
        "persons: [{id: p1, evaded_justice: [{since: 2025-05-01, until: 2025-01-01}]}]"
    )
    assert found[0].startswith("data[0].controller: 'nobody' is not a declared person")
    assert found[1].startswith("property[0].used_in[0]: 'a2' is not a declared act")
    assert found[2] == "persons[0].evaded_justice[0].until: before 'since'"


def test_an_unknown_tribunal_is_refused_with_the_known_ones() -> None:
    found = problems("data: [{id: d1, denied_crimes_established_by: nuremberg}]")
    assert "imt_nuremberg" in found[0]
    assert found[0].startswith("data[0].denied_crimes_established_by: 'nuremberg'")


# Every reference field, second in its list (so both indexes show), pointing at 'zz'.
_DECLARED = (
    "persons: [{id: p0}, {id: p1}]\nsystems: [{id: s0}, {id: s1}]\n"
    "data: [{id: d0}, {id: d1}]\nproperty: [{id: r0}, {id: r1}]\nacts: [{id: a0}, {id: a1}]\n"
)
_BAD_REFERENCES = [
    ("persons", "{id: p1, leading_persons: [{person: p0}, {person: zz}]}", "persons[1].leading_persons[1].person", "person"),
    ("persons", "{id: p1, staff: [p0, zz]}", "persons[1].staff[1]", "person"),
    ("systems", "{id: s1, owner: zz}", "systems[1].owner", "person"),
    ("systems", "{id: s1, operator: zz}", "systems[1].operator", "person"),
    ("data", "{id: d1, system: zz}", "data[1].system", "system"),
    ("data", "{id: d1, depicts: zz}", "data[1].depicts", "person"),
    ("data", "{id: d1, controller: zz}", "data[1].controller", "person"),
    ("data", "{id: d1, subjects: [p0, zz]}", "data[1].subjects[1]", "person"),
    ("property", "{id: r1, held_by: zz}", "property[1].held_by", "person"),
    ("property", "{id: r1, used_in: [a0, zz]}", "property[1].used_in[1]", "act"),
    ("property", "{id: r1, destined_for: [a0, zz]}", "property[1].destined_for[1]", "act"),
    ("property", "{id: r1, origin: {act: zz}}", "property[1].origin.act", "act"),
    ("property", "{id: r1, origin: {property: zz}}", "property[1].origin.property", "property"),
    ("acts", "{id: a1, by: zz}", "acts[1].by", "person"),
    ("acts", "{id: a1, participates_in: zz}", "acts[1].participates_in", "act"),
    ("acts", "{id: a1, object: zz}", "acts[1].object", "system or datum or item or person or property"),
    ("acts", "{id: a1, using: zz}", "acts[1].using", "system"),
    ("acts", "{id: a1, for_benefit_of: zz}", "acts[1].for_benefit_of", "person"),
    ("acts", "{id: a1, victims: [p0, zz]}", "acts[1].victims[1]", "person"),
    ("results", "{id: e1, kind: serious_harm, caused_by: [a0, zz]}", "results[1].caused_by[1]", "act"),
    ("results", "{id: e1, kind: serious_harm, caused_by: [a0], victims: [p0, zz]}", "results[1].victims[1]", "person"),
    ("investigations", "{state: XA, acts: [a0, zz]}", "investigations[1].acts[1]", "act"),
    ("investigations", "{state: XA, persons: [p0, zz]}", "investigations[1].persons[1]", "person"),
]  # fmt: skip


@pytest.mark.parametrize(("collection", "entity", "path", "wanted"), _BAD_REFERENCES)
def test_a_bad_reference_names_its_field_path(
    collection: str, entity: str, path: str, wanted: str
) -> None:
    text = _DECLARED + "results: [{id: e0, kind: serious_harm, caused_by: [a0]}]\n"
    text += "investigations: [{state: XB}]\n"
    lines = [ln for ln in text.splitlines() if not ln.startswith(f"{collection}:")]
    sound = next(ln for ln in text.splitlines() if ln.startswith(f"{collection}:"))
    lines.append(sound[: sound.index("}") + 1] + f", {entity}]")  # the first, then the bad one
    found = problems("\n".join(lines) + "\n")
    assert len(found) == 1
    assert found[0].startswith(f"{path}: 'zz' is not a declared {wanted} (declared: ")


def test_a_clash_of_ids_names_both_paths() -> None:
    found = problems("persons: [{id: p0}, {id: x}]\nsystems: [{id: s0}, {id: s1}, {id: x}]")
    assert found == [
        "systems[2].id: 'x' is already used by persons[1]; ids must be unique across the incident"
    ]
