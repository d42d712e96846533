"""Missing facts as questions: the words come from data and cover every fact asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.scenarios.runner import ROOT, load_cases, run_case
from uncc.analysis.questions import Template, grouped, match, questions, templates
from uncc.analysis.report import to_dict
from uncc.convention.catalogue import load_convention
from uncc.entrypoints.cli.main import app

CASES = [c for f in sorted((ROOT / "tests" / "scenarios").rglob("*.yaml")) for c in load_cases(f)]


def test_every_missing_fact_of_every_scenario_has_a_question_from_the_data() -> None:
    unmatched: set[str] = set()
    asked = 0
    for case in CASES:
        for question in questions(run_case(case)):
            asked += 1
            if match(question.path) is None:
                unmatched.add(question.path)
            assert "{" not in question.text, question
            assert question.text.endswith("?"), question
    assert asked > 100
    assert unmatched == set()


def test_the_data_names_the_entities_as_the_facts_do() -> None:
    case = next(c for c in CASES if c.file.name == "ransomware-hospital.yaml")
    report = to_dict(run_case(case), load_convention())
    by_path = {m["path"]: m for m in report["missing"]}
    loss = by_path["results[kind=loss_of_property, caused_by=encrypt]"]
    assert loss == {
        "path": "results[kind=loss_of_property, caused_by=encrypt]",
        "question": "Did the act “encrypt” cause anyone to lose money or other property?",
        "act": "encrypt",
    }
    groups = grouped(report["missing"])
    assert groups[0][0] == "encrypt"
    assert groups[-1][0] is None  # the case-wide questions come last
    assert report["set_aside"] == []


def test_every_template_compiles_and_the_specific_ones_come_first() -> None:
    assert all(t.pattern.pattern.startswith("^") for t in templates())
    found = match("results[kind=serious_hindering, caused_by=a1]")
    assert found is not None
    assert found[0].ask.startswith("Did {act} seriously hinder")
    generic = match("results[kind=physical_harm, caused_by=a1]")
    assert generic is not None
    assert generic[1] == {"kind": "physical_harm", "act": "a1"}


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_reports_group_the_questions_by_act(fmt: str) -> None:
    path = Path("examples/incidents/ics-attack.yaml")
    result = CliRunner().invoke(app, ["analyze", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Did the act “tamper” cause anyone to lose money or other property?" in out
    assert "About the case as a whole" in out
    assert "1 question set aside" in out
    assert "Was money or other property taken" not in out


def _match_every_pattern(path: str) -> tuple[Template, dict[str, str]] | None:
    """``match`` as it was: every template's pattern tried in turn."""
    for template in templates():
        found = template.pattern.match(path)
        if found:
            return template, found.groupdict()
    return None


_FILLS = st.sampled_from(["a1", "encrypt", "XA", "x.y", "", "a]b", "k=v", "a,b", "[", "é"])


@st.composite
def _paths(draw: st.DrawFn) -> str:
    """A template's path with its slots filled, sometimes cut or extended."""
    template = draw(st.sampled_from(templates()))
    parts = re.split(r"\{\w+\}", template.path)
    path = "".join(p + (draw(_FILLS) if i < len(parts) - 1 else "") for i, p in enumerate(parts))
    cut = draw(st.integers(0, 3))
    return draw(
        st.sampled_from([path, path[cut:], path[: len(path) - cut], path + "]", "x" + path])
    )


@settings(max_examples=500, deadline=None)
@given(path=_paths() | st.text(max_size=30))
def test_matching_only_templates_with_the_same_ends_finds_the_same(path: str) -> None:
    assert match(path) == _match_every_pattern(path)
