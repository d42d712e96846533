"""The printable documents' contents: an order, a request, an admissibility report.

Each builder reads the record as its reader may see it (the same role rules and audit
as the record's own page) and lays it out as ``domain.documents.Document``: its fields
in words, the provisions it rests on (from the Convention model and cooperation.yaml),
who authorised it and when, and its deadlines. ``services.documents`` issues them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from uncc.convention.catalogue import load_convention
from uncc.domain import cooperation
from uncc.domain.documents import Document, Line, Section
from uncc.domain.message_view import provision_words, view
from uncc.domain.orders import Order
from uncc.services.admissibility import admissibility
from uncc.services.context import NodeContext, Principal
from uncc.services.identity import NodeInfo
from uncc.services.network.conversations import Conversation, get_conversation
from uncc.services.order_links import answered_request
from uncc.services.orders import get_order


def _when(moment: dt.datetime | str | None) -> str:
    if moment is None:
        return "-"
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _offences(ids: tuple[str, ...] | list[str]) -> tuple[tuple[str, ...], list[str]]:
    """Offences in words with their provisions, and those provisions."""
    named: dict[str, Any] = {str(o.id): o for _, o in load_convention().offences()}
    shown, basis = [], []
    for offence in ids:
        found = named.get(offence)
        if found is None:
            shown.append(offence.replace("_", " "))
            continue
        shown.append(f"{found.name} [{provision_words(found.at)}]")
        basis.append(f"{provision_words(found.at)} ({found.name})")
    return tuple(shown), basis


def _shell(
    node: NodeInfo, who: Principal, now: dt.datetime, head: dict[str, Any]
) -> dict[str, Any]:
    return {
        "state": node.state,
        "authority": node.name,
        "issued_at": now.astimezone(dt.UTC).isoformat(),
        "issued_by": who.user,
        "head": head,
    }


def order_document(
    ctx: NodeContext, who: Principal, order_id: str, node: NodeInfo, head: dict[str, Any]
) -> Document:
    """An order as a document (read as ``get_order`` reads it: need to know, audited)."""
    order = get_order(ctx, who, order_id)
    answers = answered_request(ctx, who, order)  # only for readers who may see requests
    power = next((p for _, p in load_convention().powers() if p.id == order.power), None)
    offences, offence_basis = _offences(order.offences)
    basis = []
    if power is not None:
        basis.append(f"{provision_words(power.at)} ({power.name})")
        basis += [provision_words(p) for p in power.subject_to]
    fields = (
        Line("Case", order.case_id),
        *(
            (Line("In answer to request", f"{answers.reference} of {answers.peer} ({answers.id})"),)
            if answers is not None
            else ()
        ),
        Line("Power", power.name if power is not None else order.power.replace("_", " ")),
        Line("State of the order", order.state.value.replace("_", " ")),
        Line("Offences", offences),
        Line(
            "Targets",
            tuple(
                f"{t.id} ({t.kind.replace('_', ' ')}{', in ' + t.location if t.location else ''})"
                + (f": {t.description}" if t.description else "")
                for t in order.targets
            ),
        ),
        Line("Grounds", order.grounds),
        Line("Scope", order.scope),
        Line("Necessity", order.necessity),
        Line("Proportionality", order.proportionality),
        Line(
            "Confidential",
            f"yes [{provision_words(order.confidential)}]" if order.confidential else "no",
        ),
    )
    return Document(
        kind="order",
        object=order.id,
        title=f"Order {order.id}: {power.name if power else order.power}",
        sections=(Section("The order", fields),),
        legal_basis=tuple(basis + offence_basis),
        authorisation=_authorisation(order),
        deadlines=_deadlines(order),
        **_shell(node, who, ctx.clock(), head),
    )


_DONE = {"authorise": "Authorised", "issue": "Issued", "renew": "Renewed", "revoke": "Revoked"}


def _authorisation(order: Order) -> tuple[Line, ...]:
    lines = [Line("Drafted", f"{order.created_by}, {_when(order.created_at)}")]
    for event in order.history:
        if event.command.value in _DONE:
            said = f"{event.actor}, {_when(event.at)}" + (f" - {event.note}" if event.note else "")
            lines.append(Line(_DONE[event.command.value], said))
    if order.requires_authorisation and order.authorised_by is None:
        lines.append(Line("Authorised", "not yet: a judge must authorise this order"))
    return tuple(lines)


def _deadlines(order: Order) -> tuple[Line, ...]:
    lines = []
    if order.duration_days is not None:
        lines.append(Line("Period", f"{order.duration_days} days"))
    if order.issued_at is not None:
        lines.append(Line("In force from", _when(order.issued_at)))
    if order.expires_at is not None:
        lines.append(Line("Expires", _when(order.expires_at)))
    if order.renewals:
        lines.append(Line("Renewals", str(order.renewals)))
    return tuple(lines)


def request_document(
    ctx: NodeContext, who: Principal, conversation_id: str, node: NodeInfo, head: dict[str, Any]
) -> Document:
    """A request (sent or received) as a document, its fields as the thread shows them."""
    found: Conversation = get_conversation(ctx, who, conversation_id)
    shown = view(found.kind, found.request)
    lines = tuple(
        Line(
            r.label,
            r.items
            or tuple(f"{p.label}: {p.text or ', '.join(p.items)}" for p in r.parts)
            or r.text,
        )
        for r in shown.rows
    )
    kind = cooperation.kind(found.kind)
    offences = found.request.get("offences", [])
    _, offence_basis = _offences(list(offences) if isinstance(offences, list) else [])
    basis = [provision_words(p) for p in (kind.provisions if kind else ())] + offence_basis
    parties = (
        Line("Requesting State", node.state if found.direction == "out" else found.peer),
        Line("Requested State", found.peer if found.direction == "out" else node.state),
        Line("Request", found.id),
        Line("Status", cooperation.status_words(found.status)),
        Line("Our case", found.case_id or "-"),
    )
    sent = next((t for t in found.thread if t["type"] == found.kind), None)
    return Document(
        kind="request",
        object=found.id,
        title=f"{shown.title}: {found.reference}",
        sections=(Section("The parties", parties), Section("The request", lines)),
        legal_basis=tuple(basis),
        authorisation=(
            Line("Sent", f"{sent['sender'] if sent else found.peer}, {_when(found.created_at)}"),
            Line("Urgency", found.urgency),
        ),
        deadlines=(
            Line("Acknowledge by", _when(found.acknowledge_by)),
            Line("Answer by", _when(found.answer_by)),
        ),
        **_shell(node, who, ctx.clock(), head),
    )


def admissibility_document(
    ctx: NodeContext, who: Principal, evidence_id: str, node: NodeInfo, head: dict[str, Any]
) -> Document:
    """The Art. 49 admissibility report of an item as a document."""
    report = admissibility(ctx, who, evidence_id)
    item, acq, order = report["item"], report["acquisition"], report["order"]
    checkpoint = report["checkpoint"] or {}
    custody = report["custody"]
    fields = (
        Line("Item", f"{item['id']} - {item['filename']} ({item['size']} bytes)"),
        Line(
            "Case", f"{report['case']['id']}: {report['case']['title']}" if report["case"] else "-"
        ),
        Line("SHA-256 at acquisition", item["sha256"]),
        Line("SHA-256 now", item["sha256_now"]),
        Line("Intact", "yes" if item["intact"] else "NO: the content changed"),
        Line(
            "Acquired",
            f"{_when(acq.get('at'))} by {acq.get('by', '?')}, tool "
            f"{acq.get('tool') or '?'} {acq.get('tool_version') or ''}".strip(),
        ),
        Line(
            "Custody",
            f"{len(custody)} event(s), each proven included: {'yes' if all(e['included'] for e in custody) else 'NO'}",
        ),
        Line(
            "Signed checkpoint",
            f"size {checkpoint.get('size', '-')}, root {checkpoint.get('root', '-')}, "
            f"signature {'valid' if checkpoint.get('signature_valid') else 'not valid or not checked'}",
        ),
    )
    basis = [provision_words(report["provision"]) + " (admissibility of forensic evidence)"]
    authorisation: list[Line] = []
    if order and not order.get("withheld"):
        _, offence_basis = _offences(order.get("offences", []))
        basis += offence_basis
        authorisation.append(
            Line("Order", f"{order['id']} ({str(order['power']).replace('_', ' ')})")
        )
        for event in order.get("history", []):
            if event["command"] in ("authorise", "issue", "renew", "revoke"):
                authorisation.append(
                    Line(_DONE[event["command"]], f"{event['actor']}, {_when(event['at'])}")
                )
    elif order:
        authorisation.append(
            Line("Order", "withheld from this reader (confidential: no need to know)")
        )
    else:
        authorisation.append(Line("Order", "no order recorded for the acquisition"))
    return Document(
        kind="admissibility",
        object=item["id"],
        title=f"Admissibility report (Art. 49): evidence {item['id']}",
        sections=(Section("The item and its custody", fields),),
        legal_basis=tuple(basis),
        authorisation=tuple(authorisation),
        deadlines=(),
        **_shell(node, who, ctx.clock(), head),
    )
