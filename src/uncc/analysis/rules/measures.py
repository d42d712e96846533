"""Procedural powers (Arts. 41–50) and limitation deadlines (Art. 38) for a State.

Procedural powers (Arts. 41–50) for a State: whether each is available for the offences
found, where it must be used (domestic, or a request to the State concerned, Art. 4(3)),
the safeguards it requires (Art. 42) and the Convention's parameters; and the limitation
deadline of each offence (Art. 38).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from uncc.analysis.findings import Limitation, Measure, OffenceFinding, Target
from uncc.analysis.limitation import Evasion, reckon
from uncc.analysis.logic import Truth, all_, any_
from uncc.analysis.rules.compiled import per_convention
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.targets import TARGET_KINDS, Found, nothing_named, targets
from uncc.analysis.trace import Missing, Trace, combine, leaf
from uncc.convention.catalogue import Convention
from uncc.convention.model import Article, Power

CLOSED_GROUP_POWERS = frozenset({"realtime_traffic_collection", "interception"})
"""The measures a closed-group reservation (Art. 41(3)(b)) may limit."""

Safeguards = tuple[tuple[str, str, str], ...]

SAFEGUARD_TEXT = {
    "supervision": "judicial or other independent supervision",
    "grounds": "the grounds justifying the measure are stated",
    "scope_limit": "the scope is limited to what the investigation needs",
    "duration_limit": "the duration is limited",
    "proportionality": "proportionate to the offence",
    "necessity": "necessary for the investigation",
    "legality": "a basis in the State's law",
    "privacy": "privacy and personal data are protected",
    "third_parties": "the impact on third parties is considered",
}


def _basis(findings: list[OffenceFinding]) -> Trace:
    parts = [f.trace for f in findings]
    return combine(
        "scope",
        "a Convention offence is established or may be (Art. 41(2)(a))",
        "art_41__para_2__point_a",
        any_,
        parts,
    )


def _listed(findings: list[OffenceFinding], listed: Iterable[str], label: str, at: str) -> Trace:
    wanted = set(listed)
    parts = [f.trace for f in findings if f.offence in wanted]
    return combine(
        "condition",
        label,
        at,
        any_,
        parts,
        inputs=[("offences listed", ", ".join(sorted(wanted)) or "none")],
    )


def _belief(findings: list[OffenceFinding], power: Power) -> Trace:
    """Arts. 45-47: a reasonable belief that an offence was or is being committed.

    It rests on the facts known: an offence the facts establish, or one they describe
    without ruling it out (docs/choices.md). No particular State's jurisdiction is asked:
    where the power is used follows its targets.
    """
    names = ", ".join(sorted({f"{f.offence} ({f.act})" for f in findings})) or "none"
    return leaf(
        "condition",
        "reasonable belief that an offence was or is being committed",
        power.at,
        Truth.of(bool(findings)),
        inputs=[("offences established or not ruled out", names)],
    )


def _serious(findings: list[OffenceFinding], state: str, ctx: Context) -> Trace:
    """Art. 48(1): the offence is in the State's list; with no list, it depends on it."""
    listed = ctx.profile.serious_offences
    label = "the offence is in the State's list of serious offences (Art. 48(1))"
    if listed or not findings:
        return _listed(findings, listed, label, "art_48__para_1")
    return leaf(
        "condition",
        "depends on the State's list of serious offences (Art. 48(1)), which the profile does not give",
        "art_48__para_1",
        Truth.UNKNOWN,
        missing=[
            Missing(
                f"profile[{state}].serious_offences", f"the list of serious offences in {state}"
            )
        ],
    )


class Scope:
    """What every power of one State shares.

    The offences not ruled out, and the conditions built from them: each is built once,
    then the same node serves every power.
    """

    def __init__(
        self, state: str, findings: Iterable[OffenceFinding], ctx: Context, jurisdiction: Trace
    ) -> None:
        self.state = state
        self.relevant = [f for f in findings if f.truth is not Truth.FALSE]
        self.ctx = ctx
        self.jurisdiction = jurisdiction
        self._nodes: dict[str, Trace] = {}
        self._targets: dict[tuple[object, ...], Found] = {}

    def targets(self, power: Power) -> Found:
        """What the power would be used on (the same for powers of the same kinds and reach)."""
        key = (*(power.id in kinds for kinds in TARGET_KINDS), power.parameters.get("reach"))
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = targets(power, self.relevant, self.ctx)
        return found

    def node(self, key: str, build: Callable[[], Trace]) -> Trace:
        """The condition ``key``, built on first use."""
        found = self._nodes.get(key)
        if found is None:
            found = self._nodes[key] = build()
        return found


def _conditions(scope: Scope, power: Power) -> list[Trace]:
    state, relevant, ctx, jurisdiction = scope.state, scope.relevant, scope.ctx, scope.jurisdiction
    profile = ctx.profile
    if power.parameters.get("threshold") == "reasonable_belief":
        investigation = scope.node(
            "investigation",
            lambda: leaf(
                "scope",
                f"{state} is not shown to lack jurisdiction, so it may have its own investigation (Art. 41(1))",
                "art_41__para_1",
                Truth.FALSE if jurisdiction.outcome is Truth.FALSE else Truth.TRUE,
                inputs=[(f"jurisdiction of {state}", jurisdiction.outcome.value)],
            ),
        )
        belief = scope.node(f"belief {power.at}", lambda: _belief(relevant, power))
        conditions = [belief, investigation]
    else:
        proceedings = scope.node(
            "proceedings",
            lambda: combine(
                "scope",
                f"{state} has jurisdiction, so there can be a specific investigation there (Art. 41(1))",
                "art_41__para_1",
                all_,
                [jurisdiction],
            ),
        )
        conditions = [proceedings, scope.node("basis", lambda: _basis(relevant))]
    if power.serious_offences_only:
        conditions.append(scope.node("serious", lambda: _serious(relevant, state, ctx)))
    if power.id == "realtime_traffic_collection" and profile.takes("art_41.realtime_offence_list"):
        listed = (
            profile.realtime_offences
            if profile.realtime_offences is not None
            else profile.serious_offences
        )
        conditions.append(
            _listed(
                relevant,
                listed,
                "the offence is in the State's list for real-time collection (Art. 41(3)(a))",
                "art_41__para_3__point_a",
            )
        )
    return conditions


def state_measures(
    state: str,
    findings: Iterable[OffenceFinding],
    ctx: Context,
    jurisdiction: Trace,
) -> list[Measure]:
    """Every power of the Convention for this State, in the Convention's order."""
    scope = Scope(state, findings, ctx, jurisdiction)
    out: list[Measure] = []
    for entry in ctx.convention.powers():
        out.extend(measures(scope, entry))
    return out


def measures(scope: Scope, entry: tuple[Article, Power]) -> list[Measure]:
    """The power for this State: one measure per place its targets are in.

    Powers that need a reasonable belief (Arts. 45-47) are judged on it; the others
    serve the State's own specific investigations, so it must have jurisdiction
    (Art. 41(1)). A closed-group reservation (41(3)(b)) takes out the measure for the
    closed-group systems only.
    """
    article, power = entry
    state, ctx = scope.state, scope.ctx
    profile = ctx.profile
    conditions = _conditions(scope, power)
    found = scope.targets(power)
    closed = power.id in CLOSED_GROUP_POWERS and profile.takes("art_41.closed_group_systems")
    label = f"{power.name} is available to {state}"
    judicial = power.id in profile.judicial_authorisation
    base = combine("power", label, power.at, all_, conditions, key=power.id)
    safeguards = _safeguards(ctx.convention, power, judicial)

    def measure(
        trace: Trace,
        route: str | None,
        chosen: tuple[Target, ...],
        route_missing: tuple[Missing, ...],
    ) -> Measure:
        return Measure(
            state,
            article.number,
            power.id,
            power.name,
            power.at,
            trace,
            route,
            chosen,
            safeguards,
            judicial,
            power.confidentiality,
            dict(power.parameters),
            route_missing,
        )

    if not found:
        return [measure(base, None, (), (nothing_named(power.id),))]
    groups: dict[tuple[str | None, Truth], list[tuple[Target, list[Missing], Trace | None]]] = {}
    for target, missing in found:
        left_out = closed_group_left_out(target, ctx) if closed else None
        key = (target.location, Truth.TRUE if left_out is None else left_out.outcome)
        groups.setdefault(key, []).append((target, missing, left_out))
    out = []
    for (place, _), group in groups.items():
        route = None if place is None else ("domestic" if place == state else f"request:{place}")
        extra = [node for _, _, node in group if node is not None]
        trace = base
        if extra:
            reservation = combine(
                "reservation",
                "not a closed-group system the State leaves out (Art. 41(3)(b))",
                "art_41__para_3__point_b",
                all_,
                extra,
            )
            trace = combine(
                "power", label, power.at, all_, [*conditions, reservation], key=power.id
            )
        out.append(
            measure(
                trace,
                route,
                tuple(t for t, _, _ in group),
                tuple(m for _, ms, _ in group for m in ms),
            )
        )
    return out


def closed_group_left_out(target: Target, ctx: Context) -> Trace | None:
    """Art. 41(3)(b): a leaf that holds unless the target is a system the reservation covers.

    The reservation covers a system for a closed group of users that uses no public
    network and is connected to no other system; ``None`` for a target not a system.
    """
    world = ctx.world
    system = world.system(target.id)
    if system is None:
        return None
    closed = world.flag(
        system, "closed_group", system.closed_group, "whether the system serves a closed group only"
    )
    linked = world.flag(
        system, "connected", system.connected, "whether the system is connected to another system"
    )
    covered = all_([closed.truth, ~linked.truth])
    missing = [*closed.missing] if closed.truth is not Truth.FALSE else []
    if closed.truth is not Truth.FALSE:
        missing += linked.missing
    return leaf(
        "fact",
        f"{system.id} is not a closed-group system the State leaves out",
        "art_41__para_3__point_b",
        ~covered,
        inputs=[(closed.path, closed.shown), (linked.path, linked.shown)],
        missing=missing,
    )


def _safeguards(
    convention: Convention, power: Power, judicial: bool
) -> tuple[tuple[str, str, str], ...]:
    """What Art. 42 asks of the power here (the same for every incident: kept per Convention)."""
    table = per_convention(convention, "safeguards", dict[tuple[str, bool], Safeguards])
    key = (power.id, judicial)
    found = table.get(key)
    if found is None:
        found = table[key] = tuple(_safeguards_of(convention, power, judicial))
    return found


def _safeguards_of(
    convention: Convention, power: Power, judicial: bool
) -> Iterator[tuple[str, str, str]]:
    article = convention.article(42)
    duration = power.parameters.get("max_duration_days")
    for safeguard in article.safeguards:
        text = SAFEGUARD_TEXT.get(safeguard.id, safeguard.gist)
        if safeguard.id == "supervision":
            text = (
                "a judge authorises it before use (the State's rule)"
                if judicial
                else "supervision by a judge or other independent authority, as the State's law provides"
            )
        if safeguard.id == "duration_limit" and duration:
            renew = ", renewable" if power.parameters.get("renewable") else ""
            text = f"at most {duration} days per order{renew} ({power.parameters.get('duration_at', power.at)})"
        yield safeguard.id, safeguard.at, text


def limitation(state: str, finding: OffenceFinding, ctx: Context, at: dt.date | None) -> Limitation:
    """When proceedings for the offence must begin in ``state`` (Art. 38).

    The offender's evasion of justice (``persons[].evaded_justice``) suspends or extends
    the period as the State's profile says (``limitation.evasion``); see
    :func:`uncc.analysis.limitation.reckon`.
    """
    years = ctx.profile.limitation_years(finding.offence)
    act = ctx.world.act(finding.act)
    when = act.when if act else None
    missing: list[Missing] = []
    if when is None and act is not None:
        missing.append(Missing(ctx.world.path(act, "when"), "when the act was committed"))
    if years is None:
        missing.append(Missing(f"profile[{state}].limitation", f"the limitation period in {state}"))
    if when is None or years is None:
        return Limitation(state, finding.offence, finding.act, years, None, None, tuple(missing))
    start = when.date() if isinstance(when, dt.datetime) else when
    offender = ctx.world.person(finding.actor)
    spans = None if offender is None else offender.evaded_justice
    rule = ctx.profile.limitation
    found = reckon(
        start,
        years,
        at,
        effect=rule.evasion,
        evasion_years=rule.evasion_years,
        evasion=None if spans is None else [Evasion(s.since, s.until) for s in spans],
    )
    if found.needs_evasion and offender is not None:
        missing.append(
            Missing(
                ctx.world.path(offender, "evaded_justice"),
                "whether the offender evaded justice, and when",
            )
        )
    elif found.needs_evasion and act is not None:
        missing.append(Missing(ctx.world.path(act, "by"), "who did it"))
    if found.needs_rule:
        missing.append(
            Missing(
                f"profile[{state}].limitation.evasion",
                f"whether evasion of justice suspends or extends the period in {state}",
            )
        )
    deadline = None if found.deadline is None else found.deadline.isoformat()
    return Limitation(
        state,
        finding.offence,
        finding.act,
        years,
        deadline,
        found.expired,
        tuple(missing),
        found.note,
    )
