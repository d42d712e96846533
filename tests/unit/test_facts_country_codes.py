"""Country codes are never read as booleans on any path facts come in by (YAML 1.2).

`NO` (Norway), `ON`… are booleans in YAML 1.1; every loader of incident facts
uses `uncc.yaml12`, so they stay State codes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.scenarios.runner import Case, run_case
from uncc.analysis.intake import parse_incident, validate_incident
from uncc.entrypoints.cli.inputs import read_document, read_incident
from uncc.entrypoints.web.pages import _facts_from
from uncc.errors import FactsError

FACTS = """uncc: incident/1
id: oslo
persons:
  - {id: p1, kind: natural, nationalities: [NO], present_in: NO}
systems: [{id: s1, location: NO, holds_data_of_nationals_of: [NO, ON]}]
acts:
  - {id: a1, by: p1, conduct: access, object: s1, acted_in: NO, target_state: NO, effects_in: [NO, ON]}
investigations: [{state: NO, proceeding: prosecution}]
"""


def _check(raw: object) -> None:
    incident = validate_incident(raw, "facts")
    person = incident.persons[0]
    assert person.nationalities == ["NO"]
    assert person.present_in == "NO"
    assert incident.systems[0].holds_data_of_nationals_of == ["NO", "ON"]
    act = incident.acts[0]
    assert (act.acted_in, act.target_state, act.effects_in) == ("NO", "NO", ["NO", "ON"])
    assert incident.investigations[0].state == "NO"


def test_parse_incident_keeps_no(tmp_path: Path) -> None:
    _check(parse_incident(FACTS).model_dump())


def test_the_cli_facts_readers_keep_no(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS, encoding="utf-8")
    _check(read_document(path, "incident facts"))
    _check(read_incident(path).model_dump())


def test_the_web_form_keeps_no() -> None:
    _check(_facts_from(FACTS))


def test_the_analysis_reads_no_as_norway() -> None:
    case = Case(Path("facts.yaml"), "Norway", "base", parse_incident(FACTS).model_dump(), {}, {})
    analysis = run_case(case)
    assert analysis.state("NO") is not None


def test_a_boolean_where_a_state_is_expected_is_refused_naming_the_field() -> None:
    with pytest.raises(FactsError) as caught:
        validate_incident(
            {"uncc": "incident/1", "id": "x", "persons": [{"id": "p", "present_in": False}]}
        )
    assert "persons[0].present_in" in str(caught.value.problems)
