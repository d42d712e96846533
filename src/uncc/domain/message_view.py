"""A network message as people read it: its kind's name, labelled fields, values in words.

The fields come in the order of the message's model (``domain.messages.REGISTRY``), the
labels and value words from ``cooperation.yaml`` (a field without one reads as its name
in words), offences as their Convention names with their provision, refusal codes as
their ground with the provision relied on, flags as yes/no, times as UTC minutes, and
long opaque ids (UUIDs, hashes) shortened. Nothing is shown as JSON. A record of ours
a field names (our order, our case) comes with a reference the web turns into a link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from uncc.convention.catalogue import load_convention
from uncc.domain.cooperation import (
    coded,
    field_label,
    message_label,
    refusal_words,
    status_words,
    value_words,
)
from uncc.domain.messages import REGISTRY
from uncc.domain.references import REFERENCE

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_HEX = re.compile(r"^[0-9a-f]{40,}$")
_CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z]+$")
_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:00)?$")
HIDDEN = frozenset({"facts"})
"""Fields summarised rather than shown (the incident facts go to the case's analysis)."""
HEADLINE = {
    "refusal": "reason",
    "execution_result": "outcome",
    "status_update": "status",
    "hearing_record": "outcome",
    "conviction_answer": "found",
    "consent_answer": "granted",
    "assistance_answer": "answer",
    "consultation": "text",
}
"""Message kind → the field that says in a word what the message is about."""
OURS = {"order": "order"}
"""Fields naming a record of the sender's node: in a message we sent, a link to it."""


@dataclass(frozen=True)
class Row:
    """One field of a message: its label and its value in words, or its parts."""

    field: str
    label: str
    text: str = ""
    items: tuple[str, ...] = ()
    """A list of values, one a line."""
    parts: tuple[Row, ...] = ()
    """A nested part (a contact, a hop), field by field."""
    ref: tuple[str, str] | None = None
    """(kind, id) of a record of this node the field names: 'order', 'case'."""


@dataclass(frozen=True)
class MessageView:
    """A message of a thread, typed for reading."""

    kind: str
    title: str
    headline: str
    rows: tuple[Row, ...]


@cache
def _offences() -> dict[str, str]:
    convention = load_convention()
    return {o.id: f"{o.name} [{o.at}]" for _, o in convention.offences()}


def short(value: str) -> str:
    """A long opaque id shortened to its first characters; anything else unchanged."""
    if _UUID.match(value):
        return value[:8]
    if _HEX.match(value):
        return f"{value[:12]}…"
    return value


def provision_words(provision: str) -> str:
    """A provision id in the way lawyers cite it: ``art_45__para_1__point_b`` → Art. 45(1)(b).

    Anything else (a provision of another treaty, already in words) is left as it is.
    """
    parts = provision.split("__")
    if not parts[0].startswith("art_"):
        return provision
    cited = f"Art. {parts[0][4:]}"
    for part in parts[1:]:
        _, _, number = part.partition("_")
        cited += f"({number})"
    return cited


_PROVISION = re.compile(r"\[(art_[a-z0-9_]+)\]")


def words(field: str, value: Any) -> str:
    """One value in words, as the field means it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, str):
        return str(value)
    if field in ("reason", "grounds"):
        return _PROVISION.sub(lambda m: f"[{provision_words(m[1])}]", refusal_words(value))
    if field == "offences":
        named = _offences().get(value, value.replace("_", " "))
        return _PROVISION.sub(lambda m: f"[{provision_words(m[1])}]", named)
    if field in ("provision", "provisions"):
        return provision_words(value)
    if field == "status" and value not in ("new", "extension"):
        return status_words(value)  # a status update's; a preservation request's is new/extension
    moment = _MOMENT.match(value)
    if moment:
        zone = " UTC" if moment[3] else ""
        return f"{moment[1]} {moment[2]}{zone}"
    if _CODE.match(value) or coded(value):
        return value_words(value)
    return short(value)


def _empty(value: Any) -> bool:
    return value is None or value in ("", [], {})


def row(field: str, value: Any, *, ours: bool = False, kind: str | None = None) -> Row | None:
    """A field (of a message of ``kind``) as a row (None when it holds nothing)."""
    if _empty(value):
        return None
    label = field_label(field, kind)
    if field == "custody" and isinstance(value, Mapping):
        events = sum(len(v) for v in value.get("leaves", {}).values())
        return Row(
            field,
            "Custody",
            f"{events} custody event(s), each with its proof in the sender's signed log of "
            f"{value.get('tree_size')} entries ({words('at', value.get('checkpoint_at'))})",
        )
    if isinstance(value, Mapping):
        return Row(field, label, parts=parts(value))
    if isinstance(value, list):
        if all(isinstance(v, Mapping) for v in value):
            return Row(field, label, items=tuple(line(v) for v in value))
        return Row(field, label, items=tuple(words(field, v) for v in value))
    ref = (OURS[field], str(value)) if ours and field in OURS else None
    return Row(field, label, words(field, value), ref=ref)


def parts(value: Mapping[str, Any]) -> tuple[Row, ...]:
    """A nested part's fields as rows."""
    return tuple(r for k, v in value.items() if (r := row(str(k), v)) is not None)


def line(value: Mapping[str, Any]) -> str:
    """A nested part in one line: its values, labelled where a bare value would not say."""
    shown = []
    for key, item in value.items():
        if _empty(item):
            continue
        if isinstance(item, Mapping):
            shown.append(f"{field_label(str(key))}: {line(item)}")
        elif isinstance(item, list):
            shown.append(f"{field_label(str(key))}: {', '.join(words(str(key), i) for i in item)}")
        else:
            shown.append(f"{field_label(str(key))}: {words(str(key), item)}")
    return "; ".join(shown)


def view(kind: str, body: Mapping[str, Any], *, ours: bool = False) -> MessageView:
    """A message for reading; ``ours`` when this node sent it (its records are linked)."""
    model = REGISTRY.get((kind, 1))
    order = list(model.model_fields) if model is not None else []
    keys = [k for k in order if k in body] + [k for k in body if k not in order]
    rows = [
        r
        for k in keys
        if k not in HIDDEN and (r := row(k, body[k], ours=ours, kind=kind)) is not None
    ]
    if body.get("facts"):
        rows.append(
            Row("facts", "Incident facts", "attached, for the requested State's own analysis")
        )
    case = REFERENCE.match(str(body.get("reference", "")))
    if kind == "acknowledgment" and ours and case is not None and case["kind"] == "C":
        rows = [
            Row(r.field, "Our case", r.text, ref=("case", str(body["reference"])))
            if r.field == "reference"
            else r
            for r in rows
        ]
    field = HEADLINE.get(kind)
    headline = words(field, body.get(field)) if field and field in body else ""
    return MessageView(kind, message_label(kind), headline, tuple(rows))
