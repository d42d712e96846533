"""The second pass over validated facts: references between entities, and consistency.

An act that names an undeclared person, system or datum, an id declared twice, or facts
that contradict each other each become one ``path: what is wrong; hint`` line, as the
schema's problems do in :mod:`uncc.analysis.intake`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from uncc.analysis.facts import Incident

_COLLECTIONS = ("persons", "systems", "data", "items", "property", "acts", "results")
_SINGULAR = {
    "persons": "person",
    "systems": "system",
    "data": "datum",
    "items": "item",
    "property": "property",
    "acts": "act",
    "results": "result",
}


def suggest(word: str, choices: Iterable[str]) -> str:
    """A "did you mean" hint for ``word`` among ``choices`` (empty without a close one)."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class _References:
    """The declared ids of an incident, and the problems of the references checked."""

    def __init__(self, ids: dict[str, set[str]], problems: list[str]) -> None:
        self.ids = ids
        self.problems = problems

    def check(
        self, value: str | None, collections: tuple[str, ...], path: str, *where: int | str
    ) -> None:
        """Note a reference to an id no collection of ``collections`` declares.

        The path (``path`` filled with ``where``) is written only for such a reference,
        so a sound one costs a set look-up.
        """
        if value is None:
            return
        ids = self.ids
        for c in collections:
            if value in ids[c]:
                return
        wanted = " or ".join(_SINGULAR[c] for c in collections)
        declared = sorted(i for c in collections for i in ids[c])
        listing = ", ".join(declared) if declared else "none"
        hint = suggest(value, declared)
        self.problems.append(
            f"{path.format(*where)}: '{value}' is not a declared {wanted}{hint} (declared: {listing})"
        )


def reference_problems(incident: Incident) -> Iterator[str]:
    """Every duplicate id and every reference to an id that is not declared."""
    owner: dict[str, tuple[str, int]] = {}  # the first entity with an id (path made on a clash)
    ids: dict[str, set[str]] = {}  # the ids each collection declares
    for collection in _COLLECTIONS:
        declared = ids[collection] = set()
        for index, entity in enumerate(getattr(incident, collection)):
            eid = entity.id
            declared.add(eid)
            if eid in owner:
                first, at = owner[eid]
                yield (
                    f"{collection}[{index}].id: '{eid}' is already used by "
                    f"{first}[{at}]; ids must be unique across the incident"
                )
            else:
                owner[eid] = (collection, index)
    problems: list[str] = []
    check = _References(ids, problems).check

    for i, p in enumerate(incident.persons):
        for j, lead in enumerate(p.leading_persons or []):
            check(lead.person, ("persons",), "persons[{}].leading_persons[{}].person", i, j)
        for j, member in enumerate(p.staff or []):
            check(member, ("persons",), "persons[{}].staff[{}]", i, j)
    for i, s in enumerate(incident.systems):
        check(s.owner, ("persons",), "systems[{}].owner", i)
        check(s.operator, ("persons",), "systems[{}].operator", i)
    for i, d in enumerate(incident.data):
        check(d.system, ("systems",), "data[{}].system", i)
        check(d.depicts, ("persons",), "data[{}].depicts", i)
        check(d.controller, ("persons",), "data[{}].controller", i)
        for j, subject in enumerate(d.subjects or []):
            check(subject, ("persons",), "data[{}].subjects[{}]", i, j)
    for i, pr in enumerate(incident.property):
        check(pr.held_by, ("persons",), "property[{}].held_by", i)
        for field in ("used_in", "destined_for"):  # the acts it served (Art. 50(1)(b))
            for j, act_id in enumerate(getattr(pr, field) or []):
                check(act_id, ("acts",), "property[{}].{}[{}]", i, field, j)
        if pr.origin is not None:
            origin = pr.origin
            given = [k for k in ("act", "property", "offence") if getattr(origin, k) is not None]
            if len(given) != 1:
                problems.append(
                    f"property[{i}].origin: give exactly one of act, property or offence "
                    f"(got {', '.join(given) or 'none'})"
                )
            check(origin.act, ("acts",), "property[{}].origin.act", i)
            check(origin.property, ("property",), "property[{}].origin.property", i)
    objects = ("systems", "data", "items", "persons", "property")
    for i, a in enumerate(incident.acts):
        check(a.by, ("persons",), "acts[{}].by", i)
        check(a.participates_in, ("acts",), "acts[{}].participates_in", i)
        check(a.object, objects, "acts[{}].object", i)
        check(a.using, ("systems",), "acts[{}].using", i)
        check(a.for_benefit_of, ("persons",), "acts[{}].for_benefit_of", i)
        for j, victim in enumerate(a.victims or []):
            check(victim, ("persons",), "acts[{}].victims[{}]", i, j)
        if a.participates_in == a.id:
            problems.append(f"acts[{i}].participates_in: an act cannot take part in itself")
        principal = a.role is None or a.role in ("perpetrator", "co_perpetrator")  # StrEnum
        if not principal and a.participates_in is None:
            problems.append(
                f"acts[{i}].participates_in: an act in the role '{a.role}' must name the act "
                "it took part in (Art. 36(1))"
            )
    for i, r in enumerate(incident.results):
        for j, cause in enumerate(r.caused_by):
            check(cause, ("acts",), "results[{}].caused_by[{}]", i, j)
        for j, victim in enumerate(r.victims or []):
            check(victim, ("persons",), "results[{}].victims[{}]", i, j)
    for i, inv in enumerate(incident.investigations):
        for j, act in enumerate(inv.acts or []):
            check(act, ("acts",), "investigations[{}].acts[{}]", i, j)
        for j, person in enumerate(inv.persons or []):
            check(person, ("persons",), "investigations[{}].persons[{}]", i, j)
    yield from problems
    yield from _cycles(incident)
    yield from consistency_problems(incident)


def consistency_problems(incident: Incident) -> Iterator[str]:
    """Facts that contradict each other, e.g. a natural person incorporated somewhere."""
    legal_only = (
        "incorporated_in",
        "leading_persons",
        "staff",
        "supervision_failed",
        "public_body_of",
    )
    natural_only = ("nationalities", "age", "believed_child", "stateless")
    for i, p in enumerate(incident.persons):
        kind = p.kind  # a StrEnum: equal to its value
        if kind == "natural":
            for name in legal_only:
                if getattr(p, name) is not None:
                    yield f"persons[{i}].{name}: only a legal person has this (the person is natural)"
            if p.public_body:
                yield f"persons[{i}].public_body: a natural person is not a public body"
        if kind == "legal":
            for name in natural_only:
                if getattr(p, name) is not None:
                    yield f"persons[{i}].{name}: only a natural person has this (the person is legal)"
        for j, span in enumerate(p.evaded_justice or []):
            if span.until is not None and span.until < span.since:
                yield f"persons[{i}].evaded_justice[{j}].until: before 'since'"
        if p.stateless and p.nationalities:
            yield f"persons[{i}].stateless: a stateless person has no nationalities"
        if p.public_body is False and p.public_body_of is not None:
            yield f"persons[{i}].public_body_of: the person is said not to be a public body"
    systems = {s.id: s for s in incident.systems}
    for i, d in enumerate(incident.data):
        if d.depicts is not None and d.depicts_real_person is False:
            yield f"data[{i}].depicts_real_person: false, but the image names a person in 'depicts'"
        system = systems.get(d.system) if d.system else None
        located = system.location if system is not None else None
        if isinstance(located, str) and d.stored_in is not None and located != d.stored_in:
            yield (
                f"data[{i}].stored_in: {d.stored_in} differs from the location of "
                f"system {d.system} ({located})"
            )
    ages = {p.id: p.age for p in incident.persons}
    for i, d in enumerate(incident.data):
        now = ages.get(d.depicts or "")
        if d.depicted_age is not None and now is not None and d.depicted_age > now:
            yield f"data[{i}].depicted_age: {d.depicted_age} is above the person's age ({now})"
    for i, a in enumerate(incident.acts):
        if a.mental_states and a.mental_state is not None:
            yield (
                f"acts[{i}].mental_states: give mental_state (for every element) or "
                "mental_states (element by element), not both"
            )
        means = a.circumstances.by_computer_system if a.circumstances else None
        said_no = means is False or (
            hasattr(means, "value") and getattr(means, "value", None) is False
        )
        if said_no and a.using is not None:
            yield f"acts[{i}].circumstances.by_computer_system: false, but the act names a system in 'using'"


def _cycles(incident: Incident) -> Iterator[str]:
    acts = {a.id: a.participates_in for a in incident.acts}
    origins = {p.id: p.origin.property if p.origin else None for p in incident.property}
    for name, links in (("acts", acts), ("property", origins)):
        for start in links:
            seen = {start}
            node = links.get(start)
            while node is not None and node in links:
                if node in seen:
                    field = "participates_in" if name == "acts" else "origin.property"
                    yield f"{name}[{start}].{field}: the chain of references loops back"
                    break
                seen.add(node)
                node = links.get(node)
