"""The network's request kinds, their service levels and the refusal grounds, as data.

Read from ``uncc/domain/data/cooperation.yaml`` (not restated in code): for each request
kind, what it asks for, the provisions it rests on, the domestic powers (Convention
model ids) whose order can execute it at the requested State, its default urgency and
its service levels; for each refusal ground, the provision relied on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from uncc.domain.message_parts import Urgency
from uncc.yaml12 import load_yaml

H = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ServiceLevel:
    """The deadlines for one urgency of one kind."""

    acknowledge: dt.timedelta
    answer: dt.timedelta
    preserve_at_least_days: int | None = None


@dataclass(frozen=True)
class RequestKind:
    """One kind of request: what it asks for, on what basis, executed by which orders."""

    name: str
    label: str
    provisions: tuple[str, ...]
    powers: frozenset[str]
    """The requested State's powers whose issued order executes it (none: no order)."""
    default_urgency: Urgency
    levels: dict[Urgency, ServiceLevel]
    outcomes: frozenset[str] = frozenset()
    """What an execution result of this kind may report."""

    def level(self, urgency: Urgency) -> ServiceLevel:
        """The service level for ``urgency`` (the kind's own, else the network default)."""
        return self.levels.get(urgency) or _data().defaults[urgency]


@dataclass(frozen=True)
class RefusalGround:
    """A reason code for refusing a request, with the provision relied on."""

    code: str
    provision: str | None
    label: str


@dataclass(frozen=True)
class Cooperation:
    """The whole file, parsed."""

    defaults: dict[Urgency, ServiceLevel]
    kinds: dict[str, RequestKind]
    grounds: dict[str, RefusalGround]
    suggestions: dict[str, str]
    """Provision that kept an order from being drafted → the refusal code it suggests."""
    words: dict[str, dict[str, str]]
    """``statuses``, ``messages``, ``fields`` and ``values``: stored names → words."""


def _level(raw: dict[str, Any]) -> ServiceLevel:
    return ServiceLevel(
        raw["acknowledge"] * H, raw["answer"] * H, raw.get("preserve_at_least_days")
    )


@cache
def _data() -> Cooperation:
    text = resources.files("uncc.domain.data").joinpath("cooperation.yaml").read_text("utf-8")
    raw = load_yaml(text)
    defaults = {Urgency(u): _level(v) for u, v in raw["urgencies"].items()}
    kinds = {
        name: RequestKind(
            name,
            k["label"],
            tuple(k["provisions"]),
            frozenset(k["powers"]),
            Urgency(k["default_urgency"]),
            {Urgency(u): _level(v) for u, v in (k.get("levels") or {}).items()},
            frozenset(k.get("outcomes") or ()),
        )
        for name, k in raw["kinds"].items()
    }
    grounds = {
        code: RefusalGround(code, g["provision"], g["label"])
        for code, g in raw["refusal_grounds"].items()
    }
    suggestions = {str(k): str(v) for k, v in (raw.get("refusal_suggestions") or {}).items()}
    words = {
        part: {str(k): str(v) for k, v in (raw.get(part) or {}).items()}
        for part in ("statuses", "messages", "fields", "values")
    }
    return Cooperation(defaults, kinds, grounds, suggestions, words)


def kinds() -> dict[str, RequestKind]:
    """Every request kind, by its message type."""
    return _data().kinds


def kind(name: str) -> RequestKind | None:
    """One request kind, or None for a message type that opens no request."""
    return _data().kinds.get(name)


def default_level(urgency: Urgency) -> ServiceLevel:
    """The network's default service level for ``urgency``."""
    return _data().defaults[urgency]


def refusal_grounds() -> dict[str, RefusalGround]:
    """Every refusal reason code with its provision."""
    return _data().grounds


def suggested_refusal(provision: str) -> RefusalGround | None:
    """The refusal ground an order refused under ``provision`` suggests, if any."""
    code = _data().suggestions.get(provision)
    return None if code is None else _data().grounds.get(code)


def _words(name: str) -> str:
    return name.replace("_", " ")


def status_words(status: str) -> str:
    """A request's status in words, the same on the requesting and the requested side."""
    return _data().words["statuses"].get(status, _words(status))


def message_label(kind_name: str) -> str:
    """What a message of a thread is called: a request kind's label, or the message's."""
    known = _data().kinds.get(kind_name)
    if known is not None:
        return known.label
    return _data().words["messages"].get(kind_name, _words(kind_name).capitalize())


def field_label(field: str, kind_name: str | None = None) -> str:
    """A body field's label (``cooperation.yaml``'s for the kind, or for any, else its name in words)."""
    labels = _data().words["fields"]
    return labels.get(f"{kind_name}.{field}") or labels.get(field, _words(field).capitalize())


def value_words(value: str) -> str:
    """A coded value in words (``cooperation.yaml``'s words, else its name in words)."""
    return _data().words["values"].get(value, _words(value))


def coded(value: str) -> bool:
    """True when ``cooperation.yaml`` gives words for the value."""
    return value in _data().words["values"]


def refusal_words(code: str) -> str:
    """A refusal reason code as its label with the provision relied on."""
    ground = _data().grounds.get(code)
    if ground is None:
        return _words(code)
    return f"{ground.label} [{ground.provision}]" if ground.provision else ground.label
