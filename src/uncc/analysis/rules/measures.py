"""Procedural powers (Arts. 41–50) for a State.

Whether each is available for the offences found, where it must be used (domestic, or
a request to the State concerned, Art. 4(3)), the safeguards it requires (Art. 42) and
the Convention's parameters. Limitation deadlines (Art. 38) are in :mod:`.deadlines`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from uncc.analysis.findings import Measure, OffenceFinding, Target, make_measure
from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, Truth, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.safeguards import Safeguards, safeguards
from uncc.analysis.rules.targets import TARGET_KINDS, Found, nothing_named, targets
from uncc.analysis.trace import Missing, Trace, combine, deferred, leaf
from uncc.convention.catalogue import Convention
from uncc.convention.model import Power
from uncc.parties.profile import Profile

CLOSED_GROUP_POWERS = frozenset({"realtime_traffic_collection", "interception"})
"""The measures a closed-group reservation (Art. 41(3)(b)) may limit."""

Placed = tuple[str | None, tuple[Target, ...], tuple[Missing, ...]]
"""A route (``None`` if the place is unknown), the targets there and what is missing."""


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


def _belief(findings: list[OffenceFinding], power: Power, names: str) -> Trace:
    """Arts. 45-47: a reasonable belief that an offence was or is being committed.

    It rests on the facts known: an offence the facts establish, or one they describe
    without ruling it out (docs/choices.md). No particular State's jurisdiction is asked:
    where the power is used follows its targets. ``names`` are the findings', as
    :func:`_offence_names` gives them.
    """
    return leaf(
        "condition",
        "reasonable belief that an offence was or is being committed",
        power.at,
        truth_of(bool(findings)),
        inputs=[("offences established or not ruled out", names)],
    )


def _offence_names(findings: list[OffenceFinding]) -> str:
    """The offences and acts of the findings, as a belief's input shows them."""
    return ", ".join(sorted({f"{f.offence} ({f.act})" for f in findings})) or "none"


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
        UNKNOWN,
        missing=[
            Missing(
                f"profile[{state}].serious_offences", f"the list of serious offences in {state}"
            )
        ],
    )


@dataclass(frozen=True)
class _Plan:
    """One power as a State applies it: everything that does not depend on the facts."""

    article: int
    power: Power
    label: str
    judicial: bool
    safeguards: Safeguards
    closed: bool
    """Whether a closed-group reservation (41(3)(b)) may take out some of its targets."""
    targets: tuple[object, ...]
    """What its targets depend on: the kinds of power it is and its ``reach``."""
    belief: bool
    """Whether it is judged on a reasonable belief (Arts. 45-47), not on jurisdiction."""
    realtime_list: tuple[str, ...] | None
    """The State's list for real-time collection (41(3)(a)), when one applies."""


def _plans(convention: Convention, profile: Profile, state: str) -> tuple[_Plan, ...]:
    """Every power of the Convention as this State applies it, in the Convention's order."""
    out = []
    for article, power in convention.powers():
        judicial = power.id in profile.judicial_authorisation
        realtime: tuple[str, ...] | None = None
        if power.id == "realtime_traffic_collection" and profile.takes(
            "art_41.realtime_offence_list"
        ):
            chosen = profile.realtime_offences
            realtime = tuple(chosen if chosen is not None else profile.serious_offences)
        out.append(
            _Plan(
                article.number,
                power,
                f"{power.name} is available to {state}",
                judicial,
                safeguards(convention, power, judicial),
                power.id in CLOSED_GROUP_POWERS and profile.takes("art_41.closed_group_systems"),
                (*(power.id in kinds for kinds in TARGET_KINDS), power.parameters.get("reach")),
                power.parameters.get("threshold") == "reasonable_belief",
                realtime,
            )
        )
    return tuple(out)


_PLANS: dict[tuple[int, int, str], tuple[Convention, Profile, tuple[_Plan, ...]]] = {}
"""(id of a Convention, id of a profile, State) → the powers as that State applies them."""


def plans(convention: Convention, profile: Profile, state: str) -> tuple[_Plan, ...]:
    """The powers as the State applies them, made once per (Convention, profile, State)."""
    key = (id(convention), id(profile), state)
    entry = _PLANS.get(key)
    if entry is None or entry[0] is not convention or entry[1] is not profile:
        if len(_PLANS) > 256:
            _PLANS.clear()
        entry = _PLANS[key] = (convention, profile, _plans(convention, profile, state))
    return entry[2]


class Scope:
    """What every power of one State shares.

    The offences not ruled out, and the conditions and targets found from them: each
    is built once, then the same node serves every power.
    """

    def __init__(
        self, state: str, findings: Iterable[OffenceFinding], ctx: Context, jurisdiction: Trace
    ) -> None:
        self.state = state
        self.relevant = [f for f in findings if f.truth is not FALSE]
        self.ctx = ctx
        self.jurisdiction = jurisdiction
        self._nodes: dict[str, Trace] = {}
        self._beliefs: dict[str, Trace] = {}  # by the power's provision
        self._targets: dict[tuple[object, ...], Found] = {}
        self._placed: dict[tuple[object, ...], list[Placed]] = {}
        self._names: str | None = None

    def targets(self, plan: _Plan) -> Found:
        """What the power would be used on (the same for powers of the same kinds and reach)."""
        found = self._targets.get(plan.targets)
        if found is None:
            found = self._targets[plan.targets] = targets(plan.power, self.relevant, self.ctx)
        return found

    def placed(self, plan: _Plan) -> list[Placed]:
        """The power's targets by place, with the route to each (as :meth:`targets`, shared)."""
        placed = self._placed.get(plan.targets)
        if placed is None:
            placed = self._placed[plan.targets] = _placed(
                self.targets(plan), plan.power.id, self.state
            )
        return placed

    def conditions(self, plan: _Plan) -> list[Trace]:
        """The conditions of the power (Art. 41 and the power's own)."""
        nodes = self._nodes
        power, relevant = plan.power, self.relevant
        if plan.belief:
            if "investigation" not in nodes:
                nodes["investigation"] = _investigation(self.state, self.jurisdiction)
            belief = self._beliefs.get(power.at)
            if belief is None:
                if self._names is None:
                    self._names = _offence_names(relevant)
                belief = self._beliefs[power.at] = _belief(relevant, power, self._names)
            conditions = [belief, nodes["investigation"]]
        else:
            if "proceedings" not in nodes:
                nodes["proceedings"] = _proceedings(self.state, self.jurisdiction)
                nodes["basis"] = _basis(relevant)
            conditions = [nodes["proceedings"], nodes["basis"]]
        if power.serious_offences_only:
            if "serious" not in nodes:
                nodes["serious"] = _serious(relevant, self.state, self.ctx)
            conditions.append(nodes["serious"])
        if plan.realtime_list is not None:
            conditions.append(
                _listed(
                    relevant,
                    plan.realtime_list,
                    "the offence is in the State's list for real-time collection (Art. 41(3)(a))",
                    "art_41__para_3__point_a",
                )
            )
        return conditions


def _investigation(state: str, jurisdiction: Trace) -> Trace:
    return leaf(
        "scope",
        f"{state} is not shown to lack jurisdiction, so it may have its own investigation (Art. 41(1))",
        "art_41__para_1",
        FALSE if jurisdiction.outcome is FALSE else TRUE,
        inputs=[(f"jurisdiction of {state}", jurisdiction.outcome.value)],
    )


def _proceedings(state: str, jurisdiction: Trace) -> Trace:
    return deferred(
        all_([jurisdiction.outcome]),
        partial(
            combine,
            "scope",
            f"{state} has jurisdiction, so there can be a specific investigation there (Art. 41(1))",
            "art_41__para_1",
            all_,
            (jurisdiction,),
        ),
    )


def _power(label: str, power: Power, conditions: list[Trace]) -> Trace:
    """The power's node: all of its conditions (made when read, as the jurisdiction is)."""
    return deferred(
        all_([c.outcome for c in conditions]), partial(_power_node, label, power, tuple(conditions))
    )


def _power_node(label: str, power: Power, conditions: tuple[Trace, ...]) -> Trace:
    return combine("power", label, power.at, all_, conditions, key=power.id)


def state_measures(
    state: str,
    findings: Iterable[OffenceFinding],
    ctx: Context,
    jurisdiction: Trace,
) -> list[Measure]:
    """Every power of the Convention for this State, in the Convention's order."""
    scope = Scope(state, findings, ctx, jurisdiction)
    out: list[Measure] = []
    for plan in plans(ctx.convention, ctx.profile, state):
        out.extend(measures(scope, plan))
    return out


def measures(scope: Scope, plan: _Plan) -> list[Measure]:
    """The power for this State: one measure per place its targets are in.

    Powers that need a reasonable belief (Arts. 45-47) are judged on it; the others
    serve the State's own specific investigations, so it must have jurisdiction
    (Art. 41(1)). A closed-group reservation (41(3)(b)) takes out the measure for the
    closed-group systems only.
    """
    power, state = plan.power, scope.state
    conditions = scope.conditions(plan)
    base = _power(plan.label, power, conditions)
    if not plan.closed:  # one measure per place, the places shared by powers of one kind
        return [_measure(plan, state, base, placed) for placed in scope.placed(plan)]
    found = scope.targets(plan)
    if not found:
        return [_measure(plan, state, base, (None, (), (nothing_named(power.id),)))]
    groups: dict[tuple[str | None, Truth], list[tuple[Target, list[Missing], Trace | None]]] = {}
    for target, missing in found:
        left_out = closed_group_left_out(target, scope.ctx)
        key = (target.location, TRUE if left_out is None else left_out.outcome)
        groups.setdefault(key, []).append((target, missing, left_out))
    out = []
    for (place, _), group in groups.items():
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
            trace = _power(plan.label, power, [*conditions, reservation])
        out.append(
            _measure(
                plan,
                state,
                trace,
                (
                    _route(place, state),
                    tuple(t for t, _, _ in group),
                    tuple(m for _, ms, _ in group for m in ms),
                ),
            )
        )
    return out


def _route(place: str | None, state: str) -> str | None:
    """Domestic, a request to the State the targets are in, or ``None`` if unknown."""
    return None if place is None else ("domestic" if place == state else f"request:{place}")


def _placed(found: Found, power_id: str, state: str) -> list[Placed]:
    """The targets grouped by place, in the order first found, with each route."""
    if not found:
        return [(None, (), (nothing_named(power_id),))]
    groups: dict[str | None, list[tuple[Target, list[Missing]]]] = {}
    for item in found:
        groups.setdefault(item[0].location, []).append(item)
    return [
        (
            _route(place, state),
            tuple(t for t, _ in group),
            tuple(m for _, ms in group for m in ms),
        )
        for place, group in groups.items()
    ]


def _measure(plan: _Plan, state: str, trace: Trace, placed: Placed) -> Measure:
    power = plan.power
    route, chosen, route_missing = placed
    return make_measure(
        state,
        plan.article,
        power.id,
        power.name,
        power.at,
        trace,
        route,
        chosen,
        plan.safeguards,
        plan.judicial,
        power.confidentiality,
        dict(power.parameters),
        route_missing,
    )


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
    missing = [*closed.missing] if closed.truth is not FALSE else []
    if closed.truth is not FALSE:
        missing += linked.missing
    return leaf(
        "fact",
        f"{system.id} is not a closed-group system the State leaves out",
        "art_41__para_3__point_b",
        ~covered,
        inputs=[(closed.path, closed.shown), (linked.path, linked.shown)],
        missing=missing,
    )
