"""Missing facts as questions a prosecutor can act on, grouped by act, noise set aside.

The words come from data (``uncc/analysis/data/questions.yaml``: fact path pattern →
question template); this module matches paths, names the entities as the facts name them,
groups the questions by the act they concern, and sets aside the questions whose answer
cannot change any result the report shows:

- a question an entry marks ``relevant_when`` a condition the facts do not meet (e.g.
  "was property taken" for an act no property is linked to);
- a jurisdiction question for a State that already has jurisdiction over the same act on
  another ground it applies, whose facts already hold (the act was committed in its
  territory, say): that State has jurisdiction exactly when the offence is established,
  so nationality, presence or extradition cannot change it;
- a question about a fact the facts already state (a rule that needs more about what it
  refers to asks that separately, e.g. the kind of the data an act was aimed at).

Set-aside questions stay in the JSON report with the reason, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Any

import yaml

from uncc.analysis.engine import Analysis, StateResult
from uncc.analysis.facts import Act, Datum, Item, Person, Property, System
from uncc.analysis.logic import TRUE, UNKNOWN, Status
from uncc.analysis.trace import Missing, Trace
from uncc.analysis.world import World
from uncc.errors import ConventionDataError
from uncc.yaml12 import load_yaml

_CAPTURE = r"[^\[\],=]+"
_SLOT = re.compile(r"\{(\w+)\}")
_FIELD = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
_ACT_IN_PATH = re.compile(r"^acts\[([^\]]+)\]|caused_by=([^,\]]+)")
_FIELD_PATH = re.compile(r"^\w+\[([^\]=,]+)\]\.([\w.]+)$")


@dataclass(frozen=True)
class Template:
    """One entry of the questions file."""

    path: str
    ask: str
    relevant_when: str = ""

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The path as a regular expression capturing each ``{slot}``."""
        parts = _SLOT.split(self.path)
        regex = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part}>{_CAPTURE})"
            for i, part in enumerate(parts)
        )
        return re.compile(f"^{regex}$")

    @cached_property
    def ends(self) -> tuple[str, str]:
        """The text before the first ``{slot}`` and after the last: a matching path has both."""
        parts = _SLOT.split(self.path)
        return parts[0], parts[-1]


@dataclass(frozen=True)
class Question:
    """A missing fact as a question, with the act it concerns and why it was set aside."""

    path: str
    text: str
    act: str | None = None
    set_aside: str = ""
    """Empty when asked; otherwise why the answer cannot change a result shown."""


@cache
def templates() -> tuple[Template, ...]:
    """The bundled questions, in file order.

    Raises:
        ConventionDataError: the file is missing or malformed.
    """
    name = "questions.yaml"
    try:
        raw = load_yaml(
            resources.files("uncc.analysis.data").joinpath(name).read_text(encoding="utf-8")
        )
        found = tuple(Template(**entry) for entry in raw["questions"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ConventionDataError(f"{name}: malformed ({exc})") from None
    unknown = {t.relevant_when for t in found if t.relevant_when} - set(CONDITIONS)
    if unknown:
        raise ConventionDataError(f"{name}: unknown relevant_when {sorted(unknown)}")
    return found


def match(path: str) -> tuple[Template, dict[str, str]] | None:
    """The first template whose path matches, with the ids it captured."""
    for template in templates():
        start, end = template.ends
        if not (path.startswith(start) and path.endswith(end)):
            continue  # cannot match: the pattern (compiled on first use) is not needed
        found = template.pattern.match(path)
        if found:
            return template, found.groupdict()
    return None


def _named(entity: object, fallback: str) -> str:
    if isinstance(entity, Act):
        return entity.description or f"the act “{entity.id}”"
    if isinstance(entity, Person):
        return entity.name or f"“{entity.id}”"
    for kind, label in ((System, "system"), (Datum, "data"), (Property, "property")):
        if isinstance(entity, kind):
            return getattr(entity, "description", None) or f"the {label} “{entity.id}”"
    if isinstance(entity, Item):
        return entity.description or f"the item “{entity.id}”"
    return fallback


def _target_system(act: Act, world: World) -> str:
    target = world.get(act.object)
    if isinstance(target, System):
        return _named(target, "")
    if isinstance(target, Datum) and world.system(target.system) is not None:
        return _named(world.system(target.system), "")
    if world.system(act.using) is not None:
        return _named(world.system(act.using), "")
    return "the system concerned"


def _fill(template: Template, captured: dict[str, str], world: World) -> str:
    def one(found: re.Match[str]) -> str:
        slot, attribute = found.group(1), found.group(2)
        value = captured.get(slot, "")
        if slot in ("kind", "purpose"):
            return value.replace("_", " ")
        if slot == "state":
            return value
        entity = world.get(value)
        if attribute is None:
            return _named(entity, f"“{value}”")
        if not isinstance(entity, Act):
            return f"“{value}”"
        if attribute == "target_system":
            return _target_system(entity, world)
        if attribute == "by":
            return _named(world.person(entity.by), "the actor")
        return _named(world.get(getattr(entity, attribute, None)), "what it concerned")

    return _FIELD.sub(one, template.ask)


def phrase(missing: Missing, world: World) -> tuple[str, str]:
    """The question for a missing fact and its ``relevant_when`` condition (may be empty).

    A path no template matches keeps the rule's own words.
    """
    found = match(missing.path)
    if found is None:
        return (missing.question or f"What is {missing.path}?"), ""
    template, captured = found
    return _fill(template, captured, world), template.relevant_when


def _property_linked(world: World, act_id: str | None) -> bool:
    act = world.act(act_id)
    if act is None:
        return True
    if isinstance(world.get(act.object), Property):
        return True
    return any(p.origin is not None and p.origin.act == act.id for p in world.incident.property)


CONDITIONS: dict[str, tuple[Callable[[World, str | None], bool], str]] = {
    "property_linked_to_act": (
        _property_linked,
        "the facts link no property to this act (none came from it, it was not aimed at any)",
    ),
}
"""Conditions a question can be ``relevant_when``, by name: (world, act id) → relevant,
and the reason given when it does not hold."""


def stated(path: str, world: World) -> str | None:
    """The value the facts already give at a field path (``acts[a1].object``), or ``None``."""
    found = _FIELD_PATH.match(path)
    if found is None:
        return None
    value: Any = world.get(found.group(1))
    for name in found.group(2).split("."):
        if value is None or isinstance(value, list | str):
            return None
        value = value.get(name) if isinstance(value, dict) else getattr(value, name, None)
    if value is None or value == []:
        return None
    return str(getattr(value, "value", value))


def _act_of(path: str, context: str | None) -> str | None:
    found = _ACT_IN_PATH.search(path)
    if found:
        return found.group(1) or found.group(2)
    return context


def _jurisdiction(result: StateResult) -> Iterator[tuple[Missing, str | None, str]]:
    """The missing facts of a State's undetermined jurisdiction, with act and set-aside reason."""
    if result.jurisdiction.status is not Status.UNDETERMINED:
        return
    acts = {id(f.trace): f.act for f in result.findings}
    by_finding: dict[int, list[tuple[str, Trace]]] = {}
    for ground in result.jurisdiction.grounds:
        if not ground.adopted:
            continue
        for pair in ground.trace.children:
            if len(pair.children) == 2:
                offence, node = pair.children
                by_finding.setdefault(id(offence), []).append((ground.ground, node))
    for key, nodes in by_finding.items():
        holding = [g for g, node in nodes if node.outcome is TRUE]
        for _, node in nodes:
            if node.outcome is not UNKNOWN:
                continue
            reason = (
                f"{result.state} has jurisdiction over this act on the "
                f"{holding[0].replace('_', ' ')} ground whenever the offence is established"
                if holding
                else ""
            )
            for missing in node.missing:
                yield missing, acts.get(key), reason


def _collected(analysis: Analysis) -> Iterator[tuple[Missing, str | None, str]]:
    for finding in analysis.baseline:
        yield from ((m, finding.act, "") for m in finding.missing)
    for result in analysis.states:
        for finding in result.findings:
            yield from ((m, finding.act, "") for m in finding.missing)
        yield from _jurisdiction(result)
        # A measure's conditions include the State's jurisdiction (41(1)): those facts are
        # weighed above, ground by ground, and not asked again here.
        jurisdiction = {m.path for m in result.jurisdiction.trace.missing}
        for measure in result.measures:
            yield from (
                (m, None, "")
                for m in (*measure.trace.missing, *measure.route_missing)
                if m.path not in jurisdiction
            )
        if result.jurisdiction.status is not Status.NOT_ESTABLISHED:
            # When the act happened and whether the offender evaded justice decide a time
            # bar; a profile with no period at all is reported once in the limitation
            # section, not asked offence by offence.
            for limit in result.limitations:
                if limit.years is None:
                    continue  # without a period, neither the date nor evasion gives a deadline
                yield from ((m, limit.act, "") for m in limit.missing)


def questions(analysis: Analysis) -> list[Question]:
    """Every missing fact once, as a question; set-aside ones carry their reason.

    A fact needed by any result is asked, even if another result could do without it.
    """
    world = World(analysis.incident)
    seen: dict[str, Question] = {}
    for missing, context, moot in _collected(analysis):
        act = _act_of(missing.path, context)
        text, condition = phrase(missing, world)
        reason = moot
        given = stated(missing.path, world)
        if not reason and given is not None:
            reason = f"already stated in the facts ({missing.path} = {given})"
        if not reason and condition:
            relevant, why = CONDITIONS[condition]
            reason = "" if relevant(world, act) else why
        known = seen.get(missing.path)
        if known is None:
            seen[missing.path] = Question(missing.path, text, act, reason)
        elif known.set_aside and not reason:
            seen[missing.path] = Question(missing.path, text, known.act or act, "")
    return list(seen.values())


def grouped(items: Iterable[dict[str, Any]]) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """JSON questions grouped by act (first appearance order), the case-wide ones last."""
    groups: dict[str | None, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item.get("act"), []).append(item)
    general = groups.pop(None, [])
    out: list[tuple[str | None, list[dict[str, Any]]]] = list(groups.items())
    if general:
        out.append((None, general))
    return out
