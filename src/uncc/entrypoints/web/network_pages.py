"""The network pages: inbox and outbox with timers, composing and answering, experts, hits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain import cooperation
from uncc.domain.conversations import ANSWERS as FITTING
from uncc.domain.cooperation import message_label
from uncc.domain.envelope import Handling, Onward
from uncc.domain.message_view import view
from uncc.domain.policy import Action, allowed
from uncc.entrypoints.web import compose_pages
from uncc.entrypoints.web.compose_pages import COMPOSE
from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.entrypoints.web.menu import require_entry
from uncc.entrypoints.web.terms import request_status
from uncc.errors import UserInputError
from uncc.services import evidence, path_trace
from uncc.services.context import Principal
from uncc.services.network import (
    deconfliction,
    experts,
    outbox,
    requests,
    thread_links,
    transfer,
)
from uncc.services.network import directory as network_directory
from uncc.services.network import onward as onward_codes
from uncc.services.network.transport import Transport

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


def _text(data: FormData, name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


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


def install(app: FastAPI, pages: Pages, transport: Transport, kick: Callable[[], None]) -> None:
    """Add the network pages (and the compose page, ``compose_pages``)."""
    ctx = pages.ctx
    compose_pages.install(app, pages, kick)

    @app.get("/network", include_in_schema=False)
    @page(pages)
    def network_home(request: Request, who: Principal) -> Response:
        require_entry(who.roles, "/network")
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
            label=message_label,
            status_words=request_status,
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
            entries=[
                (t, view(t["type"], t["body"], ours=t["direction"] == "out")) for t in c.thread
            ],
            links=thread_links.links_of(ctx, who, c),
            label=message_label,
            status_words=request_status,
            now=ctx.clock(),
            answer_kinds=[k for k in ANSWER_KINDS if k in FITTING.get(c.kind, ())],
            refusal_grounds=cooperation.refusal_grounds(),
            items=items,
            offered=offered,
            step=step,
        )

    def confirm_refusal(
        request: Request,
        who: Principal,
        conversation_id: str,
        data: FormData,
        body: dict[str, Any],
    ) -> Response:
        """The refusal to confirm, with its written reasons required (asked again when empty)."""
        c = requests.get_conversation(ctx, who, conversation_id)
        grounds = cooperation.refusal_grounds()
        missing = bool(data.get("confirmed")) and not body["detail"]
        return pages.render(
            request,
            "refusal_confirm.html",
            who,
            422 if missing else 200,
            title=f"Refuse request {c.reference}?",
            c=c,
            body=body,
            ground=grounds.get(body["reason"]),
            order=_text(data, "order"),
            errors={"text": "the refusal must state its reasons"} if missing else {},
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
            if not data.get("confirmed") or not body["detail"]:  # confirmed, with its reasons
                return confirm_refusal(request, who, conversation_id, data, body)
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
        handling = onward_codes.handling_of(
            use=None,
            onward=_text(data, "onward") or Onward.WITH_CONSENT.value,
            retention_days=Handling().retention_days,
        )
        requests.answer(ctx, who, conversation_id, kind, body, handling=handling)
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
        require_entry(who.roles, "/experts")
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
