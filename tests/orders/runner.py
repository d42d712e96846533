"""Run YAML order scenarios: a State's profile, an order, its moves, and what the law says.

A file holds a list of scenarios. Each names a ``profile`` (``baseline``, ``strict`` or a
file from the repository root) with optional ``changes`` to it, an ``order`` (power,
offences, duration_days, targets), the ``findings`` of the case's analysis (default:
every offence of the order established), the ``steps`` to take (``draft``, ``submit``,
``authorise``, ``issue``, ``renew``, each optionally ``@DAY``: days after the start)
and what to ``expect``: either ``refused: {step, provision}`` or ``allowed`` with the
order's ``expires_after_days``, ``renewals`` and ``moves`` (per role, the moves possible
then and those blocked, with the provision or ``role``) at the end. docs/scenarios.md explains
the format for lawyers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from uncc.convention.catalogue import load_convention
from uncc.domain.order_moves import moves
from uncc.domain.order_rules import Basis, Law, check_draft, check_move, law_of
from uncc.domain.orders import Command, Order, OrderState, Target, move
from uncc.domain.policy import Role
from uncc.errors import RuleViolation
from uncc.parties.catalogue import BUILTIN, builtin_profile, parse_profile
from uncc.parties.profile import Profile
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]
START = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Scenario:
    """One order scenario of a file."""

    file: Path
    name: str
    raw: dict[str, Any]


def load_scenarios(path: Path) -> list[Scenario]:
    """Every scenario of a file."""
    document = load_yaml(path.read_text(encoding="utf-8"))
    assert isinstance(document, list), f"{path.name}: a list of scenarios"
    return [Scenario(path, item["scenario"], item) for item in document]


def profile_of(raw: dict[str, Any]) -> Profile:
    """The scenario's profile, with its changes, for its State (XA by default)."""
    spec = raw.get("profile", "baseline")
    if spec in BUILTIN:
        base = builtin_profile(spec)
    else:
        base = parse_profile((ROOT / spec).read_text(encoding="utf-8"), spec)
    changed = base.model_dump(mode="json") | dict(raw.get("changes") or {})
    changed["state"] = changed.get("state") or raw.get("state", "XA")
    return parse_profile(json.dumps(changed), f"{spec} with the scenario's changes")


def law(raw: dict[str, Any]) -> Law:
    """The law of the scenario's State."""
    return law_of(load_convention(), profile_of(raw), builtin_profile("baseline"))


def _order(raw: dict[str, Any], state: str) -> Order:
    spec = raw["order"]
    targets = spec.get("targets") or [{"id": "t1", "kind": "data", "location": state}]
    return Order(
        id="O-1",
        case_id="C-1",
        power=spec["power"],
        state=OrderState.DRAFT,
        offences=tuple(spec["offences"]),
        targets=tuple(Target(t["id"], t["kind"], t.get("location")) for t in targets),
        grounds="the grounds",
        scope="the scope",
        necessity="the necessity",
        proportionality="the proportionality",
        duration_days=spec.get("duration_days"),
        created_by="ivan",
        created_at=START,
    )


def run(scenario: Scenario) -> list[str]:
    """Every expectation the scenario does not meet (empty when all hold)."""
    raw = scenario.raw
    rules = law(raw)
    order = _order(raw, rules.state)
    order = replace(order, requires_authorisation=rules.of(order.power).judge)
    findings = raw.get("findings") or dict.fromkeys(order.offences, "established")
    expect = raw["expect"]
    at = START
    for step in raw["steps"]:
        name, _, day = str(step).partition("@")
        at = START + dt.timedelta(days=float(day or 0))
        try:
            if name == "draft":
                check_draft(order, [Basis(o, s) for o, s in findings.items()], rules)
            else:
                command = Command(name)
                check_move(order, command, rules, at)
                order = move(order, command, "judge" if name == "authorise" else "pia", at)
        except RuleViolation as exc:
            refused = expect.get("refused")
            if refused is None:
                return [f"{step}: refused ({exc.provision}: {exc.reason}), expected allowed"]
            problems = []
            if refused.get("step") != step:
                problems.append(f"refused at {step}, expected at {refused.get('step')}")
            if refused.get("provision") != exc.provision:
                problems.append(f"refusal cites {exc.provision}, expected {refused['provision']}")
            return problems
    if "refused" in expect:
        return [f"allowed, expected refused at {expect['refused'].get('step')}"]
    return _check_allowed(order, expect.get("allowed") or {}, rules, at)


def _check_allowed(order: Order, allowed: dict[str, Any], rules: Law, at: dt.datetime) -> list[str]:
    problems = _check_moves(order, allowed.get("moves") or {}, rules, at)
    if "expires_after_days" in allowed:
        want = allowed["expires_after_days"]
        got = None if order.expires_at is None else (order.expires_at - START).days
        if got != want:
            problems.append(f"expires after {got} days, expected {want}")
    if "renewals" in allowed and order.renewals != allowed["renewals"]:
        problems.append(f"renewed {order.renewals} times, expected {allowed['renewals']}")
    return problems


def _check_moves(order: Order, wanted: dict[str, Any], rules: Law, at: dt.datetime) -> list[str]:
    """``moves: {ROLE: {possible: [...], blocked: {MOVE: PROVISION or 'role'}}}`` after the steps."""
    problems = []
    for role, expected in wanted.items():
        found = {m.command.value: m for m in moves(order, {Role(role)}, rules, at)}
        possible = sorted(c for c, m in found.items() if m.possible)
        if sorted(expected.get("possible", [])) != possible:
            problems.append(
                f"{role} may {possible}, expected {sorted(expected.get('possible', []))}"
            )
        for command, why in (expected.get("blocked") or {}).items():
            move = found.get(command)
            got = None if move is None or move.possible else (move.provision or "role")
            if got != why:
                problems.append(f"{role}: {command} blocked by {got}, expected {why}")
    return problems
