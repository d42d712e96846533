"""What a procedural power would be used on, and in which State (Arts. 4(3), 43-50).

Data in a person's possession or control (Arts. 43(2), 45(1)(a)) is where that person
is; what search and seizure reach is what is in the State's territory or under its
jurisdiction (Art. 46), ships and aircraft under its flag included; systems for
real-time measures are where they are; property is where it is located, whether it is
proceeds (Art. 50(1)(a)) or an instrumentality used in or destined for an offence
(Art. 50(1)(b)).
"""

from __future__ import annotations

from collections.abc import Iterator

from uncc.analysis.facts import Aboard, Act, Datum, Person, Place, Property, System
from uncc.analysis.findings import OffenceFinding, Target
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing
from uncc.analysis.vocabulary import DataKind
from uncc.convention.model import Power

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
TRAFFIC_POWERS = frozenset({"traffic_preservation_disclosure"})
"""Powers over traffic data only (Art. 44): content and other data are not their targets."""
TARGET_KINDS = (DATA_POWERS, SYSTEM_POWERS, PROCEEDS_POWERS, PROVIDER_POWERS, TRAFFIC_POWERS)
"""Every set a power's targets depend on (with its ``reach`` parameter)."""

Found = list[tuple[Target, list[Missing]]]


def reach(power: Power, place: Place | None, state: str | None) -> str | None:
    """The State whose territory or jurisdiction a place falls under, for this power.

    A craft is under its flag State's jurisdiction; for powers that reach what is under
    the State's jurisdiction (Art. 46), the flag State reaches it wherever it is, and
    the State in whose waters it is reaches it too. Other powers follow the territory.
    """
    if not isinstance(place, Aboard):
        return place
    if power.parameters.get("reach") == "territory_or_jurisdiction":
        return state if state in (place.flag, place.within) else place.flag
    return place.within


def _person_place(person: Person, state: str | None) -> str | None:
    """Where a person is for an order to them: in the State if present or established there."""
    here = {person.present_in, person.incorporated_in, *(person.offers_services_in or [])}
    if state is not None and state in here:
        return state
    return person.present_in or person.incorporated_in


def _controller(datum: Datum, ctx: Context) -> Person | None:
    """Who has the data in possession or control: named on it, or the system's operator.

    Without either, the data is taken to be where it is stored (docs/choices.md).
    """
    world = ctx.world
    named = world.person(datum.controller)
    if named is not None:
        return named
    system = world.system(datum.system)
    return world.person(system.operator) if system is not None else None


def _maybe_traffic(datum: Datum) -> bool:
    """The datum is, or may be, traffic data (its kinds unknown are not taken as 'not traffic')."""
    return datum.kinds is None or DataKind.TRAFFIC in datum.kinds


def _data_targets(power: Power, acts: list[Act], ctx: Context) -> Found:
    world = ctx.world
    state = ctx.profile.state
    out: Found = []
    for datum in _data(acts, ctx):
        if power.id in TRAFFIC_POWERS and not _maybe_traffic(datum):
            continue
        system = world.system(datum.system)
        place = datum.stored_in or (reach(power, system.location, state) if system else None)
        missing = (
            [] if place else [Missing(world.path(datum, "stored_in"), "where the data is stored")]
        )
        if power.id in TRAFFIC_POWERS and datum.kinds is None:
            missing.append(Missing(world.path(datum, "kinds"), "whether it is traffic data"))
        if power.parameters.get("reach") == "possession_or_control":
            holder = _controller(datum, ctx)
            where = _person_place(holder, state) if holder is not None else None
            if where is not None:
                place, missing = where, []
        out.append((Target(datum.id, "data", place), missing))
    return out


def _system_targets(power: Power, acts: list[Act], ctx: Context) -> Found:
    world = ctx.world
    out: Found = []
    for system in _systems(acts, ctx):
        place = reach(power, system.location, ctx.profile.state)
        missing = [] if place else [Missing(world.path(system, "location"), "where the system is")]
        out.append((Target(system.id, "system", place), missing))
    return out


def _property_targets(acts: list[Act], ctx: Context) -> Found:
    """Proceeds linked to the acts (50(1)(a)) and instrumentalities of them (50(1)(b))."""
    world = ctx.world
    act_ids = {a.id for a in acts}
    actors = {a.by for a in acts}
    out: Found = []
    for prop in world.incident.property:
        if not (_proceeds(prop, act_ids, actors) or _instrument(prop, act_ids)):
            continue
        missing = (
            []
            if prop.located_in
            else [Missing(world.path(prop, "located_in"), "where the property is")]
        )
        out.append((Target(prop.id, "property", prop.located_in), missing))
    return out


def _proceeds(prop: Property, act_ids: set[str], actors: set[str | None]) -> bool:
    origin = prop.origin
    if origin is None:
        return False
    return (
        origin.act in act_ids
        or prop.held_by in actors
        or origin.property is not None
        or origin.offence is not None
    )


def _instrument(prop: Property, act_ids: set[str]) -> bool:
    return bool(act_ids & {*(prop.used_in or []), *(prop.destined_for or [])})


def _provider_targets(ctx: Context) -> Found:
    world = ctx.world
    state = ctx.profile.state
    out: Found = []
    for person in world.incident.persons:
        if not person.service_provider:
            continue
        offers = person.offers_services_in
        if offers is None:
            question = "where the provider offers its services"
            missing = [Missing(world.path(person, "offers_services_in"), question)]
            out.append((Target(person.id, "provider", None), missing))
            continue
        place = (
            state
            if state in offers
            else (person.incorporated_in or (offers[0] if offers else None))
        )
        question = "where the provider is established"
        missing = [] if place else [Missing(world.path(person, "incorporated_in"), question)]
        out.append((Target(person.id, "provider", place), missing))
    return out


def targets(power: Power, findings: list[OffenceFinding], ctx: Context) -> Found:
    """What the power would be used on, with where each target is (or what is missing)."""
    world = ctx.world
    acts = [a for f in findings if (a := world.act(f.act)) is not None]
    found: Found = []
    if power.id in DATA_POWERS:
        found += _data_targets(power, acts, ctx)
    if power.id in SYSTEM_POWERS:
        found += _system_targets(power, acts, ctx)
    if power.id in PROCEEDS_POWERS:
        found += _property_targets(acts, ctx)
    if power.id in PROVIDER_POWERS:
        found += _provider_targets(ctx)
    seen: set[str] = set()
    out: Found = []
    for target, missing in found:
        if target.id not in seen:
            seen.add(target.id)
            out.append((target, missing))
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


def nothing_named(power_id: str) -> Missing:
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
