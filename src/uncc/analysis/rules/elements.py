"""How each element of an offence is read from the facts.

The role of an element says which fact it reads: conduct, object, purpose and the
default mental element read the act's fields of the same name; a circumstance, result or
named mental element reads the fact registered for its key (the last part of its id).
"""

from __future__ import annotations

from collections.abc import Callable

from uncc.analysis.facts import Act, Datum, Item, Person, Property, System
from uncc.analysis.logic import Truth, all_, any_
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing, Trace, combine, leaf
from uncc.analysis.vocabulary import PURPOSE_TEXT, MentalState, Purpose, ResultKind
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element, ElementRole

PERSON_KINDS = frozenset({"person", "child", "minor"})


def evaluate_element(element: Element, act: Act, ctx: Context) -> Trace:
    """The element's truth for this act, as a trace node keyed by the element id."""
    key = element.id.rsplit(".", 1)[-1]
    role = element.role
    if role is ElementRole.CONDUCT:
        return _conduct(element, act, ctx)
    if role is ElementRole.OBJECT:
        return _object(element, act, ctx)
    if role is ElementRole.PURPOSE:
        return _purpose(element, act, ctx)
    if role is ElementRole.MENTAL and key == "mental":
        return _mental(element, act, ctx)
    if role is ElementRole.RESULT:
        return _result(element, act, ctx, ResultKind(key))
    reader = CIRCUMSTANCES.get(key)
    if reader is None:
        msg = f"no reading is registered for element {element.id}"
        raise LookupError(msg)
    return reader(element, act, ctx)


def _node(element: Element, read: Read, label: str = "") -> Trace:
    return leaf(
        "element",
        label or element.gist,
        element.at,
        read.truth,
        inputs=[(read.path, read.shown)],
        missing=read.missing,
        inferred=read.inferred,
        key=element.id,
    )


def _conduct(element: Element, act: Act, ctx: Context) -> Trace:
    path = ctx.world.path(act, "conduct")
    conduct = act.conduct
    truth = Truth.UNKNOWN if conduct is None else Truth.of(conduct.value in element.any_of)
    read = Read(truth, path, shown(conduct), "what the actor did")
    return _node(element, read)


def _purpose(element: Element, act: Act, ctx: Context) -> Trace:
    reads = [
        ctx.world.purpose(act, p, f"whether the act was done {PURPOSE_TEXT[Purpose(p)]}")
        for p in element.any_of
    ]
    truth = any_(r.truth for r in reads)
    return leaf(
        "element",
        element.gist,
        element.at,
        truth,
        inputs=[(r.path, r.shown) for r in reads],
        missing=[m for r in reads for m in r.missing],
        inferred=[c for r in reads if r.truth is Truth.TRUE for c in r.inferred],
        key=element.id,
    )


def _mental(element: Element, act: Act, ctx: Context) -> Trace:
    value = act.mental_state
    inferred: tuple[str, ...] = ()
    state: MentalState | None = None
    if isinstance(value, MentalState):
        state = value
    elif value is not None:
        state, inferred = value.value, tuple(value.inferred_from)
    truth = Truth.UNKNOWN if state is None else Truth.of(state.value in element.any_of)
    path = ctx.world.path(act, "mental_state")
    read = Read(truth, path, shown(state), "the actor's state of mind", inferred)
    return _node(element, read, f"{element.gist} (requires: {', '.join(element.any_of)})")


def _result(element: Element, act: Act, ctx: Context, kind: ResultKind) -> Trace:
    results = ctx.world.results_of(act.id, kind)
    path = f"results[kind={kind.value}, caused_by={act.id}]"
    if not results:
        truth = Truth.UNKNOWN
        value = "none stated"
    else:
        truth = any_(Truth.of(r.occurred) for r in results)
        value = ", ".join(
            f"{r.id} ({'occurred' if r.occurred else 'did not occur'})" for r in results
        )
    read = Read(truth, path, value, f"whether {act.id} caused {kind.value.replace('_', ' ')}")
    return _node(element, read)


# --- objects -------------------------------------------------------------------------


def object_reads(kinds: tuple[str, ...], act: Act, ctx: Context, at: str) -> list[Read]:
    """Whether the act's object is of one of ``kinds``; one read per fact consulted."""
    world = ctx.world
    if act.object is None:
        return [
            Read(
                Truth.UNKNOWN, world.path(act, "object"), "unknown", "what the act was directed at"
            )
        ]
    target = world.get(act.object)
    reads: list[Read] = []
    for kind in kinds:
        reads.append(_is_kind(kind, target, ctx, at))
    return reads


def _is_kind(kind: str, target: object, ctx: Context, at: str) -> Read:
    world = ctx.world
    if isinstance(target, System):
        return Read(
            Truth.of(kind == "computer_system"), world.path(target), "a computer system", ""
        )
    if isinstance(target, Datum):
        if kind == "computer_data":
            return Read(Truth.TRUE, world.path(target), "computer data", "")
        if kind == "data_in_system":
            # Arts. 6 and 9: data is reached, or a system hindered, through the data it holds.
            path = world.path(target, "system")
            held = Truth.UNKNOWN if target.system is None else Truth.TRUE
            return Read(held, path, shown(target.system), "which system holds the data")
        path = world.path(target, "kinds")
        if target.kinds is None:
            return Read(Truth.UNKNOWN, path, "unknown", "what kind of data it is")
        has = kind in {k.value for k in target.kinds}
        if has and kind == "csam" and ctx.profile.takes("art_18.reserve_virtual_material"):
            return _real_minor(target, ctx)
        return Read(Truth.of(has), path, shown(target.kinds), "")
    if isinstance(target, Item):
        path = world.path(target, "kind")
        if target.kind is None:
            return Read(Truth.UNKNOWN, path, "unknown", "what the item is")
        return Read(Truth.of(target.kind.value == kind), path, target.kind.value, "")
    if isinstance(target, Person):
        return _person_is(kind, target, ctx)
    if isinstance(target, Property):
        if kind != "proceeds":
            return Read(Truth.FALSE, world.path(target), "property", "")
        path = world.path(target, "origin")
        if target.origin is None:
            return Read(Truth.UNKNOWN, path, "unknown", "whether the property is proceeds of crime")
        return Read(Truth.TRUE, path, "proceeds", "")
    return Read(Truth.FALSE, "", "not declared", "")


def _real_minor(datum: Datum, ctx: Context) -> Read:
    path = ctx.world.path(datum, "depiction")
    if datum.depiction is None:
        return Read(
            Truth.UNKNOWN,
            path,
            "unknown",
            "whether the material shows a real minor (virtual material is reserved, Art. 18(4))",
        )
    return Read(Truth.of(datum.depiction.value == "real_minor"), path, datum.depiction.value, "")


def _person_is(kind: str, person: Person, ctx: Context, *, believed_counts: bool = True) -> Read:
    """Whether a person is a person, a child (under 18) or a minor (the State's limit).

    For Art. 20 a person the actor believed to be a child counts as one (20(2)); for
    Art. 25(4) only the real age matters (``believed_counts=False``).
    """
    world = ctx.world
    if kind not in PERSON_KINDS:
        return Read(Truth.FALSE, world.path(person), "a person", "")
    kind_path = world.path(person, "kind")
    natural = Truth.UNKNOWN if person.kind is None else Truth.of(person.kind.value == "natural")
    if kind == "person":
        return Read(
            natural, kind_path, shown(person.kind), "whether the person is a natural person"
        )
    limit = 18 if kind == "child" else ctx.profile.minor_age
    under = Truth.UNKNOWN if person.age is None else Truth.of(person.age < limit)
    believed = (
        Truth.of(person.believed_child) if kind == "child" and believed_counts else Truth.FALSE
    )
    truth = all_([natural, any_([under, believed])])
    if truth is not Truth.UNKNOWN:
        return Read(truth, world.path(person, "age"), f"age {shown(person.age)}", "")
    if under is Truth.UNKNOWN:
        return Read(
            truth, world.path(person, "age"), "unknown", f"the person's age (under {limit}?)"
        )
    if believed is Truth.UNKNOWN and natural is not Truth.UNKNOWN:
        path = world.path(person, "believed_child")
        return Read(truth, path, "unknown", "whether the actor believed the person was a child")
    return Read(truth, kind_path, "unknown", "whether the person is a natural person")


def _object(element: Element, act: Act, ctx: Context) -> Trace:
    reads = object_reads(element.any_of, act, ctx, element.at)
    truth = any_(r.truth for r in reads)
    missing: list[Missing] = [m for r in reads for m in r.missing]
    person = ctx.world.person(act.object)
    # Art. 20(2): a person believed to be a child counts as one.
    believed_unknown = person is not None and person.believed_child is None
    if (
        person is not None
        and believed_unknown
        and truth is Truth.UNKNOWN
        and "child" in element.any_of
    ):
        missing.append(
            Missing(
                ctx.world.path(person, "believed_child"),
                "whether the actor believed the person was a child",
            )
        )
    inputs = [(r.path, r.shown) for r in reads if r.path]
    return leaf(
        "element",
        f"{element.gist} (one of: {', '.join(element.any_of)})",
        element.at,
        truth,
        inputs=inputs,
        missing=missing,
        key=element.id,
    )


# --- circumstances -------------------------------------------------------------------

Reader = Callable[[Element, Act, Context], Trace]


def _circumstance(attribute: str, question: str) -> Reader:
    def read(element: Element, act: Act, ctx: Context) -> Trace:
        value = getattr(act.circumstances, attribute) if act.circumstances else None
        return _node(element, ctx.world.flag(act, f"circumstances.{attribute}", value, question))

    return read


def _without_right(element: Element, act: Act, ctx: Context) -> Trace:
    return _node(
        element,
        ctx.world.flag(
            act, "without_right", act.without_right, "whether the act was without right"
        ),
    )


def _connected(element: Element, act: Act, ctx: Context) -> Trace:
    """Arts. 6 and 7 option: the system concerned is connected to another system.

    The system concerned is the object if it is a system, the system holding the object
    if it is data, and otherwise the system the actor used.
    """
    world = ctx.world
    target = world.get(act.object)
    if isinstance(target, System):
        system: System | None = target
        where = world.path(act, "object")
    elif isinstance(target, Datum):
        system, where = world.system(target.system), world.path(target, "system")
    elif target is None:
        system, where = None, world.path(act, "object")
    else:
        system, where = world.system(act.using), world.path(act, "using")
    if system is None:
        read = Read(Truth.UNKNOWN, where, "unknown", "which computer system the act concerned")
        return _node(element, read)
    path = world.path(system, "connected")
    read = Read(
        Truth.of(system.connected),
        path,
        shown(system.connected),
        "whether the system is connected to another system",
    )
    return _node(element, read)


def _by_computer(element: Element, act: Act, ctx: Context) -> Trace:
    """The act was done by means of a computer or ICT system: stated, or shown by ``using``."""
    value = act.circumstances.by_computer_system if act.circumstances else None
    if value is None and act.using is not None:
        read = Read(Truth.TRUE, ctx.world.path(act, "using"), act.using, "")
        return _node(element, read)
    read = ctx.world.flag(
        act, "circumstances.by_computer_system", value, "whether a computer or ICT system was used"
    )
    return _node(element, read)


def _no_consent(element: Element, act: Act, ctx: Context) -> Trace:
    world = ctx.world
    value = act.circumstances.consent if act.circumstances else None
    consent = world.flag(
        act, "circumstances.consent", value, "whether the person concerned consented"
    )
    parts = [
        leaf(
            "fact",
            "the person concerned did not consent",
            element.at,
            ~consent.truth,
            inputs=[(consent.path, consent.shown)],
            missing=consent.missing,
            inferred=consent.inferred,
        )
    ]
    if element.at.startswith("art_25"):
        datum = world.get(act.object)
        depicted = world.person(datum.depicts) if isinstance(datum, Datum) else None
        if depicted is not None:
            child = _person_is("child", depicted, ctx, believed_counts=False)
            parts.append(
                leaf(
                    "fact",
                    "a child cannot consent (Art. 25(4))",
                    "art_25__para_4",
                    child.truth,
                    inputs=[(child.path, child.shown)],
                    missing=child.missing,
                )
            )
    return combine("element", element.gist, element.at, any_, parts, key=element.id)


def _number_of_items(element: Element, act: Act, ctx: Context) -> Trace:
    count = act.circumstances.items_count if act.circumstances else None
    threshold = ctx.profile.items_threshold
    truth = Truth.UNKNOWN if count is None else Truth.of(count >= threshold)
    read = Read(
        truth,
        ctx.world.path(act, "circumstances.items_count"),
        shown(count),
        f"how many items were possessed (threshold {threshold})",
    )
    return _node(element, read, f"{element.gist} (at least {threshold})")


def _predicate(element: Element, act: Act, ctx: Context) -> Trace:
    world = ctx.world
    target = world.get(act.object)
    if not isinstance(target, Property):
        read = Read(
            Truth.UNKNOWN,
            world.path(act, "object"),
            shown(act.object),
            "which property was laundered",
        )
        return _node(element, read)
    return predicate_of(target, element, ctx, act)


def predicate_of(prop: Property, element: Element, ctx: Context, act: Act) -> Trace:
    """Art. 33(2)(b)–(c): whether the property comes from an offence that counts."""
    world = ctx.world
    seen = {prop.id}
    while prop.origin is not None and prop.origin.property is not None:
        parent = world.get(prop.origin.property)
        if not isinstance(parent, Property) or parent.id in seen:
            break
        seen.add(parent.id)
        prop = parent
    origin = prop.origin
    if origin is None:
        read = Read(
            Truth.UNKNOWN, world.path(prop, "origin"), "unknown", "where the property came from"
        )
        return _node(element, read)
    if origin.act is not None:
        source = ctx.predicate(origin.act)
        notes: tuple[str, ...] = ()
        if ctx.profile.takes("art_33.self_laundering_exemption"):
            predicate_act = world.act(origin.act)
            same = (
                predicate_act is not None
                and predicate_act.by is not None
                and predicate_act.by == act.by
            )
            if same:
                exempt = leaf(
                    "exclusion",
                    "the launderer committed the predicate offence, and the State exempts self-laundering",
                    "art_33__para_2__point_e",
                    Truth.FALSE,
                    inputs=[(world.path(act, "by"), shown(act.by))],
                )
                return combine(
                    "element", element.gist, element.at, all_, [source, exempt], key=element.id
                )
            notes = (
                "self-laundering exemption taken; the launderer is not the predicate offender",
            )
        return combine(
            "element", element.gist, element.at, all_, [source], key=element.id, notes=notes
        )
    path = world.path(prop, "origin")
    convention = world.flag(
        prop,
        "origin.convention_offence",
        origin.convention_offence,
        "whether the outside predicate is a Convention offence",
    )
    where = world.flag(
        prop,
        "origin.criminal_where_committed",
        origin.criminal_where_committed,
        "whether it is an offence where committed",
    )
    here = world.flag(
        prop,
        "origin.criminal_in_party",
        origin.criminal_in_party,
        "whether it would be an offence in the State applying Art. 33",
    )
    abroad = origin.committed_in is not None and origin.committed_in != ctx.profile.state
    parts = [
        leaf(
            "fact",
            "the predicate is an offence in the State (Art. 33(2)(a)–(b))",
            "art_33__para_2__point_b",
            any_([convention.truth, here.truth]),
            inputs=[(convention.path, convention.shown), (here.path, here.shown)],
            missing=[*convention.missing, *here.missing],
        )
    ]
    if abroad or origin.committed_in is None:
        parts.append(
            leaf(
                "fact",
                "committed abroad: an offence where committed (dual criminality)",
                "art_33__para_2__point_c",
                where.truth,
                inputs=[
                    (where.path, where.shown),
                    (f"{path}.committed_in", shown(origin.committed_in)),
                ],
                missing=where.missing,
            )
        )
    return combine("element", element.gist, element.at, all_, parts, key=element.id)


CIRCUMSTANCES: dict[str, Reader] = {
    "without_right": _without_right,
    "unauthorised": _without_right,
    "security_infringed": _circumstance(
        "security_measures_infringed", "whether security measures were infringed"
    ),
    "connected_system": _connected,
    "commercial_scale": _circumstance(
        "commercial_scale", "whether the infringement was on a commercial scale"
    ),
    "by_computer": _by_computer,
    "by_ict": _by_computer,
    "no_consent": _no_consent,
    "endangering": _circumstance(
        "endangers_life_or_health", "whether the acts endangered the minor's life or health"
    ),
    "number_of_items": _number_of_items,
    "predicate": _predicate,
    "knew_origin": _circumstance(
        "knew_illicit_origin", "whether the actor knew the property was proceeds of crime"
    ),
}
"""The reading of each named circumstance (and named mental element), by key."""
