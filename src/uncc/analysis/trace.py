"""The trace tree of an analysis.

The trace tree: every result names its rule, the provision it applies, its inputs,
its outcome, the facts still missing, and the results it was built from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from uncc.analysis.logic import UNKNOWN, Truth, all_, any_


@dataclass(frozen=True, slots=True)
class Missing:
    """A fact that is unknown and would help settle a result.

    ``path`` names where the fact goes in the facts file (``acts[a1].without_right``,
    ``persons[p1].nationalities``); ``question`` says what to find out.
    """

    path: str
    question: str

    def __str__(self) -> str:
        return self.path


@dataclass(frozen=True, slots=True)
class Trace:
    """One node of the reasoning: a rule applied to inputs, with its outcome."""

    rule: str
    """What was decided, e.g. ``element``, ``offence``, ``ground``, ``power``."""
    label: str
    """In words: what the node decides."""
    provision: str
    """The provision id applied (``art_6__para_1``)."""
    outcome: Truth
    inputs: tuple[tuple[str, str], ...] = ()
    """The facts read, as (path, value) pairs."""
    missing: tuple[Missing, ...] = ()
    """Unknown facts that decide this node (empty when the node is settled)."""
    children: tuple[Trace, ...] = ()
    inferred: tuple[str, ...] = ()
    """Circumstances a fact was inferred from (Art. 37)."""
    key: str = ""
    """A stable id for the node (e.g. the element id)."""
    notes: tuple[str, ...] = field(default=())

    def walk(self) -> Iterator[Trace]:
        """This node and every node below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready nested dict."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "label": self.label,
            "provision": self.provision,
            "outcome": self.outcome.value,
        }
        if self.key:
            out["key"] = self.key
        if self.inputs:
            out["inputs"] = dict(self.inputs)
        if self.missing:
            out["missing"] = [m.path for m in self.missing]
        if self.inferred:
            out["inferred_from"] = list(self.inferred)
        if self.notes:
            out["notes"] = list(self.notes)
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out


def unique(missing: Iterable[Missing]) -> tuple[Missing, ...]:
    """Missing facts without repeats, in first-seen order."""
    items = missing if isinstance(missing, list | tuple) else list(missing)
    if len(items) < 2:  # most nodes miss one fact or none
        return tuple(items)
    seen: dict[str, Missing] = {}
    for m in items:
        if m.path not in seen:
            seen[m.path] = m
    return tuple(seen.values())


class _Draft:
    """A ``Trace`` being made: the same slots, set without the frozen ``__setattr__``.

    Once its fields are set, the object's class becomes ``Trace`` (the layouts are the
    same): an ordinary, equal, frozen ``Trace``.
    """

    __slots__ = Trace.__slots__

    def __init__(  # noqa: PLR0917 - one argument per field of Trace
        self,
        rule: str,
        label: str,
        provision: str,
        outcome: Truth,
        inputs: tuple[tuple[str, str], ...],
        missing: tuple[Missing, ...],
        children: tuple[Trace, ...],
        inferred: tuple[str, ...],
        key: str,
        notes: tuple[str, ...],
    ) -> None:
        self.rule = rule
        self.label = label
        self.provision = provision
        self.outcome = outcome
        self.inputs = inputs
        self.missing = missing
        self.children = children
        self.inferred = inferred
        self.key = key
        self.notes = notes


def _node(  # noqa: PLR0917 - one argument per field of Trace
    rule: str,
    label: str,
    provision: str,
    outcome: Truth,
    inputs: tuple[tuple[str, str], ...],
    missing: tuple[Missing, ...],
    children: tuple[Trace, ...],
    inferred: tuple[str, ...],
    key: str,
    notes: tuple[str, ...],
) -> Trace:
    """The same node as ``Trace(...)``, without the frozen dataclass's ``__init__``.

    That ``__init__`` sets each of the ten fields through ``object.__setattr__``; an
    analysis makes about 150 nodes per act, so the engine makes them here (about 1.5
    times as fast as the dict update it replaces, which was itself about twice as fast
    as that ``__init__``): a draft with the same slots whose class then becomes ``Trace``.
    Slots rather than a ``__dict__`` also halve the objects the cyclic collector walks
    for each node.
    """
    node: Any = _Draft(
        rule, label, provision, outcome, inputs, missing, children, inferred, key, notes
    )
    node.__class__ = Trace
    return cast("Trace", node)


def leaf(
    rule: str,
    label: str,
    provision: str,
    outcome: Truth,
    *,
    inputs: Iterable[tuple[str, str]] = (),
    missing: Iterable[Missing] = (),
    inferred: Iterable[str] = (),
    key: str = "",
    notes: Iterable[str] = (),
) -> Trace:
    """A node decided directly from facts; missing facts are kept only while unknown."""
    node: Any = _Draft(  # as _node() makes it, inline: about 70 leaves per small incident
        rule,
        label,
        provision,
        outcome,
        tuple(inputs),
        unique(missing) if outcome is UNKNOWN and missing else (),
        (),
        tuple(inferred),
        key,
        tuple(notes),
    )
    node.__class__ = Trace
    return node  # type: ignore[no-any-return]


def combine(
    rule: str,
    label: str,
    provision: str,
    op: Callable[[Iterable[Truth]], Truth],
    children: Iterable[Trace],
    *,
    key: str = "",
    notes: Iterable[str] = (),
    inputs: Iterable[tuple[str, str]] = (),
) -> Trace:
    """A node whose outcome is ``op`` (``all_`` or ``any_``) of its children's outcomes.

    When the outcome is unknown, its missing facts are those of its unknown children:
    supplying all of them settles every unknown child, and so the node.
    """
    kids = tuple(children)
    outcome = op([c.outcome for c in kids])
    missing = (
        unique([m for c in kids if c.outcome is UNKNOWN for m in c.missing])
        if outcome is UNKNOWN
        else ()
    )
    node: Any = _Draft(  # as _node() makes it, inline: about 60 per small incident
        rule, label, provision, outcome, tuple(inputs), missing, kids, (), key, tuple(notes)
    )
    node.__class__ = Trace
    return node  # type: ignore[no-any-return]


def negate(node: Trace, rule: str, label: str, provision: str, *, key: str = "") -> Trace:
    """A node that holds exactly when ``node`` does not."""
    return _node(rule, label, provision, ~node.outcome, (), node.missing, (node,), (), key, ())


class Deferred(Trace):
    """A node whose outcome is known and whose other fields are made when first read.

    ``make`` returns the whole node (it must have the same outcome); until a field other
    than ``outcome`` is read, only the outcome and the recipe are kept. Read, it is the
    node ``make`` returns in every respect but its type: equal, hashed, shown, copied
    and pickled as that ``Trace`` (copies and pickles are plain ``Trace`` objects).
    See :func:`deferred`.
    """

    __slots__ = ("_made", "_make")
    _made: Trace | None
    _make: Callable[[], Trace] | None

    def _node(self) -> Trace:
        # ``_make`` is read first: it is cleared only once ``_made`` is set, so a thread
        # reading while another makes the node sees one or the other (two threads may
        # both make it: equal nodes from the same inputs).
        make = self._make
        made = self._made
        if made is None:
            made = cast("Callable[[], Trace]", make)()  # kept until the node is made
            object.__setattr__(self, "_made", made)
            object.__setattr__(self, "_make", None)  # what it read is no longer needed
        return made

    rule = property(lambda self: self._node().rule)
    label = property(lambda self: self._node().label)
    provision = property(lambda self: self._node().provision)
    inputs = property(lambda self: self._node().inputs)
    missing = property(lambda self: self._node().missing)
    children = property(lambda self: self._node().children)
    inferred = property(lambda self: self._node().inferred)
    key = property(lambda self: self._node().key)
    notes = property(lambda self: self._node().notes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Deferred):
            other = other._node()
        return self._node() == other

    def __hash__(self) -> int:
        return hash(self._node())

    def __repr__(self) -> str:
        return repr(self._node())

    def __reduce__(self) -> tuple[Any, ...]:
        node = self._node()
        return (Trace, tuple(getattr(node, name) for name in Trace.__slots__))


def deferred(outcome: Truth, make: Callable[[], Trace]) -> Trace:
    """A node with this outcome whose other fields ``make`` makes when first read.

    The rules use it where the outcome is known without the node (the Kleene value of
    nodes already made) and nothing but a reader needs the rest: the node ``make``
    returns then, from the same immutable inputs, is the one made at once would be.
    """
    # Three slots set through their descriptors (C calls, no frozen ``__setattr__``):
    # about half the cost of a draft whose class then becomes ``Deferred``; an analysis
    # makes about 40 per State.
    node = _new(Deferred)
    _set_outcome(node, outcome)
    _set_make(node, make)
    _set_made(node, None)
    return node


_new = object.__new__
_set_outcome = vars(Trace)["outcome"].__set__
_set_make = vars(Deferred)["_make"].__set__
_set_made = vars(Deferred)["_made"].__set__


__all__ = [
    "Deferred",
    "Missing",
    "Trace",
    "all_",
    "any_",
    "combine",
    "deferred",
    "leaf",
    "negate",
    "unique",
]
