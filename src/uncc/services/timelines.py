"""What happened in a case, and to an evidence item, as moments for a timeline.

The case timeline gathers the acts of the facts the case was opened from, every move
of its orders (drafted, submitted, authorised, issued, renewed, expired, revoked…) and
the expiry still ahead of an issued one, the evidence taken in, and the messages sent to
and received from other States about it. Each source is what the reader may already
see (the services that fetched them applied the policy and need to know); this module
only puts them in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from uncc.domain.evidence import EvidenceItem
from uncc.domain.orders import Order, OrderState
from uncc.services.evidence import CustodyEntry
from uncc.services.network.conversations import Conversation
from uncc.services.reports.pictures import Moment, in_order

PAST = {
    "submit": "submitted for authorisation",
    "authorise": "authorised",
    "refuse": "refused",
    "issue": "issued",
    "renew": "renewed",
    "execute": "executed",
    "expire": "expired",
    "revoke": "revoked",
}
"""How a move of an order reads in a timeline (a command → what the order became)."""

CUSTODY_WORDS = {
    "acquired": "taken into the vault",
    "transferred": "transferred",
    "examined": "examined",
    "copied": "copied",
    "sealed": "sealed (Art. 46(3)(d))",
    "released": "released",
    "exported": "exported",
    "verified": "verified",
    "tagged": "tagged",
    "untagged": "tag removed",
    "annotated": "annotated",
    "downloaded": "downloaded",
}


def when_of(value: Any) -> dt.datetime | None:
    """A time from the facts (an ISO date or date-time, or a parsed one); None when unknown."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def act_moments(facts: dict[str, Any]) -> list[Moment]:
    """The acts of the incident, each with who did what to what (undated ones included)."""
    out = []
    for act in facts.get("acts") or []:
        if not isinstance(act, dict):
            continue
        words = [str(act.get(k)) for k in ("by", "conduct", "object") if act.get(k)]
        label = f"act {act.get('id', '?')}: {' '.join(words)}"
        if act.get("acted_in"):
            label += f" (from {act['acted_in']})"
        out.append(Moment(when_of(act.get("when")), "act", label))
    return out


def order_moments(orders: Iterable[Order], now: dt.datetime) -> list[Moment]:
    """Each order's drafting, every move since, and the expiry of an issued one ahead."""
    out = []
    for order in orders:
        href = f"/orders/{order.id}"
        name = f"order {order.id} ({order.power.replace('_', ' ')})"
        out.append(Moment(order.created_at, "order", f"{name} drafted by {order.created_by}", href))
        for event in order.history:
            done = PAST.get(event.command.value, event.command.value)
            out.append(Moment(event.at, "order", f"{name} {done} by {event.actor}", href))
        if order.state is OrderState.ISSUED and order.expires_at is not None:
            due = "expires" if order.expires_at > now else "expired (not yet recorded)"
            out.append(Moment(order.expires_at, "order", f"{name} {due}", href))
    return out


def evidence_moments(items: Iterable[EvidenceItem]) -> list[Moment]:
    """Each item taken into the vault."""
    out = []
    for item in items:
        label = f"{item.id} taken in: {item.filename} by {item.acquisition.by}"
        if item.acquisition.order_id:
            label += f" under {item.acquisition.order_id}"
        out.append(Moment(item.acquisition.at, "evidence", label, f"/evidence/{item.id}"))
    return out


def message_moments(conversations: Iterable[Conversation], case_id: str) -> list[Moment]:
    """The messages of the case's requests, sent and received."""
    out = []
    for found in conversations:
        if found.case_id != case_id:
            continue
        href = f"/network/requests/{found.id}"
        for message in found.thread:
            what = str(message.get("type", "message")).replace("_", " ")
            if message.get("direction") == "out":
                label = f"sent to {found.peer}: {what}"
            else:
                label = f"received from {message.get('sender') or found.peer}: {what}"
            out.append(Moment(message["at"], "message", f"{label} ({found.reference})", href))
    return out


def case_timeline(
    facts: dict[str, Any],
    orders: Iterable[Order],
    items: Iterable[EvidenceItem],
    conversations: Iterable[Conversation],
    *,
    case_id: str,
    now: dt.datetime,
) -> list[Moment]:
    """Everything the reader may see of the case, in order (undated acts last)."""
    return in_order(
        [
            *act_moments(facts),
            *order_moments(orders, now),
            *evidence_moments(items),
            *message_moments(conversations, case_id),
        ]
    )


def _custody_kind(kind: str) -> str:
    if kind in {"sealed", "released"}:
        return "seal"
    if kind in {"tagged", "untagged"}:
        return "tag"
    if kind == "annotated":
        return "note"
    return "custody"


def custody_label(kind: str, actor: str, details: dict[str, Any]) -> str:
    """One custody event in words: what happened, by whom, and its telling detail."""
    label = f"{CUSTODY_WORDS.get(kind, kind)} by {actor}"
    if details.get("received_from"):
        label += f", received from {details['received_from']}"
    if details.get("to"):
        label += f", to {details['to']}"
    if details.get("tag"):
        label += f": {details['tag']}"
    if details.get("text"):
        label += f": {details['text']}"
    if details.get("note"):
        label += f" ({details['note']})"
    return label


def custody_timeline(chain: Iterable[CustodyEntry]) -> list[Moment]:
    """An item's chain of custody as moments (already in log order)."""
    return [
        Moment(
            e.event.at,
            _custody_kind(e.event.kind.value),
            f"#{e.event.seq} " + custody_label(e.event.kind.value, e.event.actor, e.event.details),
        )
        for e in chain
    ]
