"""The analysis: incident facts + Convention + State profiles + date → findings.

For each State the incident names (or the States asked for), under that State's profile:
the offences of each act and actor, who else answers (participants, legal persons),
jurisdiction (Art. 40) with the duty to consult (40(5)), the procedural powers available
and where they must be used (Arts. 4(3), 41–50), and limitation deadlines (Art. 38).
The same offences are also judged under the ``baseline`` profile: the Convention's
mandatory minimum, which every State Party shares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Final

from uncc.analysis.facts import Act, Incident, Person
from uncc.analysis.findings import (
    Basis,
    Jurisdiction,
    Limitation,
    Measure,
    OffenceFinding,
    make_offence_finding,
)
from uncc.analysis.logic import FALSE, UNKNOWN, Truth, any_
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.deadlines import limitation
from uncc.analysis.rules.grounds_truth import TRUTHS
from uncc.analysis.rules.jurisdiction import consultation, jurisdiction
from uncc.analysis.rules.liability import aggravations, legal_person, participation
from uncc.analysis.rules.measures import state_measures as state_measures_of
from uncc.analysis.rules.offences import candidates, evaluate_offence
from uncc.analysis.trace import Trace, combine, leaf
from uncc.analysis.vocabulary import PRINCIPAL_ROLES, Stage
from uncc.analysis.world import World
from uncc.collector import collector_paused
from uncc.convention.catalogue import Convention
from uncc.convention.model import Article, Ground, Offence
from uncc.parties.profile import Profile

_BASIS = {
    Stage.COMPLETED: Basis.PERPETRATION,
    Stage.ATTEMPTED: Basis.ATTEMPT,
    Stage.PREPARED: Basis.PREPARATION,
}
_COMPLETED: Final = Stage.COMPLETED
_PRINCIPAL_BASES: Final = (Basis.PERPETRATION, Basis.ATTEMPT, Basis.PREPARATION)
_LEGAL_PERSON: Final = Basis.LEGAL_PERSON
# Module constants: an enum member read from its class goes through the metaclass (ADR 0053).


@dataclass(frozen=True)
class StateResult:
    """Everything the analysis says for one State."""

    state: str
    profile: Profile
    findings: tuple[OffenceFinding, ...]
    jurisdiction: Jurisdiction
    measures: tuple[Measure, ...]
    limitations: tuple[Limitation, ...]


@dataclass(frozen=True)
class Analysis:
    """The result of analysing one incident."""

    incident: Incident
    at: dt.date | None
    baseline: tuple[OffenceFinding, ...]
    states: tuple[StateResult, ...]

    def state(self, code: str) -> StateResult | None:
        """The result for one State, or ``None`` when it was not analysed."""
        return next((s for s in self.states if s.state == code), None)


_APPLIED: dict[tuple[int, str], tuple[Profile, Profile]] = {}
"""(id of a profile, State) → (that profile, the profile applied to the State)."""


def _applied(profile: Profile, state: str) -> Profile:
    """``profile.for_state(state)``, kept: a template applied to a State is a new copy.

    Profiles are frozen, so the copy made for one incident serves the next ones.
    """
    entry = _APPLIED.get((id(profile), state))
    if entry is None or entry[0] is not profile:
        if len(_APPLIED) > 256:
            _APPLIED.clear()
        entry = _APPLIED[id(profile), state] = (profile, profile.for_state(state))
    return entry[1]


class _Evaluator:
    """Offence findings under one profile, computed once per act."""

    def __init__(self, convention: Convention, world: World, profile: Profile) -> None:
        self.convention = convention
        self.world = world
        self.ctx = Context(convention, world, profile, self._predicate)
        self._cache: dict[str, list[OffenceFinding]] = {}
        self._busy: set[str] = set()

    def release(self) -> None:
        """Drop the findings kept per act, once the analysis is made.

        The context refers back to the evaluator (the predicate of laundering), a cycle
        only the cyclic collector frees: without this, the findings of a State nobody
        asked about stayed alive until its next run.
        """
        self._cache.clear()

    def principal(self, act: Act) -> list[OffenceFinding]:
        """Every offence judged for an act of a perpetrator (all statuses)."""
        if act.id in self._cache:
            return self._cache[act.id]
        self._busy.add(act.id)
        basis = _BASIS[act.stage or _COMPLETED]
        extra = aggravations(act, self.ctx)
        role = act.role.value if act.role else None
        found = [
            make_offence_finding(
                article.number,
                offence.id,
                offence.name,
                offence.at,
                act.id,
                act.by,
                basis,
                evaluate_offence(article, offence, act, self.ctx),
                role=role,
                aggravations=extra,
                human_rights_review=offence.human_rights_review,
            )
            for article, offence in candidates(self.convention, act)
        ]
        self._busy.discard(act.id)
        self._cache[act.id] = found
        return found

    def _truth(self, article: Article, offence: Offence, act: Act) -> Truth:
        """One offence's truth for an act, judged as :meth:`principal` judges it."""
        if act.id in self._cache:
            found = next(f for f in self._cache[act.id] if f.offence == offence.id)
            return found.truth
        self._busy.add(act.id)
        try:
            return evaluate_offence(article, offence, act, self.ctx).outcome
        finally:
            self._busy.discard(act.id)

    def competent(self, state: str, grounds: Sequence[Ground]) -> bool:
        """Whether ``state``'s jurisdiction is not ruled out (its outcome is not FALSE).

        The same answer as ``jurisdiction(...).trace.outcome is not FALSE``, found
        lazily: the first adopted ground that is not FALSE for an offence not FALSE
        settles it, so a State nobody asked about is judged only as far as needed.
        """
        adopted = [g for g in grounds if g.mandatory or self.ctx.profile.establishes(g.id)]
        if not adopted:
            return False
        for act in self.world.incident.acts:
            if act.role is not None and act.role not in PRINCIPAL_ROLES:
                continue
            for article, offence in candidates(self.convention, act):
                if self._truth(article, offence, act) is FALSE:
                    continue
                if self._grounded(state, adopted, act, act.by):
                    return True
            # Before the next act, the act's findings are kept as :meth:`findings` keeps
            # them, so that a later act's offences (laundering refers to other acts) are
            # judged with the same findings at hand.
            self.principal(act)
        for finding in self.findings():
            if finding.basis in _PRINCIPAL_BASES:
                continue  # judged above
            done = self.world.act(finding.act)
            if (
                finding.truth is not FALSE
                and done is not None
                and self._grounded(state, adopted, done, finding.actor)
            ):
                return True
        return False

    def _grounded(self, state: str, adopted: list[Ground], act: Act, actor: str | None) -> bool:
        return any(TRUTHS[g.id](state, act, actor, self.ctx) is not FALSE for g in adopted)

    def _principal_act(self, act: Act) -> Act | None:
        seen = {act.id}
        while act.role is not None and act.role not in PRINCIPAL_ROLES:
            nxt = self.world.act(act.participates_in)
            if nxt is None or nxt.id in seen:
                return None
            seen.add(nxt.id)
            act = nxt
        return act

    def _predicate(self, act_id: str) -> Trace:
        label = f"{act_id} is a Convention offence (Art. 33(2)(b))"
        at = "art_33__para_2__point_b"
        act = self.world.act(act_id)
        principal = self._principal_act(act) if act else None
        if principal is None or principal.id in self._busy:
            return leaf(
                "predicate",
                label,
                at,
                UNKNOWN,
                notes=["the predicate refers back to the laundering itself"],
            )
        parts = [
            f.trace for f in self.principal(principal) if not f.offence.startswith("laundering")
        ]
        return combine("predicate", label, at, any_, parts, key=act_id)

    def findings(self) -> list[OffenceFinding]:
        """Every relevant finding: perpetrators, participants, legal persons."""
        out: list[OffenceFinding] = []
        incident = self.world.incident
        for act in incident.acts:
            if act.role is None or act.role in PRINCIPAL_ROLES:
                out.extend(self.principal(act))
        for act in incident.acts:
            if act.role is not None and act.role not in PRINCIPAL_ROLES:
                principal = self._principal_act(act)
                if principal is not None:
                    out.extend(participation(act, f, self.ctx) for f in self.principal(principal))
        for finding in list(out):
            done = self.world.act(finding.act)
            entity = self.world.get(done.for_benefit_of) if done else None
            if done is not None and isinstance(entity, Person) and entity.id != finding.actor:
                out.append(legal_person(finding, done, entity, self.ctx))
        return out


def offences(
    incident: Incident, convention: Convention, profile: Profile
) -> tuple[OffenceFinding, ...]:
    """The offence findings alone (perpetrators, participants, legal persons) under one profile."""
    evaluator = _Evaluator(convention, World(incident), profile)
    try:
        return tuple(evaluator.findings())
    finally:
        evaluator.release()


def analyze(
    incident: Incident,
    convention: Convention,
    baseline: Profile,
    *,
    profiles: Mapping[str, Profile] | None = None,
    default: Profile | None = None,
    parties: Sequence[str] | None = None,
    at: dt.date | None = None,
) -> Analysis:
    """Analyse an incident.

    Args:
        incident: the validated facts.
        convention: the Convention model.
        baseline: the profile with no options (the Convention's mandatory minimum).
        profiles: a profile per State code; others get ``default``.
        default: the profile for States without one (``baseline`` if not given).
        parties: the States to report on (default: every State the incident names).
        at: the date limitation deadlines are checked against.
    """
    made: list[_Evaluator] = []
    with collector_paused():
        try:
            return _analyze(
                incident,
                convention,
                baseline,
                made,
                profiles=profiles,
                default=default,
                parties=parties,
                at=at,
            )
        finally:
            for evaluator in made:
                evaluator.release()


def _analyze(
    incident: Incident,
    convention: Convention,
    baseline: Profile,
    made: list[_Evaluator],
    *,
    profiles: Mapping[str, Profile] | None,
    default: Profile | None,
    parties: Sequence[str] | None,
    at: dt.date | None,
) -> Analysis:
    world = World(incident)
    profiles = dict(profiles or {})
    default = default or baseline
    named = world.states()
    every = sorted({*named, *profiles, *(parties or [])})
    chosen = list(parties) if parties else sorted({*named, *profiles})
    made.append(_Evaluator(convention, world, baseline))
    base = tuple(made[-1].findings())
    grounds = convention.article(40).grounds
    evaluated: dict[str, tuple[Profile, list[OffenceFinding], Jurisdiction, _Evaluator]] = {}
    for state in dict.fromkeys(chosen):
        profile = _applied(profiles.get(state, default), state)
        evaluator = _Evaluator(convention, world, profile)
        made.append(evaluator)
        found = evaluator.findings()
        evaluated[state] = (
            profile,
            found,
            jurisdiction(state, found, grounds, evaluator.ctx),
            evaluator,
        )
    competent: dict[str, bool] = {
        s: juris.trace.outcome is not FALSE for s, (_, _, juris, _) in evaluated.items()
    }

    def others(state: str) -> set[str]:
        """The other States whose jurisdiction is not ruled out (judged when first asked)."""
        for other in every:
            if other not in competent:
                profile = _applied(profiles.get(other, default), other)
                evaluator = _Evaluator(convention, world, profile)
                made.append(evaluator)
                competent[other] = evaluator.competent(other, grounds)
        return {s for s, yes in competent.items() if yes and s != state}

    results: list[StateResult] = []
    for state in chosen:
        profile, found, juris, evaluator = evaluated[state]
        juris = consultation(juris, partial(others, state), incident.investigations)
        state_measures = state_measures_of(state, found, evaluator.ctx, juris.trace)
        limits = tuple(
            limitation(state, f, evaluator.ctx, at)
            for f in found
            if f.truth is not FALSE and f.basis is not _LEGAL_PERSON
        )
        results.append(
            StateResult(state, profile, tuple(found), juris, tuple(state_measures), limits)
        )
    return Analysis(incident, at, base, tuple(results))
