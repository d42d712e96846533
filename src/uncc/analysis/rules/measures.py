"""Procedural powers (Arts. 41–50) and limitation deadlines (Art. 38) for a State.

Procedural powers (Arts. 41–50) for a State: whether each is available for the offences
found, where it must be used (domestic, or a request to the State concerned, Art. 4(3)),
the safeguards it requires (Art. 42) and the Convention's parameters; and the limitation
deadline of each offence (Art. 38).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace

from uncc.analysis.facts import Act, Datum, System
from uncc.analysis.findings import Limitation, Measure, OffenceFinding, Target
from uncc.analysis.logic import Truth, all_, any_
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing, Trace, combine, leaf, negate
from uncc.analysis.world import territory_of
from uncc.convention.model import Article, Power

DATA_POWERS = frozenset(
    {"preservation", "traffic_preservation_disclosure", "production_of_data", "seizure"}
)
SYSTEM_POWERS = frozenset(
    {
        "search",
        "search_extension",
        "seizure",
        "assistance_order",
        "realtime_traffic_collection",
        "interception",
    }
)
PROCEEDS_POWERS = frozenset({"freezing", "confiscation"})
PROVIDER_POWERS = frozenset({"production_of_subscriber_information"})

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


def targets(
    power: Power, findings: list[OffenceFinding], ctx: Context
) -> list[tuple[Target, list[Missing]]]:
    """What the power would be used on, with where each target is (or what is missing)."""
    world = ctx.world
    acts = [a for f in findings if (a := world.act(f.act)) is not None]
    out: list[tuple[Target, list[Missing]]] = []
    seen: set[str] = set()

    def add(target: Target, missing: list[Missing]) -> None:
        if target.id not in seen:
            seen.add(target.id)
            out.append((target, missing))

    if power.id in DATA_POWERS:
        for datum in _data(acts, ctx):
            system = world.system(datum.system)
            place = datum.stored_in or (territory_of(system.location) if system else None)
            path = world.path(datum, "stored_in")
            add(
                Target(datum.id, "data", place),
                [] if place else [Missing(path, "where the data is stored")],
            )
    if power.id in SYSTEM_POWERS:
        for system in _systems(acts, ctx):
            place = territory_of(system.location)
            add(
                Target(system.id, "system", place),
                [] if place else [Missing(world.path(system, "location"), "where the system is")],
            )
    if power.id in PROCEEDS_POWERS:
        act_ids = {a.id for a in acts}
        actors = {a.by for a in acts}
        for prop in ctx.world.incident.property:
            origin = prop.origin
            if origin is None:
                continue
            linked = (
                origin.act in act_ids
                or prop.held_by in actors
                or origin.property is not None
                or origin.offence is not None
            )
            if linked:
                add(
                    Target(prop.id, "property", prop.located_in),
                    []
                    if prop.located_in
                    else [Missing(world.path(prop, "located_in"), "where the property is")],
                )
    if power.id in PROVIDER_POWERS:
        for person in ctx.world.incident.persons:
            if person.service_provider:
                offers = person.offers_services_in
                if offers is None:
                    add(
                        Target(person.id, "provider", None),
                        [
                            Missing(
                                world.path(person, "offers_services_in"),
                                "where the provider offers its services",
                            )
                        ],
                    )
                else:
                    state = ctx.profile.state
                    place = (
                        state
                        if state in offers
                        else (person.incorporated_in or (offers[0] if offers else None))
                    )
                    add(
                        Target(person.id, "provider", place),
                        []
                        if place
                        else [
                            Missing(
                                world.path(person, "incorporated_in"),
                                "where the provider is established",
                            )
                        ],
                    )
    return out


def _data(acts: list[Act], ctx: Context) -> Iterator[Datum]:
    world = ctx.world
    systems = {s.id for s in _systems(acts, ctx)}
    for act in acts:
        target = world.get(act.object)
        if isinstance(target, Datum):
            yield target
    for datum in world.incident.data:
        if datum.system in systems:
            yield datum


def _systems(acts: list[Act], ctx: Context) -> Iterator[System]:
    world = ctx.world
    for act in acts:
        for ref in (act.object, act.using):
            target = world.get(ref)
            if isinstance(target, System):
                yield target
            elif isinstance(target, Datum) and (system := world.system(target.system)):
                yield system


def measures(
    state: str,
    entry: tuple[Article, Power],
    findings: Iterable[OffenceFinding],
    ctx: Context,
    jurisdiction: Trace,
) -> list[Measure]:
    """The power for this State: one measure per place its targets are in.

    The State must have jurisdiction: the powers serve its own specific criminal
    investigations or proceedings (Art. 41(1)).
    """
    article, power = entry
    relevant = [f for f in findings if f.truth is not Truth.FALSE]
    profile = ctx.profile
    proceedings = combine(
        "scope",
        f"{state} has jurisdiction, so there can be a specific investigation there (Art. 41(1))",
        "art_41__para_1",
        all_,
        [jurisdiction],
    )
    conditions: list[Trace] = [proceedings, _basis(relevant)]
    if power.serious_offences_only:
        conditions.append(
            _listed(
                relevant,
                profile.serious_offences,
                "the offence is in the State's list of serious offences (Art. 48(1))",
                "art_48__para_1",
            )
        )
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
    found = targets(power, relevant, ctx)
    if power.id in ("realtime_traffic_collection", "interception") and profile.takes(
        "art_41.closed_group_systems"
    ):
        conditions.append(_no_closed_group(relevant, ctx))
    trace = combine(
        "power", f"{power.name} is available to {state}", power.at, all_, conditions, key=power.id
    )
    judicial = power.id in profile.judicial_authorisation
    safeguards = tuple(_safeguards(power, judicial, ctx))
    template = Measure(
        state=state,
        article=article.number,
        power=power.id,
        name=power.name,
        provision=power.at,
        trace=trace,
        route=None,
        safeguards=safeguards,
        judicial_authorisation=judicial,
        confidentiality=power.confidentiality,
        parameters=dict(power.parameters),
    )
    if not found:
        return [replace(template, route_missing=(_nothing_named(power.id),))]
    by_place: dict[str | None, list[tuple[Target, list[Missing]]]] = {}
    for target, missing in found:
        by_place.setdefault(target.location, []).append((target, missing))
    out = []
    for place, group in by_place.items():
        route = None if place is None else ("domestic" if place == state else f"request:{place}")
        out.append(
            replace(
                template,
                route=route,
                targets=tuple(t for t, _ in group),
                route_missing=tuple(m for _, ms in group for m in ms),
            )
        )
    return out


def _no_closed_group(findings: list[OffenceFinding], ctx: Context) -> Trace:
    """Art. 41(3)(b): no system an offence concerns serves a closed group only.

    For each offence and each system it concerns: the offence does not hold, or the
    system is not closed-group. A system whose identity is unknown leaves it open.
    """
    world = ctx.world
    parts: list[Trace] = []
    for finding in findings:
        act = world.act(finding.act)
        if act is None:
            continue
        for ref, system in _act_systems(act, ctx):
            if system is None:
                closed = leaf(
                    "fact",
                    "the system concerned is not known",
                    "art_41__para_3__point_b",
                    Truth.UNKNOWN,
                    missing=[ref],
                )
            else:
                read = world.flag(
                    system,
                    "closed_group",
                    system.closed_group,
                    "whether the system serves a closed group only",
                )
                closed = leaf(
                    "fact",
                    f"{system.id} is not a closed-group system",
                    "art_41__para_3__point_b",
                    ~read.truth,
                    inputs=[(read.path, read.shown)],
                    missing=read.missing,
                )
            parts.append(
                combine(
                    "condition",
                    f"{finding.name} ({finding.act})",
                    "art_41__para_3__point_b",
                    any_,
                    [
                        negate(
                            finding.trace,
                            "condition",
                            "the offence does not hold",
                            finding.provision,
                        ),
                        closed,
                    ],
                )
            )
    return combine(
        "reservation",
        "no system concerned is a closed-group system, which the State leaves out (Art. 41(3)(b))",
        "art_41__para_3__point_b",
        all_,
        parts,
    )


def _act_systems(act: Act, ctx: Context) -> list[tuple[Missing, System | None]]:
    """The systems an act concerns (its object, the system holding it, the one used)."""
    world = ctx.world
    out: list[tuple[Missing, System | None]] = []
    target = world.get(act.object)
    if act.object is None:
        out.append((Missing(world.path(act, "object"), "what the act was directed at"), None))
    elif isinstance(target, System):
        out.append((Missing(world.path(act, "object"), ""), target))
    elif isinstance(target, Datum):
        out.append(
            (
                Missing(world.path(target, "system"), "which system holds the data"),
                world.system(target.system),
            )
        )
    out.append(
        (Missing(world.path(act, "using"), "which system the actor used"), world.system(act.using))
    )
    return out


def _nothing_named(power_id: str) -> Missing:
    """What to supply when the facts name nothing the power could be used on."""
    if power_id in PROCEEDS_POWERS:
        return Missing("property", "the proceeds or instrumentalities, and where they are")
    if power_id in PROVIDER_POWERS:
        return Missing(
            "persons[service_provider]", "the service provider, and where it offers its services"
        )
    if power_id in DATA_POWERS:
        return Missing("data", "the stored data the investigation needs, and where it is stored")
    return Missing("systems", "the computer systems involved, and where they are")


def _safeguards(power: Power, judicial: bool, ctx: Context) -> Iterator[tuple[str, str, str]]:
    article = ctx.convention.article(42)
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
    """When proceedings for the offence must begin in ``state`` (Art. 38)."""
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
    try:
        deadline = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        deadline = start.replace(year=start.year + years, day=28)
    expired = None if at is None else at > deadline
    return Limitation(state, finding.offence, finding.act, years, deadline.isoformat(), expired)
