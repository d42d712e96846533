"""How each element of an offence is read from the facts.

The role of an element says which fact it reads: conduct, object, purpose and the
mental elements read the act's fields of the same name; a circumstance or result reads
the fact registered for its key (the last part of its id). Objects are read in
:mod:`.objects`, circumstances in :mod:`.circumstances`.
"""

from __future__ import annotations

from collections.abc import Callable

from uncc.analysis.facts import Act
from uncc.analysis.logic import Truth, any_
from uncc.analysis.rules.circumstances import CIRCUMSTANCES
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.objects import PERSON_KINDS, evaluate_object
from uncc.analysis.rules.reading import element_node as _node
from uncc.analysis.trace import Missing, Trace, leaf
from uncc.analysis.vocabulary import PURPOSE_TEXT, MentalState, Purpose, ResultKind
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element, ElementRole

__all__ = ["CIRCUMSTANCES", "PERSON_KINDS", "evaluate_element"]


Reader = Callable[[Element, Act, Context], Trace]

_READERS: dict[tuple[str, ElementRole], Reader] = {}
"""(element id, role) → how the element is read: chosen once per element, not per act."""


def evaluate_element(element: Element, act: Act, ctx: Context) -> Trace:
    """The element's truth for this act, as a trace node keyed by the element id."""
    reader = _READERS.get((element.id, element.role))
    if reader is None:
        reader = _READERS[element.id, element.role] = _reader(element)
    return reader(element, act, ctx)


def _reader(element: Element) -> Reader:
    """The reading of an element, by its role and the key its id ends with."""
    key = element.id.rsplit(".", 1)[-1]
    role = element.role
    if role is ElementRole.CONDUCT:
        return _conduct
    if role is ElementRole.OBJECT:
        return evaluate_object
    if role is ElementRole.PURPOSE:
        return _purpose
    if role is ElementRole.MENTAL and key not in CIRCUMSTANCES:
        return lambda element, act, ctx: _mental(element, key, act, ctx)
    if role is ElementRole.RESULT:
        kind = ResultKind(key)
        return lambda element, act, ctx: _result(element, act, ctx, kind)
    reader = CIRCUMSTANCES.get(key)
    if reader is None:
        msg = f"no reading is registered for element {element.id}"
        raise LookupError(msg)
    return reader


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
    truth = Truth.UNKNOWN if state is None else Truth.of(state.value in element.any_of)
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
        truth = Truth.UNKNOWN
        value = "none stated"
    else:
        truth = any_(Truth.of(r.occurred) for r in results)
        value = ", ".join(
            f"{r.id} ({'occurred' if r.occurred else 'did not occur'})" for r in results
        )
    read = Read(truth, path, value, f"whether {act.id} caused {kind.value.replace('_', ' ')}")
    return _node(element, read)
