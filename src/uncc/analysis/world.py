"""An indexed view of an incident: entities by id, fact paths, and three-valued reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from uncc.analysis.facts import (
    Aboard,
    Act,
    Datum,
    Flag,
    Incident,
    Inferred,
    Item,
    Person,
    Place,
    Property,
    Result,
    System,
)
from uncc.analysis.logic import UNKNOWN, Truth, truth_of
from uncc.analysis.trace import Missing, Trace, leaf
from uncc.analysis.vocabulary import ResultKind

Entity = Person | System | Datum | Item | Property | Act | Result

_COLLECTION = {
    Person: "persons",
    System: "systems",
    Datum: "data",
    Item: "items",
    Property: "property",
    Act: "acts",
    Result: "results",
}


class Read(NamedTuple):
    """A fact read in three-valued logic, with where it came from.

    A named tuple: the rules make about forty of these per act and keep none of them
    (a frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``,
    about four times slower).
    """

    truth: Truth
    path: str
    shown: str
    question: str
    inferred: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[Missing, ...]:
        """The fact itself, while it is unknown."""
        return (Missing(self.path, self.question),) if self.truth is UNKNOWN else ()

    def node(self, rule: str, label: str, provision: str, *, key: str = "") -> Trace:
        """A trace leaf decided by this fact alone."""
        return leaf(
            rule,
            label,
            provision,
            self.truth,
            inputs=[(self.path, self.shown)],
            missing=self.missing,
            inferred=self.inferred,
            key=key,
        )


@dataclass(frozen=True)
class World:
    """The incident with its entities indexed by id."""

    incident: Incident
    _index: dict[str, Entity] = field(init=False, repr=False, compare=False)
    _results: dict[str, list[Result]] = field(init=False, repr=False, compare=False)
    shared: dict[tuple[object, ...], Trace] = field(init=False, repr=False, compare=False)
    """Nodes that depend on the facts alone, kept for every profile judging them.

    Keyed by what decides them, the act id last (elements and offences:
    :mod:`uncc.analysis.rules.elements`, :mod:`uncc.analysis.rules.offences`).
    """

    def __post_init__(self) -> None:
        index: dict[str, Entity] = {}
        for collection in _COLLECTION.values():
            for entity in getattr(self.incident, collection):
                index[entity.id] = entity
        results: dict[str, list[Result]] = {}
        for result in self.incident.results:
            for act in result.caused_by:
                results.setdefault(act, []).append(result)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_results", results)
        object.__setattr__(self, "shared", {})

    def get(self, entity_id: str | None) -> Entity | None:
        """The entity with this id, or ``None``."""
        return None if entity_id is None else self._index.get(entity_id)

    def person(self, person_id: str | None) -> Person | None:
        """The person with this id, or ``None``."""
        found = self.get(person_id)
        return found if isinstance(found, Person) else None

    def system(self, system_id: str | None) -> System | None:
        """The system with this id, or ``None``."""
        found = self.get(system_id)
        return found if isinstance(found, System) else None

    def act(self, act_id: str | None) -> Act | None:
        """The act with this id, or ``None``."""
        found = self.get(act_id)
        return found if isinstance(found, Act) else None

    def results_of(self, act_id: str, kind: ResultKind) -> list[Result]:
        """The results of this kind the act is said to have caused (or not)."""
        return [r for r in self._results.get(act_id, []) if r.kind is kind]

    @staticmethod
    def path(entity: Entity, attribute: str = "") -> str:
        """The fact path of an entity or one of its fields: ``acts[a1].without_right``."""
        base = f"{_COLLECTION[type(entity)]}[{entity.id}]"
        return f"{base}.{attribute}" if attribute else base

    def purpose(self, act: Act, purpose: str, question: str) -> Read:
        """Whether the act had a purpose: a list is complete, a mapping is partial."""
        path = self.path(act, f"purposes.{purpose}")
        if isinstance(act.purposes, list):
            had = purpose in act.purposes
            return Read(
                truth_of(had), path, "listed" if had else "not among the listed purposes", question
            )
        value = None if act.purposes is None else act.purposes.get(purpose)  # type: ignore[call-overload]
        return self.flag(act, f"purposes.{purpose}", value, question)

    def flag(self, entity: Entity, attribute: str, value: Flag | None, question: str) -> Read:
        """Read a yes/no fact (observed or inferred, Art. 37)."""
        path = self.path(entity, attribute)
        if value is None:
            return Read(UNKNOWN, path, "unknown", question)
        if isinstance(value, Inferred):
            return Read(
                truth_of(value.value),
                path,
                str(value.value).lower(),
                question,
                tuple(value.inferred_from),
            )
        return Read(truth_of(value), path, str(value).lower(), question)

    def states(self) -> list[str]:
        """Every State the incident names, sorted."""
        found: set[str] = set()

        def place(value: Place | None) -> None:
            if isinstance(value, Aboard):
                found.add(value.flag)
                if value.within:
                    found.add(value.within)
            elif value is not None:
                found.add(value)

        for p in self.incident.persons:
            found.update(p.nationalities or [])
            found.update(p.offers_services_in or [])
            for value in (p.habitual_residence, p.present_in, p.incorporated_in, p.public_body_of):
                place(value)
        for s in self.incident.systems:
            place(s.location)
            found.update(s.holds_data_of_nationals_of or [])
        for d in self.incident.data:
            place(d.stored_in)
        for i in self.incident.items:
            place(i.located_in)
        for pr in self.incident.property:
            place(pr.located_in)
            if pr.origin is not None:
                place(pr.origin.committed_in)
        for a in self.incident.acts:
            place(a.acted_in)
            place(a.target_state)
            found.update(a.effects_in or [])
        found.update(inv.state for inv in self.incident.investigations)
        return sorted(found)


def territory_of(place: Place | None) -> str | None:
    """The State whose territory a place is in (a craft's ``within``), if known."""
    if isinstance(place, Aboard):
        return place.within
    return place


def shown(value: Any) -> str:
    """A fact value as the trace shows it."""
    if value is None:
        return "unknown"
    if isinstance(value, str):
        # A plain string, or a StrEnum member: its characters are its value.
        return str.__str__(value)
    if isinstance(value, Aboard):
        where = f" in {value.within}" if value.within else ""
        return f"{value.craft} flying {value.flag}{where}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(getattr(value, "value", value))
