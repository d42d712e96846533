"""The named circumstances of the offences, each read from the fact registered for its key."""

from __future__ import annotations

from collections.abc import Callable

from uncc.analysis.facts import Act, Datum, Property, System
from uncc.analysis.logic import TRUE, UNKNOWN, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.laundering import predicate_of
from uncc.analysis.rules.objects import person_is
from uncc.analysis.rules.reading import element_node as _node
from uncc.analysis.trace import Trace, combine, leaf
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element

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
        read = Read(UNKNOWN, where, "unknown", "which computer system the act concerned")
        return _node(element, read)
    path = world.path(system, "connected")
    read = Read(
        truth_of(system.connected),
        path,
        shown(system.connected),
        "whether the system is connected to another system",
    )
    return _node(element, read)


def _by_computer(element: Element, act: Act, ctx: Context) -> Trace:
    """The act was done by means of a computer or ICT system: stated, or shown by ``using``."""
    value = act.circumstances.by_computer_system if act.circumstances else None
    if value is None and act.using is not None:
        read = Read(TRUE, ctx.world.path(act, "using"), act.using, "")
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
            child = person_is("child", depicted, ctx, believed_counts=False)
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
    truth = UNKNOWN if count is None else truth_of(count >= threshold)
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
            UNKNOWN,
            world.path(act, "object"),
            shown(act.object),
            "which property was laundered",
        )
        return _node(element, read)
    return predicate_of(target, element, ctx, act)


def _of_another(element: Element, act: Act, ctx: Context) -> Trace:
    """Art. 16(b): the identification feature is that of a person other than the actor."""
    world = ctx.world
    datum = world.get(act.object)
    if not isinstance(datum, Datum):
        question = "what the act was directed at"
        read = Read(UNKNOWN, world.path(act, "object"), shown(act.object), question)
        return _node(element, read)
    path = world.path(datum, "subjects")
    if datum.subjects is None:
        return _node(element, Read(UNKNOWN, path, "unknown", "whose identifier it is"))
    if act.by is None:
        question = "who did it"
        read = Read(UNKNOWN, world.path(act, "by"), "unknown", question)
        return _node(element, read)
    others = [s for s in datum.subjects if s != act.by]
    return _node(element, Read(truth_of(bool(others)), path, shown(datum.subjects), ""))


def _privacy_expected(element: Element, act: Act, ctx: Context) -> Trace:
    """Arts. 24(2)(b)-(c), 25(2)(b)-(c): privacy expected at recording and still at the act."""
    world = ctx.world
    datum = world.get(act.object)
    if not isinstance(datum, Datum):
        question = "which image the act concerned"
        read = Read(UNKNOWN, world.path(act, "object"), shown(act.object), question)
        return _node(element, read)
    then = world.flag(
        datum,
        "privacy_expected_when_recorded",
        datum.privacy_expected_when_recorded,
        "whether the circumstances of the recording gave a reasonable expectation of privacy",
    )
    now = world.flag(
        datum,
        "privacy_expected_now",
        datum.privacy_expected_now,
        "whether the person still reasonably expected privacy when the act was done",
    )
    at = element.at
    parts = [
        then.node(
            "fact", "privacy could reasonably be expected when it was recorded", f"{at}__point_b"
        ),
        now.node(
            "fact", "privacy was still reasonably expected at the time of the act", f"{at}__point_c"
        ),
    ]
    return combine("element", element.gist, at, all_, parts, key=element.id)


def _another_state(element: Element, act: Act, ctx: Context) -> Trace:
    """Art. 26: the regime aimed at is that of a State other than the one applying it.

    Under a profile with no State (the baseline), some State Party is always "another"
    than the one aimed at, so a known target is enough.
    """
    path = ctx.world.path(act, "target_state")
    target = act.target_state
    applying = ctx.profile.state
    if target is None:
        question = "which State's government the call is aimed at"
        return _node(element, Read(UNKNOWN, path, "unknown", question))
    truth = TRUE if applying is None else truth_of(target != applying)
    where = "" if applying is None else f" (applying State: {applying})"
    return _node(element, Read(truth, path, f"{target}{where}", ""))


def _tribunal(element: Element, act: Act, ctx: Context) -> Trace:
    """Art. 28: the crimes are those established by the judgment of the tribunal named."""
    world = ctx.world
    datum = world.get(act.object)
    if not isinstance(datum, Datum):
        question = "what material the act concerned"
        read = Read(UNKNOWN, world.path(act, "object"), shown(act.object), question)
        return _node(element, read)
    path = world.path(datum, "denied_crimes_established_by")
    court = datum.denied_crimes_established_by
    if court is None:
        question = "which tribunal's judgment established the crimes the material is about"
        return _node(element, Read(UNKNOWN, path, "unknown", question))
    return _node(element, Read(truth_of(court.value in element.any_of), path, court.value, ""))


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
    "of_another": _of_another,
    "privacy_expected": _privacy_expected,
    "another_state": _another_state,
    "tribunal": _tribunal,
    "terrorist_link": _circumstance(
        "terrorist_link", "whether the act served a terrorist act, organisation or activity"
    ),
    "knew_origin": _circumstance(
        "knew_illicit_origin", "whether the actor knew the property was proceeds of crime"
    ),
}
"""The reading of each named circumstance (and named mental element), by key."""

FACTS_ALONE = frozenset(CIRCUMSTANCES) - {"number_of_items", "predicate", "another_state"}
"""The circumstances read from the facts alone: not the number of items (the State's
threshold), the predicate of laundering (other findings, the State's exemption) nor
another State (the State applying it). Their nodes are shared by every profile."""
