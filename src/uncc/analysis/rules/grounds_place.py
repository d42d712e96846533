"""The grounds of Art. 40 tied to places: territory, flag or registration, and effects.

An offence is committed in a State's territory when the actor acted there or the system
or data it was directed at is there (ubiquity, docs/analysis.md); a place given as a
State code is its territory, not a craft.
"""

from __future__ import annotations

from uncc.analysis.facts import Aboard, Act, Datum, System
from uncc.analysis.logic import UNKNOWN, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing, Trace, combine, leaf, negate
from uncc.analysis.world import World, shown, territory_of


def _target_place(act: Act, world: World) -> tuple[str, object]:
    """Where the system or data the act was directed at is, as (fact path, place).

    A datum's ``stored_in`` is its place; without it, the place of the system holding
    it (the intake rejects a datum whose two places disagree). An unknown object has an
    unknown place; an empty path means the object is neither a system nor data.
    """
    seen = {act.id}
    while act.object is None and act.participates_in is not None:
        # A participant takes part in the principal's act: its object is theirs too.
        principal = world.act(act.participates_in)
        if principal is None or principal.id in seen:
            break
        seen.add(principal.id)
        act = principal
    target = world.get(act.object)
    if act.object is None:
        return world.path(act, "object"), None
    if isinstance(target, System):
        return world.path(target, "location"), target.location
    if isinstance(target, Datum):
        system = world.system(target.system)
        if target.stored_in is None and system is not None and system.location is not None:
            return world.path(system, "location"), system.location
        return world.path(target, "stored_in"), target.stored_in
    return "", None


def territory(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(1)(a): the offence was committed in the State's territory."""
    world = ctx.world
    acted = territory_of(act.acted_in)
    here = UNKNOWN if act.acted_in is None else truth_of(acted == state)
    parts = [
        leaf(
            "fact",
            f"the actor acted in {state}",
            "art_40__para_1__point_a",
            here,
            inputs=[(world.path(act, "acted_in"), shown(act.acted_in))],
            missing=[Missing(world.path(act, "acted_in"), "where the actor was when acting")],
        )
    ]
    path, place = _target_place(act, world)
    if path:
        where = territory_of(place)  # type: ignore[arg-type]
        truth = UNKNOWN if place is None else truth_of(where == state)
        parts.append(
            leaf(
                "fact",
                f"the system or data it was directed at is in {state}",
                "art_40__para_1__point_a",
                truth,
                inputs=[(path, shown(place))],
                missing=[Missing(path, "where the system or data is")],
            )
        )
    return combine(
        "ground", f"committed in the territory of {state}", "art_40__para_1__point_a", any_, parts
    )


def flag(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(1)(b): committed on board a vessel or aircraft of the State."""
    world = ctx.world
    parts = []
    for path, place in ((world.path(act, "acted_in"), act.acted_in), _target_place(act, world)):
        if not path:
            continue
        truth = (
            UNKNOWN
            if place is None
            else truth_of(isinstance(place, Aboard) and place.flag == state)
        )
        parts.append(
            leaf(
                "fact",
                f"on board a vessel or aircraft of {state}",
                "art_40__para_1__point_b",
                truth,
                inputs=[(path, shown(place))],
                missing=[
                    Missing(path, "where the act took place (a State, or a vessel or aircraft)")
                ],
            )
        )
    return combine(
        "ground",
        f"committed on board a vessel flying the flag of, or an aircraft registered in, {state}",
        "art_40__para_1__point_b",
        any_,
        parts,
    )


def effects(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(2)(c): committed outside the State with a view to an offence inside it.

    "Outside" is the negation of the territory ground (40(1)(a)): an act whose actor,
    system or data is in the State is committed inside it, and this ground is not met.
    """
    world = ctx.world
    aimed = UNKNOWN if act.effects_in is None else truth_of(state in act.effects_in)
    outside = negate(
        territory(state, act, actor, ctx),
        "fact",
        f"committed outside {state} (neither the actor nor the target was in {state})",
        "art_40__para_2__point_c",
    )
    meant = leaf(
        "fact",
        f"with a view to an offence in {state}",
        "art_40__para_2__point_c",
        aimed,
        inputs=[(world.path(act, "effects_in"), shown(act.effects_in))],
        missing=[
            Missing(
                world.path(act, "effects_in"), "where the effects occurred or were meant to occur"
            )
        ],
    )
    return combine(
        "ground",
        f"committed outside {state} with a view to an offence in {state}",
        "art_40__para_2__point_c",
        all_,
        [outside, meant],
    )
