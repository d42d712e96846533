"""The grounds of Art. 40 tied to persons.

Victims, offenders, the State itself, nationals' data, and the offender's presence.
"""

from __future__ import annotations

from uncc.analysis.facts import Act, Datum, Person, System
from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, Truth, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing, Trace, combine, leaf
from uncc.analysis.world import World, shown


def _belongs(
    person: Person, state: str, world: World
) -> tuple[Truth, list[tuple[str, str]], list[Missing]]:
    """Whether a person is a national of the State, or a legal person of it.

    While it is unknown whether the person is natural or legal, both readings are
    weighed: (natural and national) or (legal and incorporated there).
    """
    nat_path = world.path(person, "nationalities")
    inc_path = world.path(person, "incorporated_in")
    national = UNKNOWN if person.nationalities is None else truth_of(state in person.nationalities)
    incorporated = (
        UNKNOWN if person.incorporated_in is None else truth_of(person.incorporated_in == state)
    )
    natural = UNKNOWN if person.kind is None else truth_of(person.kind.value == "natural")
    truth = any_([all_([natural, national]), all_([~natural, incorporated])])
    inputs = [(world.path(person, "kind"), shown(person.kind))]
    missing: list[Missing] = []
    if natural is not FALSE:
        inputs.append((nat_path, shown(person.nationalities)))
        missing.append(Missing(nat_path, "the person's nationalities"))
    if natural is not TRUE:
        inputs.append((inc_path, shown(person.incorporated_in)))
        missing.append(Missing(inc_path, "where the legal person is incorporated"))
    if natural is UNKNOWN:
        missing.append(
            Missing(world.path(person, "kind"), "whether the person is natural or legal")
        )
    return truth, inputs, missing


def _victims(act: Act, world: World) -> tuple[list[Person], bool]:
    """The act's victims, and whether the list is complete.

    They are those stated on the act plus the person (or the owner of the system) it
    was directed at; the list is complete only when the act states its victims.
    """
    found: list[Person] = [p for v in act.victims or [] if (p := world.person(v))]
    target = world.get(act.object)
    settled = act.object is not None
    if isinstance(target, Person):
        found.append(target)
    elif isinstance(target, System):
        settled = target.owner is not None
        if (owner := world.person(target.owner)) is not None:
            found.append(owner)
    elif isinstance(target, Datum):
        system = world.system(target.system)
        settled = system is not None and system.owner is not None
        if system is not None and (owner := world.person(system.owner)) is not None:
            found.append(owner)
    unique = list({p.id: p for p in found}.values())
    return unique, act.victims is not None and settled


def _other_victims(act: Act, world: World, provision: str) -> Trace:
    """While the act's victims are not all known, another one may be the one that counts."""
    missing = Missing(world.path(act, "victims"), "who the victims are")
    return leaf("fact", "no other victim is known", provision, UNKNOWN, missing=[missing])


def passive(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(2)(a): committed against a national or legal person of the State."""
    world = ctx.world
    victims, complete = _victims(act, world)
    parts = []
    for victim in victims:
        truth, inputs, missing = _belongs(victim, state, world)
        parts.append(
            leaf(
                "fact",
                f"{victim.id} is a national or legal person of {state}",
                "art_40__para_2__point_a",
                truth,
                inputs=inputs,
                missing=missing,
            )
        )
    if not complete:
        parts.append(_other_victims(act, world, "art_40__para_2__point_a"))
    return combine(
        "ground",
        f"committed against a national or legal person of {state}",
        "art_40__para_2__point_a",
        any_,
        parts,
    )


def active(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(2)(b): committed by a national or legal person, or a stateless resident."""
    world = ctx.world
    person = world.person(actor)
    if person is None:
        return leaf(
            "ground",
            f"committed by a national of {state}",
            "art_40__para_2__point_b",
            UNKNOWN,
            missing=[Missing(world.path(act, "by"), "who did it")],
        )
    national, inputs, missing = _belongs(person, state, world)
    parts = [
        leaf(
            "fact",
            f"{person.id} is a national or legal person of {state}",
            "art_40__para_2__point_b",
            national,
            inputs=inputs,
            missing=missing,
        )
    ]
    if person.kind is None or person.kind.value == "natural":
        stateless = world.flag(
            person, "stateless", person.stateless, "whether the person is stateless"
        )
        if person.stateless is None and person.nationalities:
            stateless = stateless._replace(truth=FALSE, shown="false (has a nationality)")
        resident = (
            UNKNOWN
            if person.habitual_residence is None
            else truth_of(person.habitual_residence == state)
        )
        res_path = world.path(person, "habitual_residence")
        parts.append(
            leaf(
                "fact",
                f"{person.id} is stateless and habitually resident in {state}",
                "art_40__para_2__point_b",
                all_([stateless.truth, resident]),
                inputs=[
                    (stateless.path, stateless.shown),
                    (res_path, shown(person.habitual_residence)),
                ],
                missing=[
                    *stateless.missing,
                    *(
                        [Missing(res_path, "where the person habitually resides")]
                        if resident is UNKNOWN
                        else []
                    ),
                ],
            )
        )
    return combine(
        "ground",
        f"committed by a national or legal person of {state}, or a stateless resident",
        "art_40__para_2__point_b",
        any_,
        parts,
    )


def against_state(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(2)(d): committed against the State itself."""
    world = ctx.world
    victims, complete = _victims(act, world)
    parts = []
    for victim in victims:
        path = world.path(victim, "public_body_of")
        if victim.public_body is not None:
            public = truth_of(victim.public_body)
        elif victim.public_body_of is not None:
            public = TRUE
        elif victim.kind is not None and victim.kind.value == "natural":
            public = FALSE  # the intake rejects a natural person named as a public body
        else:
            public = UNKNOWN
        of_state = (
            UNKNOWN if victim.public_body_of is None else truth_of(victim.public_body_of == state)
        )
        truth = all_([public, of_state])
        parts.append(
            leaf(
                "fact",
                f"{victim.id} is a public body of {state}",
                "art_40__para_2__point_d",
                truth,
                inputs=[
                    (world.path(victim, "public_body"), shown(victim.public_body)),
                    (path, shown(victim.public_body_of)),
                ],
                missing=[Missing(path, "whether the victim is a public body, and of which State")],
            )
        )
    if not complete:
        parts.append(_other_victims(act, world, "art_40__para_2__point_d"))
    return combine(
        "ground", f"committed against {state} itself", "art_40__para_2__point_d", any_, parts
    )


def data_of_nationals(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(2)(e): involves computer data of the State's nationals.

    The data counts when it is the act's object, or when the act accesses or interferes
    with the system that holds it (docs/choices.md).
    """
    world = ctx.world
    label = f"involves data of nationals of {state}, wherever stored"
    at = "art_40__para_2__point_e"
    target = world.get(act.object)
    if isinstance(target, Datum):
        return combine("ground", label, at, any_, [_subjects(state, target, world)])
    if not isinstance(target, System):
        truth = UNKNOWN if act.object is None else FALSE
        return leaf(
            "ground",
            label,
            at,
            truth,
            inputs=[(world.path(act, "object"), shown(act.object))],
            missing=[Missing(world.path(act, "object"), "what the act was directed at")],
        )
    held = [d for d in world.incident.data if d.system == target.id]
    parts = [_subjects(state, d, world) for d in held]
    listed = target.holds_data_of_nationals_of
    path = world.path(target, "holds_data_of_nationals_of")
    parts.append(
        leaf(
            "fact",
            f"{target.id} holds data of nationals of {state}",
            at,
            UNKNOWN if listed is None else truth_of(state in listed),
            inputs=[(path, shown(listed))],
            missing=[Missing(path, "whose nationals' data the system holds")],
        )
    )
    return combine("ground", label, at, any_, parts)


def _subjects(state: str, datum: Datum, world: World) -> Trace:
    """Whether any person the datum is about is a national of the State."""
    at = "art_40__para_2__point_e"
    label = f"{datum.id} is data of nationals of {state}"
    if datum.subjects is None:
        path = world.path(datum, "subjects")
        return leaf(
            "fact",
            label,
            at,
            UNKNOWN,
            inputs=[(path, "unknown")],
            missing=[Missing(path, "whose data it is")],
        )
    parts = []
    for subject in datum.subjects:
        person = world.person(subject)
        if person is not None:
            truth, inputs, missing = _belongs(person, state, world)
            parts.append(
                leaf(
                    "fact",
                    f"{person.id} is a national of {state}",
                    at,
                    truth,
                    inputs=inputs,
                    missing=missing,
                )
            )
    return combine("fact", label, at, any_, parts)


def _present(state: str, person: Person | None, act: Act, world: World, provision: str) -> Trace:
    if person is None:
        return leaf(
            "fact",
            f"the offender is in {state}",
            provision,
            UNKNOWN,
            missing=[Missing(world.path(act, "by"), "who did it")],
        )
    path = world.path(person, "present_in")
    truth = UNKNOWN if person.present_in is None else truth_of(person.present_in == state)
    return leaf(
        "fact",
        f"{person.id} is in {state}",
        provision,
        truth,
        inputs=[(path, shown(person.present_in))],
        missing=[Missing(path, "where the person is now")],
    )


def presence_national(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(3): the offender is present and not extradited as a national."""
    world = ctx.world
    person = world.person(actor)
    at = "art_40__para_3"
    parts = [_present(state, person, act, world, at)]
    if person is not None:
        truth, inputs, missing = _belongs(person, state, world)
        parts.append(
            leaf(
                "fact",
                f"{person.id} is a national of {state}",
                at,
                truth,
                inputs=inputs,
                missing=missing,
            )
        )
    refuses = ctx.profile.extradites_nationals
    parts.append(
        leaf(
            "fact",
            f"{state} does not extradite its nationals",
            at,
            ~truth_of(refuses),
            inputs=[("profile.extradites_nationals", shown(refuses))],
            missing=[
                Missing(
                    f"profile[{state}].extradites_nationals",
                    f"whether {state} extradites its nationals",
                )
            ],
        )
    )
    return combine(
        "ground",
        f"the offender is in {state} and not extradited because a national",
        at,
        all_,
        parts,
    )


def presence(state: str, act: Act, actor: str | None, ctx: Context) -> Trace:
    """Art. 40(4): the offender is present and not extradited."""
    world = ctx.world
    person = world.person(actor)
    at = "art_40__para_4"
    parts = [_present(state, person, act, world, at)]
    if person is not None:
        read = world.flag(
            person, "extradited", person.extradited, "whether the person will be extradited"
        )
        parts.append(
            leaf(
                "fact",
                f"{person.id} is not extradited",
                at,
                ~read.truth,
                inputs=[(read.path, read.shown)],
                missing=read.missing,
            )
        )
    return combine("ground", f"the offender is in {state} and not extradited", at, all_, parts)
