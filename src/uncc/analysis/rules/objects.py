"""What an act was directed at: the object elements of the offences.

A datum is read by its kinds; the material of Art. 18(2) from what it shows and who is
shown; an item by its kind; a person as a natural person, a child (under 18) or a minor
(the State's limit); property as proceeds of crime.
"""

from __future__ import annotations

from uncc.analysis.facts import Act, Datum, Item, Person, Property, System
from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.material import MATERIAL, material
from uncc.analysis.trace import Missing, Trace, leaf
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element

PERSON_KINDS = frozenset({"person", "child", "minor"})
DERIVED_KINDS = frozenset({MATERIAL})
"""Object kinds judged from several facts rather than read as a data kind."""


def object_reads(kinds: tuple[str, ...], act: Act, ctx: Context, at: str) -> list[Read]:
    """Whether the act's object is of one of ``kinds``; one read per fact consulted."""
    world = ctx.world
    if act.object is None:
        return [Read(UNKNOWN, world.path(act, "object"), "unknown", "what the act was directed at")]
    target = world.get(act.object)
    reads: list[Read] = []
    for kind in kinds:
        reads.append(_is_kind(kind, target, ctx, at))
    return reads


def _is_kind(kind: str, target: object, ctx: Context, at: str) -> Read:
    world = ctx.world
    if isinstance(target, System):
        return Read(
            truth_of(kind == "computer_system"), world.path(target), "a computer system", ""
        )
    if isinstance(target, Datum):
        if kind == "computer_data":
            return Read(TRUE, world.path(target), "computer data", "")
        if kind == "data_in_system":
            # Arts. 6 and 9: data is reached, or a system hindered, through the data it holds.
            path = world.path(target, "system")
            held = UNKNOWN if target.system is None else TRUE
            return Read(held, path, shown(target.system), "which system holds the data")
        path = world.path(target, "kinds")
        if target.kinds is None:
            return Read(UNKNOWN, path, "unknown", "what kind of data it is")
        has = kind in target.kinds
        return Read(truth_of(has), path, shown(target.kinds), "")
    if isinstance(target, Item):
        path = world.path(target, "kind")
        if target.kind is None:
            return Read(UNKNOWN, path, "unknown", "what the item is")
        return Read(truth_of(target.kind == kind), path, target.kind.value, "")
    if isinstance(target, Person):
        return person_is(kind, target, ctx)
    if isinstance(target, Property):
        if kind != "proceeds":
            return Read(FALSE, world.path(target), "property", "")
        path = world.path(target, "origin")
        if target.origin is None:
            return Read(UNKNOWN, path, "unknown", "whether the property is proceeds of crime")
        return Read(TRUE, path, "proceeds", "")
    return Read(FALSE, "", "not declared", "")


def person_is(kind: str, person: Person, ctx: Context, *, believed_counts: bool = True) -> Read:
    """Whether a person is a person, a child (under 18) or a minor (the State's limit).

    For Art. 20 a person the actor believed to be a child counts as one (20(2)); for
    Art. 25(4) only the real age matters (``believed_counts=False``).
    """
    world = ctx.world
    if kind not in PERSON_KINDS:
        return Read(FALSE, world.path(person), "a person", "")
    kind_path = world.path(person, "kind")
    natural = UNKNOWN if person.kind is None else truth_of(person.kind == "natural")
    if kind == "person":
        return Read(
            natural, kind_path, shown(person.kind), "whether the person is a natural person"
        )
    limit = 18 if kind == "child" else ctx.profile.minor_age
    under = UNKNOWN if person.age is None else truth_of(person.age < limit)
    believed = truth_of(person.believed_child) if kind == "child" and believed_counts else FALSE
    truth = all_([natural, any_([under, believed])])
    if truth is not UNKNOWN:
        return Read(truth, world.path(person, "age"), f"age {shown(person.age)}", "")
    if under is UNKNOWN:
        return Read(
            truth, world.path(person, "age"), "unknown", f"the person's age (under {limit}?)"
        )
    if believed is UNKNOWN and natural is not UNKNOWN:
        path = world.path(person, "believed_child")
        return Read(truth, path, "unknown", "whether the actor believed the person was a child")
    return Read(truth, kind_path, "unknown", "whether the person is a natural person")


def evaluate_object(element: Element, act: Act, ctx: Context) -> Trace:
    """The object element: the act was directed at one of the kinds it names."""
    datum = ctx.world.get(act.object)
    if MATERIAL in element.any_of and isinstance(datum, Datum):
        return material(element, datum, ctx)
    reads = object_reads(element.any_of, act, ctx, element.at)
    truth = any_(r.truth for r in reads)
    missing: list[Missing] = [m for r in reads for m in r.missing]
    person = ctx.world.person(act.object)
    # Art. 20(2): a person believed to be a child counts as one.
    believed_unknown = person is not None and person.believed_child is None
    if person is not None and believed_unknown and truth is UNKNOWN and "child" in element.any_of:
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
