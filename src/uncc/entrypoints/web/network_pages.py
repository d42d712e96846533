"""The network pages: inbox and outbox with timers, composing and answering, experts, hits."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain import cooperation
from uncc.domain.conversations import ANSWERS as FITTING
from uncc.domain.messages import problems
from uncc.domain.policy import Action, allowed
from uncc.entrypoints.web.compose_forms import COMMON, FORMS, measure_body
from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import evidence, path_trace, request_drafts
from uncc.services.context import Principal
from uncc.services.network import deconfliction, experts, outbox, requests, transfer
from uncc.services.network import directory as network_directory
from uncc.services.network.transport import Transport
from uncc.services.request_drafts import Draft

ANSWER_KINDS = (
    "acknowledgment",
    "status_update",
    "execution_result",
    "traffic_disclosure",
    "refusal",
    "assistance_answer",
    "hearing_record",
    "consultation",
)
COMPOSE = {
    "preservation_request": "Expedited preservation of stored data (Arts. 43, 56)",
    "assistance_request": "Assistance from the other State's experts (Art. 56(3))",
    **{kind: cooperation.kinds()[kind].label for kind in FORMS},
}


def _text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _body(kind: str, data: FormData) -> dict[str, Any]:
    """A message body from the compose form's fields."""
    contact = {
        "name": _text(data, "contact_name"),
        "phone": _text(data, "contact_phone") or None,
        "email": _text(data, "contact_email") or None,
        "office_hours": _text(data, "office_hours") or "24/7",
        "time_zone": _text(data, "time_zone") or "UTC",
    }
    if kind in FORMS:
        return measure_body(kind, data, contact)
    if kind == "assistance_request":
        return {
            "needed": _text(data, "needed"),
            "expertise": _lines(_text(data, "expertise")),
            "urgency": _text(data, "urgency") or "urgent",
            "languages": _lines(_text(data, "languages")) or ["en"],
            "contact": contact,
            "reference": _text(data, "reference"),
        }
    stored = []
    for line in _lines(_text(data, "data")):
        description, _, link = line.partition("|")
        stored.append({"description": description.strip(), "link_to_offence": link.strip()})
    days = _text(data, "preserve_days")
    body: dict[str, Any] = {
        "requesting_authority": _text(data, "requesting_authority"),
        "reference": _text(data, "reference"),
        "status": _text(data, "status") or "new",
        "offences": [str(o) for o in data.getlist("offences")]
        or _lines(_text(data, "offence_ids")),
        "summary_of_facts": _text(data, "summary_of_facts"),
        "data": stored,
        "custodian": _text(data, "custodian"),
        "necessity": _text(data, "necessity"),
        "formal_request_to_follow": bool(data.get("formal_request_to_follow")),
        "preserve_days": int(days) if days.isdigit() else 90,
        "urgency": _text(data, "urgency") or "preservation",
        "contact": contact,
        "preferred_channel": _text(data, "preferred_channel") or "i24-7",
    }
    if _text(data, "earlier_reference"):
        body["earlier_reference"] = _text(data, "earlier_reference")
    return body


def hops(text: str) -> list[dict[str, str | None]]:
    """The hops of a traffic disclosure, one a line: ``provider | State | address | time``.

    The first line is our provider; the last, the previous hop the communication came from.
    """
    out: list[dict[str, str | None]] = []
    for line in _lines(text):
        provider, state, address, at = ([*(p.strip() for p in line.split("|")), "", "", ""])[:4]
        out.append(
            {
                "provider": provider,
                "state": state or None,
                "address": address or None,
                "at": at or None,
            }
        )
    return out


def form_values(draft: Draft) -> dict[str, str]:
    """The compose form's fields from a request drafted from the case."""
    body = draft.body
    contact = body.get("contact", {})
    return {
        "recipient": draft.to,
        "reference": str(body.get("reference", "")),
        "requesting_authority": str(body.get("requesting_authority", "")),
        "offence_ids": "\n".join(body.get("offences", [])),
        "summary_of_facts": str(body.get("summary_of_facts", "")),
        "data": "\n".join(
            f"{d['description']} | {d['link_to_offence']}" for d in body.get("data", [])
        ),
        "custodian": str(body.get("custodian", "")),
        "necessity": str(body.get("necessity", "")),
        "formal_request_to_follow": "1",
        "urgency": str(body.get("urgency", "preservation")),
        "contact_name": str(contact.get("name", "")),
        "contact_phone": str(contact.get("phone") or ""),
        "contact_email": str(contact.get("email") or ""),
        "office_hours": str(contact.get("office_hours", "24/7")),
        "time_zone": str(contact.get("time_zone", "UTC")),
    }


_FIELD = re.compile(r"^([a-z_]+)(?:\.\d+)?(?:\.([a-z_]+))?: (.*)$")


def field_errors(found: list[str]) -> dict[str, str]:
    """``field: reason`` problems mapped to the form's field names (shown next to them)."""
    errors: dict[str, str] = {}
    for problem in found:
        match = _FIELD.match(problem)
        if match is None:
            errors.setdefault("form", problem)
            continue
        name, sub, reason = match.groups()
        key = f"contact_{sub}" if name == "contact" and sub in ("name", "phone", "email") else name
        key = {"offences": "offence_ids"}.get(key, key)
        if name == "contact" and sub is None:
            key = "contact_phone"
        errors.setdefault(key, reason)
    return errors


def install(app: FastAPI, pages: Pages, transport: Transport, kick: Callable[[], None]) -> None:
    """Add the network pages."""
    ctx = pages.ctx

    @app.get("/network", include_in_schema=False)
    @page(pages)
    def network_home(request: Request, who: Principal) -> Response:
        with ctx.engine.connect() as conn:
            cfg = network_directory.config(conn)
        conversations = requests.list_conversations(ctx, who)
        return pages.render(
            request,
            "network.html",
            who,
            title=N_("Network"),
            cfg=cfg,
            inbox=[c for c in conversations if c.direction == "in"],
            sent=[c for c in conversations if c.direction == "out"],
            queue=outbox.list_outbox(ctx, who)[:50],
            hits=deconfliction.hits_of(ctx, who),
            now=ctx.clock(),
            compose=COMPOSE,
        )

    @app.get("/network/requests/{conversation_id}", include_in_schema=False)
    @page(pages)
    def request_page(request: Request, who: Principal, conversation_id: str) -> Response:
        c = requests.get_conversation(ctx, who, conversation_id)
        items = []
        if (
            c.case_id
            and c.direction == "in"
            and any(allowed(r, Action.EVIDENCE_SEND) for r in who.roles)
        ):
            items = evidence.list_evidence(ctx, who, c.case_id)
        offered = c.direction == "out" and any(t["type"] == "evidence_transfer" for t in c.thread)
        step = path_trace.next_step(ctx, who, conversation_id)
        return pages.render(
            request,
            "request.html",
            who,
            title=f"Request {c.reference}",
            c=c,
            now=ctx.clock(),
            answer_kinds=[k for k in ANSWER_KINDS if k in FITTING.get(c.kind, ())],
            refusal_grounds=cooperation.refusal_grounds(),
            items=items,
            offered=offered,
            step=step,
        )

    @app.post("/network/requests/{conversation_id}/answer", include_in_schema=False)
    @page(pages, form=True)
    def answer(request: Request, who: Principal, data: FormData, conversation_id: str) -> Response:
        kind = _text(data, "kind")
        body: dict[str, Any]
        if kind == "acknowledgment":
            body = {
                "reference": _text(data, "reference") or conversation_id,
                "note": _text(data, "text"),
            }
        elif kind == "status_update":
            body = {"status": _text(data, "status"), "note": _text(data, "text")}
        elif kind == "execution_result":
            body = {"outcome": _text(data, "outcome"), "details": _text(data, "text")}
            if _text(data, "order"):
                body["order"] = _text(data, "order")
        elif kind == "traffic_disclosure":
            body = {
                "reference": _text(data, "reference") or conversation_id,
                "path": hops(_text(data, "hops")),
                "order": _text(data, "order"),
            }
        elif kind == "refusal":
            body = {
                "reason": _text(data, "reason"),
                "detail": _text(data, "text"),
                "scope": _text(data, "scope") or "whole",
                "refused": _lines(_text(data, "refused")),
                "conditions": _lines(_text(data, "conditions")),
            }
        elif kind == "hearing_record":
            body = {
                "outcome": _text(data, "hearing_outcome"),
                "presided_by": _text(data, "presided_by"),
                "notes": _text(data, "text"),
            }
            if _text(data, "held_at"):
                body["held_at"] = _text(data, "held_at")
        elif kind == "assistance_answer":
            body = {"answer": _text(data, "text")}
        else:
            body = {"text": _text(data, "text")}
        requests.answer(ctx, who, conversation_id, kind, body)
        kick()
        return redirect(
            f"/network/requests/{conversation_id}",
            ok=f"{kind.replace('_', ' ')} queued for delivery",
        )

    @app.post("/network/requests/{conversation_id}/evidence", include_in_schema=False)
    @page(pages, form=True)
    def send_evidence(
        request: Request, who: Principal, data: FormData, conversation_id: str
    ) -> Response:
        chosen = [str(i) for i in data.getlist("items")]
        if not chosen:
            raise UserInputError("items: choose at least one evidence item")
        transfer.send_evidence(ctx, who, conversation_id, chosen)
        kick()
        return redirect(
            f"/network/requests/{conversation_id}",
            ok=f"{len(chosen)} item(s) sent with their custody",
        )

    @app.post("/network/requests/{conversation_id}/accept", include_in_schema=False)
    @page(pages, form=True)
    def accept(request: Request, who: Principal, data: FormData, conversation_id: str) -> Response:
        taken = transfer.accept_evidence(ctx, who, conversation_id, transport)
        return redirect(
            f"/network/requests/{conversation_id}",
            ok=f"verified and taken in: {', '.join(taken) or 'nothing new'}",
        )

    @app.get("/network/compose", include_in_schema=False)
    @page(pages)
    def compose_form(
        request: Request,
        who: Principal,
        kind: str = "preservation_request",
        case: str = "",
        to: str = "",
        measure: str = "preservation",
    ) -> Response:
        if kind not in COMPOSE:
            raise UserInputError(f"kind '{kind}': expected one of {', '.join(COMPOSE)}")
        if case and to and kind == "preservation_request":  # filled from the case's analysis
            draft = request_drafts.draft_request(ctx, who, case, measure=measure, to=to)
            return _compose(request, who, kind, case, form_values(draft), {}, check=draft)
        return _compose(request, who, kind, case, {}, {})

    def _compose(
        request: Request,
        who: Principal,
        kind: str,
        case: str,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
        check: Any = None,
    ) -> Response:
        with ctx.engine.connect() as conn:
            members = [m for m in network_directory.directory(conn).members if "hub" not in m.roles]
        return pages.render(
            request,
            "compose.html",
            who,
            status,
            title=COMPOSE[kind],
            kind=kind,
            case=case,
            values=values,
            errors=errors,
            members=members,
            me=pages.node().state,
            fields=(*COMMON, *FORMS[kind]) if kind in FORMS else (),
            kinds=COMPOSE,
            default_urgency=(
                cooperation.kinds()[kind].default_urgency.value
                if kind in cooperation.kinds()
                else "urgent"
            ),
            check=check,
        )

    @app.post("/network/compose", include_in_schema=False)
    @page(pages, form=True)
    def compose(request: Request, who: Principal, data: FormData) -> Response:
        kind = _text(data, "kind")
        if kind not in COMPOSE:
            raise UserInputError(f"kind '{kind}': expected one of {', '.join(COMPOSE)}")
        values = {k: _text(data, k) for k in data if k != "csrf"}
        body = _body(kind, data)
        case = _text(data, "case")
        found = problems(kind, 1, body)
        recipient = _text(data, "recipient")
        if not recipient:
            found.append("recipient: choose the requested State")
        if found:
            return _compose(request, who, kind, case, values, field_errors(found), 422)
        sent = requests.send_request(
            ctx, who, kind=kind, recipient=recipient, body=body, case_id=case or None
        )
        kick()
        return redirect(
            f"/network/requests/{sent.id}",
            ok=f"{kind.replace('_', ' ')} signed and queued for {recipient}",
        )

    @app.post("/network/check", include_in_schema=False)
    @page(pages, form=True)
    def check(request: Request, who: Principal, data: FormData) -> Response:
        hits, notes = deconfliction.check(ctx, who, transport)
        kick()
        text = f"{len(hits)} new hit(s)" + (f"; {'; '.join(notes)}" if notes else "")
        return redirect("/network", ok=text)

    @app.get("/experts", include_in_schema=False)
    @page(pages)
    def experts_page(
        request: Request, who: Principal, expertise: str = "", language: str = "", now: str = ""
    ) -> Response:
        found = None
        if expertise or language or now:
            found = experts.find(
                ctx,
                who,
                expertise=expertise or None,
                language=language or None,
                available_only=bool(now),
            )
        return pages.render(
            request,
            "experts.html",
            who,
            title=N_("Experts"),
            found=found,
            values={"expertise": expertise, "language": language, "now": now},
        )
