"""Art. 33(2): whether laundered property comes from an offence that counts."""

from __future__ import annotations

from uncc.analysis.facts import Act, Property
from uncc.analysis.logic import FALSE, UNKNOWN, all_, any_
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.reading import element_node as _node
from uncc.analysis.trace import Trace, combine, leaf
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element


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
        read = Read(UNKNOWN, world.path(prop, "origin"), "unknown", "where the property came from")
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
                    FALSE,
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
