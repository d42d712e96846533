"""The analysis as a stable, documented JSON-ready dict (``uncc: analysis/1``).

The shape is documented in docs/analysis.md; tests pin it. Statuses are
``established``, ``not_established`` or ``undetermined``; ``available`` is ``true``,
``false`` or ``null`` when undetermined; ``route`` is ``domestic``, ``request:XX`` or
``null`` when the place of the data or system is not known.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from uncc.analysis.engine import Analysis, StateResult
from uncc.analysis.findings import Limitation, Measure, OffenceFinding
from uncc.analysis.logic import Status
from uncc.analysis.questions import questions
from uncc.analysis.trace import Missing, Trace, unique
from uncc.convention.catalogue import Convention
from uncc.convention.model import Element

FORMAT = "analysis/1"


def element_index(convention: Convention) -> dict[str, Element]:
    """Every element (of an offence or added by an option) by id."""
    index: dict[str, Element] = {}
    for _, offence in convention.offences():
        index.update((e.id, e) for e in offence.elements)
    for _, option in convention.options():
        if option.adds_element is not None:
            index[option.adds_element.id] = option.adds_element
    return index


def _own_nodes(trace: Trace) -> Iterator[Trace]:
    """The nodes of a finding, without descending into a laundering predicate's offences."""
    yield trace
    if trace.rule != "predicate":
        for child in trace.children:
            yield from _own_nodes(child)


def _elements(trace: Trace, index: dict[str, Element]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for node in _own_nodes(trace):
        if node.rule != "element" or node.key in seen or node.key not in index:
            continue
        seen.add(node.key)
        element = index[node.key]
        item: dict[str, Any] = {
            "id": element.id,
            "role": element.role.value,
            "provision": node.provision,
            "status": Status.of(node.outcome).value,
            "gist": element.gist,
            "facts": dict(node.inputs),
            "missing": [m.path for m in node.missing],
        }
        if node.inferred:
            item["inferred_from"] = list(node.inferred)
            item["inference_provision"] = "art_37__para_1"
        out.append(item)
    return out


def _special(trace: Trace, rule: str) -> list[dict[str, Any]]:
    return [
        {
            "id": n.key,
            "provision": n.provision,
            "status": Status.of(n.outcome).value,
            "gist": n.label,
        }
        for n in trace.children
        if n.rule == rule
    ]


def _limitation(limit: Limitation | None) -> dict[str, Any] | None:
    if limit is None:
        return None
    return {
        "provision": "art_38__para_1",
        "years": limit.years,
        "deadline": limit.deadline,
        "expired": limit.expired,
        "missing": [m.path for m in limit.missing],
        "note": limit.note,
    }


def _offence(
    base: OffenceFinding, states: Iterable[StateResult], index: dict[str, Element]
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "article": base.article,
        "id": f"art_{base.article}",
        "offence": base.offence,
        "name": base.name,
        "provision": base.provision,
        "act": base.act,
        "actor": base.actor,
        "basis": base.basis.value,
        "role": base.role,
        "status": base.status.value,
        "missing": [m.path for m in base.missing],
        "elements": _elements(base.trace, index),
        "exclusions": _special(base.trace, "exclusion"),
        "aggravations": [
            {
                "id": a.key,
                "provision": a.provision,
                "status": Status.of(a.outcome).value,
                "gist": a.label,
            }
            for a in base.aggravations
        ],
        "human_rights_review": base.human_rights_review,
    }
    if base.human_rights_review:
        entry["review_provision"] = "art_5"
    per_state = []
    for result in states:
        match = next((f for f in result.findings if f.key == base.key), None)
        if match is None:
            continue
        limit = next(
            (
                lim
                for lim in result.limitations
                if lim.offence == match.offence and lim.act == match.act
            ),
            None,
        )
        notes = [n for node in match.trace.walk() for n in node.notes]
        per_state.append(
            {
                "state": result.state,
                "status": match.status.value,
                "missing": [m.path for m in match.missing],
                "notes": list(dict.fromkeys(notes)),
                "aggravations": [
                    {
                        "id": a.key,
                        "status": Status.of(a.outcome).value,
                        "adopted": result.profile.takes("art_39.aggravations"),
                    }
                    for a in match.aggravations
                ],
                "limitation": _limitation(limit),
            }
        )
    entry["states"] = per_state
    return entry


def _measure(measure: Measure) -> dict[str, Any]:
    return {
        "state": measure.state,
        "article": measure.article,
        "power": measure.power,
        "name": measure.name,
        "provision": measure.provision,
        "available": measure.available,
        "route": measure.route,
        "targets": [{"id": t.id, "kind": t.kind, "location": t.location} for t in measure.targets],
        "conditions": [
            {"provision": c.provision, "gist": c.label, "status": Status.of(c.outcome).value}
            for c in measure.trace.children
        ],
        "safeguards": [
            {"id": s, "provision": p, "requirement": r} for s, p, r in measure.safeguards
        ],
        "judicial_authorisation": measure.judicial_authorisation,
        "confidentiality": measure.confidentiality,
        "parameters": measure.parameters,
        "missing": [m.path for m in unique([*measure.trace.missing, *measure.route_missing])],
    }


def all_missing(analysis: Analysis) -> list[Missing]:
    """Every missing fact of the report, once, in order of first appearance."""
    found: list[Missing] = []
    for finding in analysis.baseline:
        found.extend(finding.missing)
    for result in analysis.states:
        for finding in result.findings:
            found.extend(finding.missing)
        found.extend(result.jurisdiction.trace.missing)
        for measure in result.measures:
            found.extend(measure.trace.missing)
            found.extend(measure.route_missing)
    return list(unique(found))


def _questions(analysis: Analysis) -> dict[str, Any]:
    """``missing`` (the questions to answer) and ``set_aside`` (those that change nothing)."""
    asked = questions(analysis)
    return {
        "missing": [
            {"path": q.path, "question": q.text, "act": q.act} for q in asked if not q.set_aside
        ],
        "set_aside": [
            {"path": q.path, "question": q.text, "act": q.act, "reason": q.set_aside}
            for q in asked
            if q.set_aside
        ],
    }


def to_dict(analysis: Analysis, convention: Convention) -> dict[str, Any]:
    """The JSON-ready report."""
    index = element_index(convention)
    labels: dict[str, str] = {g.id: g.label for g in convention.article(40).grounds}
    incident = analysis.incident
    return {
        "uncc": FORMAT,
        "incident": incident.id,
        "title": incident.title,
        "fictional": incident.fictional,
        "at": analysis.at.isoformat() if analysis.at else None,
        "states": [s.state for s in analysis.states],
        "profiles": {
            s.state: {"name": s.profile.name, "fictional": s.profile.fictional}
            for s in analysis.states
        },
        "offences": [_offence(f, analysis.states, index) for f in analysis.baseline],
        "jurisdiction": [
            {
                "state": s.state,
                "status": s.jurisdiction.status.value,
                "grounds": [
                    {
                        "id": g.provision,
                        "ground": g.ground,
                        "label": labels.get(g.ground) or g.ground.replace("_", " "),
                        "mandatory": g.mandatory,
                        "adopted": g.adopted,
                        "status": g.status.value,
                        "acts": list(g.acts),
                        "missing": [m.path for m in g.trace.missing],
                    }
                    for g in s.jurisdiction.grounds
                    if g.status is not Status.NOT_ESTABLISHED
                ],
                "consult": list(s.jurisdiction.consult),
                "consult_if_investigating": list(s.jurisdiction.consult_if_investigating),
                "consult_provision": "art_40__para_5",
            }
            for s in analysis.states
        ],
        "measures": [_measure(m) for s in analysis.states for m in s.measures],
        **_questions(analysis),
    }
