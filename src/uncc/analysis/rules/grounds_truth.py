"""The truth value of each ground of Art. 40 for an act, without its trace node.

Each function here reads the same facts as the ground's reader in :mod:`.grounds_place`
or :mod:`.grounds_persons` and returns the outcome of the node that reader makes, and
nothing else: no labels, fact paths, inputs or missing facts. The jurisdiction keeps
the reader as the recipe of the node, made when it is first read
(:func:`uncc.analysis.trace.deferred`); a State nobody asked about needs only the
outcomes. ``tests/unit/test_analysis_fast_paths.py`` checks every function against its
reader on generated facts.
"""

from __future__ import annotations

from collections.abc import Callable

from uncc.analysis.facts import Aboard, Act, Datum, Inferred, Person, System
from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, Truth, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.grounds_persons import _victims
from uncc.analysis.rules.grounds_place import _target_place
from uncc.analysis.world import World, territory_of

GroundTruth = Callable[[str, Act, str | None, Context], Truth]

_UNKNOWN = UNKNOWN


def _of(value: object) -> Truth:
    """``Truth.of`` for a value that may be missing."""
    return _UNKNOWN if value is None else (TRUE if value else FALSE)


def _flag(value: bool | Inferred[bool] | None) -> Truth:
    """The truth of a yes/no fact, observed or inferred, as ``World.flag`` reads it."""
    if isinstance(value, Inferred):
        return truth_of(value.value)
    return _of(value)


def _territory(state: str, act: Act, world: World) -> Truth:
    here = _UNKNOWN if act.acted_in is None else truth_of(territory_of(act.acted_in) == state)
    path, place = _target_place(act, world)
    if not path:
        return here
    there = _UNKNOWN if place is None else truth_of(territory_of(place) == state)  # type: ignore[arg-type]
    return any_([here, there])


def territory(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(1)(a), as :func:`.grounds_place.territory` decides it."""
    return _territory(state, act, ctx.world)


def flag(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(1)(b), as :func:`.grounds_place.flag` decides it."""
    parts = []
    path, target = _target_place(act, ctx.world)
    for place in (act.acted_in, target) if path else (act.acted_in,):
        parts.append(
            _UNKNOWN
            if place is None
            else truth_of(isinstance(place, Aboard) and place.flag == state)
        )
    return any_(parts)


def effects(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(2)(c), as :func:`.grounds_place.effects` decides it."""
    aimed = _UNKNOWN if act.effects_in is None else truth_of(state in act.effects_in)
    return all_([~_territory(state, act, ctx.world), aimed])


def _belongs(person: Person, state: str) -> Truth:
    national = _UNKNOWN if person.nationalities is None else truth_of(state in person.nationalities)
    incorporated = (
        _UNKNOWN if person.incorporated_in is None else truth_of(person.incorporated_in == state)
    )
    natural = _UNKNOWN if person.kind is None else truth_of(person.kind == "natural")
    return any_([all_([natural, national]), all_([~natural, incorporated])])


def passive(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(2)(a), as :func:`.grounds_persons.passive` decides it."""
    victims, complete = _victims(act, ctx.world)
    parts = [_belongs(victim, state) for victim in victims]
    if not complete:
        parts.append(_UNKNOWN)
    return any_(parts)


def active(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(2)(b), as :func:`.grounds_persons.active` decides it."""
    person = ctx.world.person(actor)
    if person is None:
        return _UNKNOWN
    parts = [_belongs(person, state)]
    if person.kind is None or person.kind == "natural":
        stateless = _flag(person.stateless)
        if person.stateless is None and person.nationalities:
            stateless = FALSE
        residence = person.habitual_residence
        resident = _UNKNOWN if residence is None else truth_of(residence == state)
        parts.append(all_([stateless, resident]))
    return any_(parts)


def against_state(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(2)(d), as :func:`.grounds_persons.against_state` decides it."""
    victims, complete = _victims(act, ctx.world)
    parts = []
    for victim in victims:
        if victim.public_body is not None:
            public = truth_of(victim.public_body)
        elif victim.public_body_of is not None:
            public = TRUE
        elif victim.kind is not None and victim.kind == "natural":
            public = FALSE
        else:
            public = _UNKNOWN
        of_state = (
            _UNKNOWN if victim.public_body_of is None else truth_of(victim.public_body_of == state)
        )
        parts.append(all_([public, of_state]))
    if not complete:
        parts.append(_UNKNOWN)
    return any_(parts)


def _subjects(state: str, datum: Datum, world: World) -> Truth:
    if datum.subjects is None:
        return _UNKNOWN
    return any_([_belongs(person, state) for s in datum.subjects if (person := world.person(s))])


def data_of_nationals(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(2)(e), as :func:`.grounds_persons.data_of_nationals` decides it."""
    world = ctx.world
    target = world.get(act.object)
    if isinstance(target, Datum):
        return _subjects(state, target, world)
    if not isinstance(target, System):
        return _UNKNOWN if act.object is None else FALSE
    parts = [_subjects(state, d, world) for d in world.incident.data if d.system == target.id]
    listed = target.holds_data_of_nationals_of
    parts.append(_UNKNOWN if listed is None else truth_of(state in listed))
    return any_(parts)


def _present(state: str, person: Person | None) -> Truth:
    if person is None or person.present_in is None:
        return _UNKNOWN
    return truth_of(person.present_in == state)


def presence_national(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(3), as :func:`.grounds_persons.presence_national` decides it."""
    person = ctx.world.person(actor)
    parts = [_present(state, person)]
    if person is not None:
        parts.append(_belongs(person, state))
    parts.append(~truth_of(ctx.profile.extradites_nationals))
    return all_(parts)


def presence(state: str, act: Act, actor: str | None, ctx: Context) -> Truth:
    """Art. 40(4), as :func:`.grounds_persons.presence` decides it."""
    person = ctx.world.person(actor)
    parts = [_present(state, person)]
    if person is not None:
        parts.append(~_flag(person.extradited))
    return all_(parts)


TRUTHS: dict[str, GroundTruth] = {
    "territory": territory,
    "flag_or_registration": flag,
    "passive_personality": passive,
    "active_personality": active,
    "effects_in_territory": effects,
    "against_the_state": against_state,
    "data_of_nationals": data_of_nationals,
    "presence_no_extradition_of_national": presence_national,
    "presence_no_extradition": presence,
}
"""The truth value of each ground of Art. 40, by ground id (the same keys as ``READERS``)."""
