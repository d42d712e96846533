"""How each element of an offence is read from the facts.

The role of an element says which fact it reads: conduct, object, purpose and the
mental elements read the act's fields of the same name; a circumstance or result reads
the fact registered for its key (the last part of its id). Objects are read in
:mod:`.objects`, circumstances in :mod:`.circumstances`.
"""

from __future__ import annotations

from collections.abc import Callable

from uncc.analysis.facts import Act
from uncc.analysis.logic import TRUE, UNKNOWN, any_, truth_of
from uncc.analysis.rules.circumstances import CIRCUMSTANCES, FACTS_ALONE
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.material import MATERIAL
from uncc.analysis.rules.objects import PERSON_KINDS, evaluate_object
from uncc.analysis.rules.reading import element_node as _node
from uncc.analysis.trace import Missing, Trace, leaf
from uncc.analysis.vocabulary import PURPOSE_TEXT, MentalState, Purpose, ResultKind
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element, ElementRole

__all__ = ["CIRCUMSTANCES", "PERSON_KINDS", "evaluate_element"]


Reader = Callable[[Element, Act, Context], Trace]

_READERS: dict[tuple[str, ElementRole], tuple[Reader, bool]] = {}
"""(element id, role) → how the element is read, and whether that reads the facts alone."""


def facts_alone(element: Element) -> bool:
    """Whether the element's reading depends on the facts alone (not on the profile)."""
    entry = _READERS.get((element.id, element.role))
    if entry is None:
        entry = _READERS[element.id, element.role] = _reader(element)
    return entry[1]


def evaluate_element(element: Element, act: Act, ctx: Context) -> Trace:
    """The element's truth for this act, as a trace node keyed by the element id.

    An element whose reading depends on the facts alone (not on the State's profile nor
    on other findings) is read once per act and analysis: the baseline and each State
    judging it get the same node (``World.shared``), as they would get equal ones.
    """
    entry = _READERS.get((element.id, element.role))
    if entry is None:
        entry = _READERS[element.id, element.role] = _reader(element)
    reader, facts_alone = entry
    if not facts_alone:
        return reader(element, act, ctx)
    shared = ctx.world.shared
    key = (element.id, act.id)
    node = shared.get(key)
    if node is None:
        node = shared[key] = reader(element, act, ctx)
    return node


def _reader(element: Element) -> tuple[Reader, bool]:
    """The reading of an element, by its role and the key its id ends with.

    With it, whether it reads the facts alone: an object read through the State's age
    limit (a minor, the material of Art. 18) or a circumstance not in
    :data:`FACTS_ALONE` reads the profile (or, for the predicate, other findings).
    """
    key = element.id.rsplit(".", 1)[-1]
    role = element.role
    if role is ElementRole.CONDUCT:
        return _conduct, True
    if role is ElementRole.OBJECT:
        return evaluate_object, "minor" not in element.any_of and MATERIAL not in element.any_of
    if role is ElementRole.PURPOSE:
        return _purpose, True
    if role is ElementRole.MENTAL and key not in CIRCUMSTANCES:
        return (lambda element, act, ctx: _mental(element, key, act, ctx)), True
    if role is ElementRole.RESULT:
        kind = ResultKind(key)
        return (lambda element, act, ctx: _result(element, act, ctx, kind)), True
    reader = CIRCUMSTANCES.get(key)
    if reader is None:
        msg = f"no reading is registered for element {element.id}"
        raise LookupError(msg)
    return reader, key in FACTS_ALONE


def _conduct(element: Element, act: Act, ctx: Context) -> Trace:
    path = ctx.world.path(act, "conduct")
    conduct = act.conduct
    truth = UNKNOWN if conduct is None else truth_of(conduct in element.any_of)
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
        inferred=[c for r in reads if r.truth is TRUE for c in r.inferred],
        key=element.id,
    )


def _mental(element: Element, key: str, act: Act, ctx: Context) -> Trace:
    """The actor's state of mind as to one element, or as to the whole act.

    ``mental_states`` gives it per element (the default element, key ``mental``, is the
    one as to the conduct); otherwise ``mental_state`` covers every element. The intake
    refuses facts that give both.
    """
    named = "conduct" if key == "mental" else key
    world = ctx.world
    if act.mental_states:
        value = act.mental_states.get(named)
        paths = [world.path(act, f"mental_states.{named}")]
    else:
        value = act.mental_state
        # Either form answers it: the one state of mind, or the one as to this element.
        paths = [world.path(act, "mental_state"), world.path(act, f"mental_states.{named}")]
    inferred: tuple[str, ...] = ()
    state: MentalState | None = None
    if isinstance(value, MentalState):
        state = value
    elif value is not None:
        state, inferred = value.value, tuple(value.inferred_from)
    truth = UNKNOWN if state is None else truth_of(state in element.any_of)
    about = "" if key == "mental" else f" as to {named.replace('_', ' ')}"
    question = f"the actor's state of mind{about}"
    return leaf(
        "element",
        f"{element.gist} (requires: {', '.join(element.any_of)})",
        element.at,
        truth,
        inputs=[(paths[0], shown(state))],
        missing=[Missing(p, question) for p in paths],
        inferred=inferred,
        key=element.id,
    )


def _result(element: Element, act: Act, ctx: Context, kind: ResultKind) -> Trace:
    results = ctx.world.results_of(act.id, kind)
    path = f"results[kind={kind.value}, caused_by={act.id}]"
    if not results:
        truth = UNKNOWN
        value = "none stated"
    else:
        truth = any_(truth_of(r.occurred) for r in results)
        value = ", ".join(
            f"{r.id} ({'occurred' if r.occurred else 'did not occur'})" for r in results
        )
    read = Read(truth, path, value, f"whether {act.id} caused {kind.value.replace('_', ' ')}")
    return _node(element, read)
