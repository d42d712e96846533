"""Offences (Arts. 6–34) for one act, under one State's profile, with Art. 36 stages.

An offence holds for an act when every element holds and no exclusion applies. The
State's profile adds the elements of the "may require" options and reservations it
takes and removes reserved offences. An attempted or prepared act is judged without the
result elements, and only where the State makes attempt (36(2)) or preparation (36(3))
punishable and has not reserved attempt (36(5)).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from uncc.analysis.facts import Act, Datum, Item
from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, Truth, all_, truth_of
from uncc.analysis.rules.compiled import per_convention
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.elements import evaluate_element, facts_alone
from uncc.analysis.trace import Trace, combine, leaf, negate
from uncc.analysis.vocabulary import Stage
from uncc.convention.catalogue import Convention
from uncc.convention.model import Article, Element, ElementRole, Offence, Option, OptionKind
from uncc.parties.profile import Profile

HANDLED_ELSEWHERE = frozenset(
    {
        "art_10.reservation",  # keeps the sale of passwords: see _reservation_keeps
        "art_18.reserve_virtual_material",  # read on the object (real minors only)
        "art_17.limited_circumstances",  # not modelled: noted in the report
        "art_36.reserve_attempt",  # read with the stage
    }
)
"""Reservations whose effect is not 'the offence does not apply'."""


def elements_for(
    article: Article, offence: Offence, ctx: Context
) -> tuple[list[Element], list[str]]:
    """The offence's elements in this State, and a note for each one a profile adds."""
    elements = list(offence.elements)
    notes: list[str] = []
    for option in article.options:
        if offence.id in option.targets and option.adds_element and ctx.profile.takes(option.id):
            elements.append(option.adds_element)
            notes.append(f"{option.id}: the State requires '{option.adds_element.gist}'")
    return elements, notes


@dataclass(frozen=True)
class _Shape:
    """An offence as a State defines it: what does not depend on the facts."""

    elements: tuple[Element, ...]
    without_results: tuple[Element, ...]
    """The elements judged for an attempt or a preparation (no result elements)."""
    notes: tuple[str, ...]
    reservations: tuple[Option, ...]
    """The State's reservations that take out or limit the offence."""
    signature: tuple[object, ...] | None
    """What decides a completed act's offence node besides the act, when that reads the
    facts alone: the same for two profiles that define the offence alike (else ``None``)."""


_COMPLETED: Final = Stage.COMPLETED
"""Read as a module constant: ``Stage.COMPLETED`` goes through the enum metaclass (ADR 0053)."""

_SHAPES: dict[tuple[int, int, str], tuple[Convention, Profile, _Shape]] = {}
"""(id of a Convention, id of a profile, offence id) → (those two, the offence as defined)."""


def _shape(article: Article, offence: Offence, ctx: Context) -> _Shape:
    """The offence's elements, notes and reservations in this State, made once per profile."""
    convention, profile = ctx.convention, ctx.profile
    key = (id(convention), id(profile), offence.id)
    entry = _SHAPES.get(key)
    if entry is None or entry[0] is not convention or entry[1] is not profile:
        elements, notes = elements_for(article, offence, ctx)
        for option in article.options:
            if option.id == "art_17.limited_circumstances" and profile.takes(option.id):
                notes.append(
                    f"{option.id}: the State reserves limited cases with other remedies; uncc does not decide them"
                )
        reservations = tuple(
            option
            for option in article.options
            if option.kind is OptionKind.RESERVATION
            and offence.id in option.targets
            and option.adds_element is None
            and profile.takes(option.id)
        )
        alike = all(facts_alone(e) for e in elements)
        shape = _Shape(
            tuple(elements),
            tuple(e for e in elements if e.role is not ElementRole.RESULT),
            tuple(notes),
            reservations,
            (
                "offence",
                offence.id,
                tuple(e.id for e in elements),
                tuple(notes),
                tuple(o.id for o in reservations),
            )
            if alike
            else None,
        )
        if len(_SHAPES) > 4096:
            _SHAPES.clear()
        entry = _SHAPES[key] = (convention, profile, shape)
    return entry[2]


def evaluate_offence(article: Article, offence: Offence, act: Act, ctx: Context) -> Trace:
    """Whether the act amounts to the offence in this State, with the whole trace.

    A completed act's offence whose elements read the facts alone is judged once per
    analysis for every profile that defines it alike (the same elements, notes and
    reservations; exclusions read the facts alone): they share the node.
    """
    shape = _shape(article, offence, ctx)
    stage = act.stage or _COMPLETED
    if stage is _COMPLETED and shape.signature is not None:
        shared = ctx.world.shared
        key = (*shape.signature, act.id)
        node = shared.get(key)
        if node is None:
            node = shared[key] = _evaluate(offence, shape, stage, act, ctx)
        return node
    return _evaluate(offence, shape, stage, act, ctx)


def _evaluate(offence: Offence, shape: _Shape, stage: Stage, act: Act, ctx: Context) -> Trace:
    completed = stage is _COMPLETED
    nodes = [
        evaluate_element(e, act, ctx)
        for e in (shape.elements if completed else shape.without_results)
    ]
    body = combine("elements", "every element holds", offence.at, all_, nodes)
    parts = [body]
    for exclusion in offence.exclusions:
        parts.append(
            _exclusion_absent(
                exclusion.id, gist=exclusion.gist, at=exclusion.at, act=act, nodes=nodes, ctx=ctx
            )
        )
    parts.extend(_reservations(shape.reservations, act, ctx))
    if not completed:
        parts.append(_stage_punishable(stage, ctx))
    label = offence.name if completed else f"{stage.value} {offence.name.lower()}"
    return combine("offence", label, offence.at, all_, parts, key=offence.id, notes=shape.notes)


def _exclusion_absent(
    exclusion_id: str, *, gist: str, at: str, act: Act, nodes: list[Trace], ctx: Context
) -> Trace:
    """The exclusion does not apply (Arts. 10(2), 20(3), 22, 25(3))."""
    world = ctx.world
    c = act.circumstances
    if exclusion_id == "authorised_testing":
        # Art. 10(2) applies exactly when the purpose of committing an offence is absent.
        purpose = next(n for n in nodes if n.key.endswith(".purpose"))
        applies = negate(purpose, "exclusion", gist, at, key=exclusion_id)
    elif exclusion_id == "legitimate_purpose":
        value = c.legitimate_purpose if c else None
        question = "whether the sharing had a legitimate purpose"
        read = world.flag(act, "circumstances.legitimate_purpose", value, question)
        applies = read.node("exclusion", gist, at, key=exclusion_id)
    elif exclusion_id == "age_checked":
        value = c.age_verification_steps if c else None
        question = "whether reasonable steps were taken to check the person was not a child"
        read = world.flag(act, "circumstances.age_verification_steps", value, question)
        applies = read.node("exclusion", gist, at, key=exclusion_id)
    elif exclusion_id == "suicide_acts":
        question = "whether the acts were suicide-related (Art. 23 instead)"
        applies = world.purpose(act, "suicide", question).node(
            "exclusion", gist, at, key=exclusion_id
        )
    else:
        msg = f"no reading is registered for exclusion {exclusion_id}"
        raise LookupError(msg)
    return negate(applies, "exclusion", f"not excluded: {gist}", at, key=exclusion_id)


def _reservations(reserved: tuple[Option, ...], act: Act, ctx: Context) -> Iterator[Trace]:
    for option in reserved:
        if option.id == "art_10.reservation":
            yield _reservation_keeps(option.at, act, ctx)
        elif option.id not in HANDLED_ELSEWHERE:
            yield leaf(
                "reservation",
                f"the State has reserved this offence ({option.gist})",
                option.at,
                FALSE,
                key=option.id,
            )


def _reservation_keeps(at: str, act: Act, ctx: Context) -> Trace:
    """Art. 10(3): a reserving State still punishes selling or spreading passwords and codes."""
    conduct = (
        UNKNOWN
        if act.conduct is None
        else truth_of(act.conduct in ("sell", "distribute", "make_available"))
    )
    target = ctx.world.get(act.object)
    if isinstance(target, Datum):
        kinds = target.kinds
        obj = (
            UNKNOWN
            if kinds is None
            else truth_of(any(k in ("password", "access_code", "credentials") for k in kinds))
        )
    elif isinstance(target, Item):
        obj = FALSE
    else:
        obj = UNKNOWN if act.object is None else FALSE
    return leaf(
        "reservation",
        "the State reserved Art. 10(1) but keeps selling, distributing or making available passwords and access codes",
        at,
        all_([conduct, obj]),
        inputs=[
            (ctx.world.path(act, "conduct"), str(act.conduct)),
            (ctx.world.path(act, "object"), str(act.object)),
        ],
        key="art_10.reservation",
    )


def _stage_punishable(stage: Stage, ctx: Context) -> Trace:
    profile = ctx.profile
    if stage is Stage.ATTEMPTED:
        adopted = profile.takes("art_36.attempt") and not profile.takes("art_36.reserve_attempt")
        why = (
            "the State makes attempt punishable"
            if adopted
            else (
                "the State has reserved attempt (Art. 36(5))"
                if profile.takes("art_36.reserve_attempt")
                else "the State has not made attempt punishable"
            )
        )
        return leaf("stage", why, "art_36__para_2", truth_of(adopted), key="art_36.attempt")
    adopted = profile.takes("art_36.preparation")
    why = (
        "the State makes preparation punishable"
        if adopted
        else "the State has not made preparation punishable"
    )
    return leaf("stage", why, "art_36__para_3", truth_of(adopted), key="art_36.preparation")


_CONDUCTS: dict[str, frozenset[str] | None] = {}
"""Offence id → every conduct its conduct elements allow (None: it names no conduct)."""


def _allowed(offence: Offence) -> frozenset[str] | None:
    if offence.id not in _CONDUCTS:
        elements = [e for e in offence.elements if e.role is ElementRole.CONDUCT]
        _CONDUCTS[offence.id] = (
            frozenset(c for e in elements for c in e.any_of) if elements else None
        )
    return _CONDUCTS[offence.id]


def conduct_matches(offence: Offence, act: Act) -> Truth:
    """Whether the act's conduct is among the offence's conducts (UNKNOWN if not stated).

    The same as asking each conduct element in turn (any of them), from a set computed
    once per offence.
    """
    allowed = _allowed(offence)
    if allowed is None:
        return TRUE
    if act.conduct is None:
        return UNKNOWN
    return truth_of(act.conduct in allowed)


def _admits(allowed: frozenset[str] | None, conduct: str) -> bool:
    return allowed is None or conduct in allowed


Candidates = tuple[tuple[Article, Offence], ...]


def _by_conduct(convention: Convention) -> dict[str | None, Candidates]:
    """Conduct → the offences it may amount to; ``None`` (conduct unknown) → every offence."""
    every = tuple(convention.offences())
    conducts = {c for _, o in every for c in _allowed(o) or ()}
    index: dict[str | None, Candidates] = {
        conduct: tuple((a, o) for a, o in every if _admits(_allowed(o), conduct))
        for conduct in conducts
    }
    index[None] = every
    return index


def candidates(convention: Convention, act: Act) -> Candidates:
    """The offences an act may amount to: those its conduct does not rule out.

    Every offence for which :func:`conduct_matches` is not FALSE, in the Convention's
    order, looked up by the act's conduct in an index built once per Convention (this
    runs for every act under every profile).
    """
    index = per_convention(convention, "offences by conduct", lambda: _by_conduct(convention))
    if act.conduct is None:
        return index[None]
    found = index.get(act.conduct)
    if found is None:  # a conduct no offence names: only offences naming none
        found = tuple((a, o) for a, o in index[None] if _allowed(o) is None)
    return found
