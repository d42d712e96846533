"""Run YAML scenario files: facts in, expected legal results out.

A scenario file holds one scenario or a list of them. Each has ``facts`` (inline) or
``facts_file`` (a path from the repository root), optional ``profiles``,
``default_profile``, ``parties`` and ``at``, an ``expect`` block, and ``variants``
that change facts (``set``, ``unset``, ``add``) and state what is expected then.
docs/scenarios.md explains the format for lawyers.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uncc.analysis.engine import Analysis, analyze
from uncc.analysis.findings import OffenceFinding
from uncc.analysis.intake import validate_incident
from uncc.analysis.questions import questions
from uncc.convention.catalogue import load_convention
from uncc.parties.catalogue import BUILTIN, builtin_profile, parse_profile
from uncc.parties.profile import Profile
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    """One thing to check: a scenario, or one of its variants."""

    file: Path
    scenario: str
    name: str
    raw_facts: dict[str, Any]
    settings: dict[str, Any]
    expect: dict[str, Any]


def load_cases(path: Path) -> list[Case]:
    """Every case of a scenario file."""
    document = load_yaml(path.read_text(encoding="utf-8"))
    scenarios = document if isinstance(document, list) else [document]
    cases: list[Case] = []
    for scenario in scenarios:
        title = scenario["scenario"]
        if "facts_file" in scenario:
            facts = load_yaml((ROOT / scenario["facts_file"]).read_text(encoding="utf-8"))
        else:
            facts = copy.deepcopy(scenario["facts"])
        facts.setdefault("uncc", "incident/1")
        facts.setdefault("id", _slug(title))
        settings = {
            k: scenario[k]
            for k in ("profiles", "default_profile", "parties", "at")
            if k in scenario
        }
        cases.append(Case(path, title, "base", facts, settings, scenario.get("expect", {})))
        for variant in scenario.get("variants", []):
            changed = apply_changes(facts, variant)
            merged = {
                **settings,
                **{
                    k: variant[k]
                    for k in ("profiles", "default_profile", "parties", "at")
                    if k in variant
                },
            }
            cases.append(
                Case(path, title, variant["name"], changed, merged, variant.get("expect", {}))
            )
    return cases


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:60] or "scenario"


def _locate(facts: dict[str, Any], dotted: str) -> tuple[Any, str]:
    """The container and key a dotted path (``acts.a1.circumstances.consent``) names."""
    parts = dotted.split(".")
    node: Any = facts
    index = 0
    while index < len(parts) - 1:
        part = parts[index]
        if isinstance(node, list):
            node = next(item for item in node if item.get("id") == part)
        else:
            node = node.setdefault(part, {} if not parts[index + 1].isdigit() else [])
            if isinstance(node, list) and index + 1 < len(parts) - 1:
                pass
        index += 1
    if isinstance(node, list):
        raise KeyError(f"{dotted}: a path must end at a field, not a list item")
    return node, parts[-1]


def apply_changes(facts: dict[str, Any], variant: dict[str, Any]) -> dict[str, Any]:
    """A copy of the facts with a variant's ``set``, ``unset`` and ``add`` applied."""
    out = copy.deepcopy(facts)
    for dotted, value in (variant.get("set") or {}).items():
        container, key = _locate(out, dotted)
        container[key] = value
    for dotted in variant.get("unset") or []:
        container, key = _locate(out, dotted)
        container.pop(key, None)
    for collection, items in (variant.get("add") or {}).items():
        out.setdefault(collection, []).extend(copy.deepcopy(items))
    return out


def _profile(spec: str) -> Profile:
    if spec in BUILTIN:
        return builtin_profile(spec)
    return parse_profile((ROOT / spec).read_text(encoding="utf-8"), spec)


def run_case(case: Case) -> Analysis:
    """Analyse the case's facts with its settings."""
    incident = validate_incident(case.raw_facts, f"{case.file.name}: {case.scenario} / {case.name}")
    profiles: dict[str, Profile] = {}
    for spec in case.settings.get("profiles", []):
        profile = _profile(spec)
        assert profile.state is not None, f"{spec} is a template; use default_profile"
        profiles[profile.state] = profile
    default = case.settings.get("default_profile")
    at = case.settings.get("at")
    return analyze(
        incident,
        load_convention(),
        builtin_profile("baseline"),
        profiles=profiles,
        default=_profile(default) if default else None,
        parties=case.settings.get("parties"),
        at=at if isinstance(at, dt.date) else (dt.date.fromisoformat(at) if at else None),
    )


def _findings(analysis: Analysis, state: str | None) -> tuple[OffenceFinding, ...]:
    if state is None:
        return analysis.baseline
    result = analysis.state(state)
    assert result is not None, (
        f"State {state} was not analysed (analysed: {[s.state for s in analysis.states]})"
    )
    return result.findings


def check(case: Case, analysis: Analysis) -> list[str]:
    """Every expectation the analysis does not meet, as messages (empty when all hold)."""
    problems: list[str] = []
    expect = case.expect
    for item in expect.get("offences", []):
        problems.extend(_check_offence(analysis, item))
    for item in expect.get("grounds", []):
        problems.extend(_check_ground(analysis, item))
    for item in expect.get("jurisdiction", []):
        problems.extend(_check_jurisdiction(analysis, item))
    for item in expect.get("measures", []):
        problems.extend(_check_measure(analysis, item))
    for item in expect.get("limitation", []):
        problems.extend(_check_limitation(analysis, item))
    if "questions" in expect:
        problems.extend(_check_questions(analysis, expect["questions"]))
    return problems


def _check_offence(analysis: Analysis, item: dict[str, Any]) -> list[str]:
    where = item.get("state")
    candidates = [
        f
        for f in _findings(analysis, where)
        if f.offence == item["offence"]
        and f.act == item["act"]
        and ("actor" not in item or f.actor == item["actor"])
        and ("basis" not in item or f.basis.value == item["basis"])
    ]
    label = f"{item['offence']} for act {item['act']}" + (
        f" in {where}" if where else " (baseline)"
    )
    if item.get("absent"):
        return (
            [f"{label}: expected no finding, got {[f.status.value for f in candidates]}"]
            if candidates
            else []
        )
    if not candidates:
        return [f"{label}: no such finding"]
    finding = candidates[0]
    problems = []
    if finding.status.value != item["status"]:
        problems.append(
            f"{label}: expected {item['status']}, got {finding.status.value} (missing: {[m.path for m in finding.missing]})"
        )
    have = {m.path for m in finding.missing}
    problems.extend(
        f"{label}: expected missing fact {m}, have {sorted(have)}"
        for m in item.get("missing", [])
        if m not in have
    )
    return problems


def _check_ground(analysis: Analysis, item: dict[str, Any]) -> list[str]:
    result = analysis.state(item["state"])
    if result is None:
        return [f"State {item['state']} was not analysed"]
    ground = next((g for g in result.jurisdiction.grounds if g.ground == item["ground"]), None)
    if ground is None:
        return [f"{item['state']}: no ground {item['ground']}"]
    problems = []
    if ground.status.value != item["status"]:
        problems.append(
            f"{item['state']} {item['ground']}: expected {item['status']}, got {ground.status.value} (missing: {[m.path for m in ground.trace.missing]})"
        )
    if "adopted" in item and ground.adopted != item["adopted"]:
        problems.append(f"{item['state']} {item['ground']}: expected adopted={item['adopted']}")
    return problems


def _check_jurisdiction(analysis: Analysis, item: dict[str, Any]) -> list[str]:
    result = analysis.state(item["state"])
    if result is None:
        return [f"State {item['state']} was not analysed"]
    problems = []
    if "status" in item and result.jurisdiction.status.value != item["status"]:
        problems.append(
            f"{item['state']} jurisdiction: expected {item['status']}, got {result.jurisdiction.status.value}"
        )
    if "consult" in item and sorted(result.jurisdiction.consult) != sorted(item["consult"]):
        problems.append(
            f"{item['state']} consult: expected {sorted(item['consult'])}, got {list(result.jurisdiction.consult)}"
        )
    if "consult_if_investigating" in item:
        want = sorted(item["consult_if_investigating"])
        have = list(result.jurisdiction.consult_if_investigating)
        if have != want:
            problems.append(
                f"{item['state']} consult if investigating: expected {want}, got {have}"
            )
    return problems


def _check_measure(analysis: Analysis, item: dict[str, Any]) -> list[str]:
    result = analysis.state(item["state"])
    if result is None:
        return [f"State {item['state']} was not analysed"]
    found = [m for m in result.measures if m.power == item["power"]]
    if "route" in item:
        found = [m for m in found if m.route == item["route"]]
    if "targets" in item:
        found = [
            m for m in found if sorted(t.id for t in m.targets) == sorted(item["targets"])
        ] or found
    label = f"{item['state']} {item['power']}" + (f" ({item['route']})" if "route" in item else "")
    if item.get("absent"):
        return [f"{label}: expected no such measure, got {len(found)}"] if found else []
    if not found:
        routes = [m.route for m in result.measures if m.power == item["power"]]
        return [f"{label}: no such measure (routes: {routes})"]
    measure = found[0]
    problems = []
    if "available" in item and measure.available != item["available"]:
        problems.append(f"{label}: expected available={item['available']}, got {measure.available}")
    if (
        "judicial_authorisation" in item
        and measure.judicial_authorisation != item["judicial_authorisation"]
    ):
        problems.append(
            f"{label}: expected judicial_authorisation={item['judicial_authorisation']}"
        )
    if "targets" in item and sorted(t.id for t in measure.targets) != sorted(item["targets"]):
        problems.append(
            f"{label}: expected targets {sorted(item['targets'])}, got {[t.id for t in measure.targets]}"
        )
    return problems


def _check_limitation(analysis: Analysis, item: dict[str, Any]) -> list[str]:
    result = analysis.state(item["state"])
    if result is None:
        return [f"State {item['state']} was not analysed"]
    limit = next(
        (x for x in result.limitations if x.offence == item["offence"] and x.act == item["act"]),
        None,
    )
    if limit is None:
        return [f"{item['state']}: no limitation for {item['offence']} / {item['act']}"]
    problems = []
    for key in ("years", "deadline", "expired"):
        if key in item:
            want = item[key].isoformat() if isinstance(item[key], dt.date) else item[key]
            if getattr(limit, key) != want:
                problems.append(
                    f"{item['state']} limitation {key}: expected {want}, got {getattr(limit, key)}"
                )
    return problems


def _check_questions(analysis: Analysis, expect: dict[str, Any]) -> list[str]:
    """``asked``: paths asked; ``set_aside``: paths set aside; ``not_asked``: neither asked
    nor set aside (``set_aside`` paths are also not asked)."""
    found = questions(analysis)
    asked = {q.path for q in found if not q.set_aside}
    aside = {q.path for q in found if q.set_aside}
    problems = [
        f"expected question {p} to be asked; asked: {sorted(asked)}"
        for p in expect.get("asked", [])
        if p not in asked
    ]
    problems += [
        f"expected question {p} to be set aside; set aside: {sorted(aside)}"
        for p in expect.get("set_aside", [])
        if p not in aside
    ]
    problems += [f"expected no question {p}" for p in expect.get("not_asked", []) if p in asked]
    return problems
