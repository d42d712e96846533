"""Before asking another State: is the conduct an offence there, and is the measure available?

The facts of our case are analysed under the requested State's published profile (its
directory entry; the baseline when it published none). Dual criminality is the best
status, under that State's law, of the offences the facts show: ``yes`` when one is
established there, ``no`` when every one is not established, ``undetermined``
otherwise — an unknown fact is never taken as false. The measure is available there
when its conditions hold under that State's law; that State's own jurisdiction is not
among them, since it acts on our request (Art. 4), not in its own investigation.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from uncc.analysis.engine import analyze
from uncc.analysis.intake import validate_incident
from uncc.analysis.report import to_dict
from uncc.convention.catalogue import load_convention
from uncc.parties.catalogue import builtin_profile
from uncc.parties.profile import Profile

OWN_INVESTIGATION = "art_41__para_1"
"""The condition a requested State need not meet: a specific investigation of its own."""
_RANK = {"established": 2, "undetermined": 1, "not_established": 0}
VERDICT = {"established": "yes", "undetermined": "undetermined", "not_established": "no"}


@dataclass(frozen=True)
class OffenceThere:
    """One offence the facts show, as the requested State's law sees it."""

    offence: str
    name: str
    provision: str
    status: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Abroad:
    """What the requested State's law says of our facts and of the measure we ask for."""

    state: str
    profile: str
    """Whose choices were applied: the State's published profile, or the baseline."""
    dual_criminality: str
    """'yes', 'no' or 'undetermined'."""
    offences: tuple[OffenceThere, ...]
    measure: str
    measure_provision: str
    measure_available: str
    """'yes', 'no' or 'undetermined'."""
    conditions: tuple[tuple[str, str, str], ...]
    """(what, provision, status) of each condition of the measure there."""
    missing: tuple[str, ...]
    """The facts that would settle what is undetermined."""


def offence_problems(offences: Any) -> list[str]:
    """Each offence id that is not an offence of the Convention model, as ``offences.N: …``."""
    if not isinstance(offences, list):
        return []
    known = sorted({o.id for _, o in load_convention().offences()})
    problems = []
    for n, offence in enumerate(offences):
        if isinstance(offence, str) and offence in known:
            continue
        close = difflib.get_close_matches(str(offence).replace(" ", "_"), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(
            f"offences.{n}: '{offence}' is not an offence id of the Convention model{hint}"
        )
    return problems


def assess(
    facts: dict[str, Any],
    state: str,
    profile: Profile | None,
    measure: str,
    at: dt.date,
) -> Abroad:
    """Analyse the facts under the requested State's profile; the verdicts, with citations.

    Raises:
        FactsError: the facts are not valid.
    """
    convention = load_convention()
    incident = validate_incident(facts, "facts")
    baseline = builtin_profile("baseline")
    used = profile if profile is not None else baseline.model_copy(update={"state": state})
    report = to_dict(
        analyze(incident, convention, baseline, profiles={state: used}, parties=[state], at=at),
        convention,
    )
    offences = _offences(report, state)
    best = max((o.status for o in offences), key=_RANK.__getitem__, default="not_established")
    power = next((p for _, p in convention.powers() if p.id == measure), None)
    found = [m for m in report["measures"] if m["state"] == state and m["power"] == measure]
    chosen = next((m for m in found if m["route"] == "domestic"), found[0] if found else None)
    conditions = tuple(
        (c["gist"], c["provision"], c["status"])
        for c in (chosen["conditions"] if chosen else [])
        if c["provision"] != OWN_INVESTIGATION
    )
    statuses = [status for _, _, status in conditions]
    available = (
        "no"
        if chosen is None or "not_established" in statuses
        else "yes"
        if all(s == "established" for s in statuses)
        else "undetermined"
    )
    missing = [m for o in offences if o.status == "undetermined" for m in o.missing]
    if chosen is not None and available == "undetermined":
        missing.extend(chosen["missing"])
    return Abroad(
        state,
        f"{state}'s published profile"
        if profile is not None
        else "the baseline (no profile published)",
        VERDICT[best],
        offences,
        measure,
        power.at if power is not None else measure,
        available,
        conditions,
        tuple(dict.fromkeys(missing)),
    )


def _offences(report: dict[str, Any], state: str) -> tuple[OffenceThere, ...]:
    """The best status of each offence there (an act may establish it where another does not)."""
    best: dict[str, OffenceThere] = {}
    for entry in report["offences"]:
        there = next((s for s in entry["states"] if s["state"] == state), None)
        if there is None:
            continue
        found = OffenceThere(
            entry["offence"],
            entry.get("name", entry["offence"]),
            entry["provision"],
            there["status"],
            tuple(there["missing"]),
        )
        held = best.get(found.offence)
        if held is None or _RANK[found.status] > _RANK[held.status]:
            best[found.offence] = found
    return tuple(best.values())
