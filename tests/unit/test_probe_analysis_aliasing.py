"""Hostile review of the analysis (branch truth: traces made when first read).

An ``Analysis`` keeps the incident it was made from, and the facts models are frozen
but hold plain lists. The reasons an analysis gives must be what the facts said when it
was made: a trace made later, from facts changed in place meanwhile, would report one
incident's outcomes with another's reasons. These tests analyse, change every list of
the facts in place, then read the analysis for the first time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pydantic import BaseModel

from tests.unit.test_analysis_properties import full_incidents
from uncc.analysis.engine import Analysis, analyze
from uncc.analysis.facts import Incident
from uncc.analysis.intake import validate_incident
from uncc.analysis.report import to_dict
from uncc.convention.catalogue import load_convention
from uncc.parties.catalogue import builtin_profile
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples/incidents").glob("*.yaml"))
CONVENTION = load_convention()
BASELINE = builtin_profile("baseline")
STRICT = builtin_profile("strict")
AT = dt.date(2026, 3, 10)


def _analysis(incident: Incident) -> Analysis:
    return analyze(incident, CONVENTION, BASELINE, default=STRICT, parties=["XA", "XB"], at=AT)


def _shown(analysis: Analysis) -> str:
    """Every reason the analysis gives (the trace of each finding, ground and measure)
    and its report, questions included (they read the facts when they are asked)."""
    traces = [f.trace for f in analysis.baseline]
    for result in analysis.states:
        traces += [f.trace for f in result.findings]
        traces += [result.jurisdiction.trace, *(g.trace for g in result.jurisdiction.grounds)]
        traces += [m.trace for m in result.measures]
    report = to_dict(analysis, CONVENTION)
    return json.dumps([[t.to_dict() for t in traces], report], default=str)


def _change_in_place(model: BaseModel) -> None:
    """Change every list of strings and every dict of the facts in place, if they let us."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _change_in_place(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    _change_in_place(item)
            if value and all(isinstance(v, str) for v in value):
                with contextlib.suppress(TypeError):  # refused: nothing changes
                    value[:] = ["XQ"]
        elif isinstance(value, dict) and value:
            with contextlib.suppress(TypeError):
                value.clear()


def _read_after_change(raw: dict[str, Any]) -> tuple[str, str]:
    made_and_read = _shown(_analysis(validate_incident(raw, "facts")))
    incident = validate_incident(raw, "facts")
    analysis = _analysis(incident)
    _change_in_place(incident)
    return made_and_read, _shown(analysis)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_an_analysis_read_after_its_facts_changed_shows_what_they_were(path: Path) -> None:
    raw = load_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    before, after = _read_after_change(raw)
    assert after == before


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(full_incidents())
def test_a_generated_analysis_read_after_its_facts_changed_shows_what_they_were(
    raw: dict[str, Any],
) -> None:
    before, after = _read_after_change(raw)
    assert after == before
