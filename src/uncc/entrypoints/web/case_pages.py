"""The case pages: the list (searched and filtered) and each case.

One case: its notes, orders drafted from it, protected persons, traced property, and
its CASE/UCO export.
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from uncc.domain.cooperation import message_label
from uncc.domain.orders import TRANSITIONS, OrderState
from uncc.domain.policy import Action
from uncc.entrypoints.web import disclosure_pages, order_form, pictures
from uncc.entrypoints.web.forms import facts_from as _facts_from
from uncc.entrypoints.web.forms import may as _may
from uncc.entrypoints.web.forms import text_of as _text
from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.entrypoints.web.terms import request_status
from uncc.errors import ConflictError, RuleViolation, UnccError, UserInputError
from uncc.services import (
    case_search,
    cases,
    evidence,
    form_choices,
    order_search,
    orders,
    proceeds,
    protection,
    request_drafts,
)
from uncc.services.context import Principal
from uncc.services.network import thread_links

PAGE = 50


def _page_number(page: str) -> int:
    """The page asked for (from 1).

    Raises:
        UserInputError: not a page number (the field is named).
    """
    if not page.isdigit() or int(page) < 1:
        raise UserInputError("page: expected a page number from 1")
    return int(page)


def install(app: FastAPI, pages: Pages) -> None:
    """Add the case pages."""
    ctx = pages.ctx

    @app.get("/cases", include_in_schema=False)
    @page(pages)
    def case_list(
        request: Request, who: Principal, q: str = "", status: str = "", page: str = "1"
    ) -> Response:
        number = _page_number(page)
        found = case_search.search(
            ctx, who, words=q, status=status, offset=(number - 1) * PAGE, limit=PAGE
        )
        kept = {k: v for k, v in (("q", q), ("status", status)) if v}
        return pages.render(
            request,
            "cases.html",
            who,
            title=N_("Cases"),
            cases=found.cases,
            total=found.total,
            q=q,
            wanted=status,
            previous=urlencode({**kept, "page": number - 1}) if number > 1 else None,
            following=urlencode({**kept, "page": number + 1})
            if number * PAGE < found.total
            else None,
        )

    @app.get("/orders", include_in_schema=False)
    @page(pages)
    def order_list(
        request: Request,
        who: Principal,
        case: str = "",
        state: str = "",
        power: str = "",
        answering: Annotated[str, Query(alias="request", max_length=36)] = "",
        page: str = "1",
    ) -> Response:
        number = _page_number(page)
        found = order_search.search(
            ctx,
            who,
            case=case,
            state=state,
            power=power,
            request=answering,
            offset=(number - 1) * PAGE,
            limit=PAGE,
        )
        typed = {"case": case, "state": state, "power": power, "request": answering}
        kept = {k: v for k, v in typed.items() if v}
        return pages.render(
            request,
            "orders.html",
            who,
            title=N_("Orders"),
            orders=found.orders,
            total=found.total,
            typed=typed,
            states=[s.value for s in OrderState],
            powers=sorted(TRANSITIONS),
            previous=urlencode({**kept, "page": number - 1}) if number > 1 else None,
            following=urlencode({**kept, "page": number + 1})
            if number * PAGE < found.total
            else None,
        )

    @app.post("/cases", include_in_schema=False)
    @page(pages, form=True)
    def open_case(request: Request, who: Principal, data: FormData) -> Response:
        facts = _facts_from(_text(data, "facts"))
        case = cases.open_case(ctx, who, facts, _text(data, "title") or None)
        return redirect(
            f"/cases/{case.id}", ok=f"case {case.id} opened; the analysis is kept with it"
        )

    def show_case(
        request: Request,
        who: Principal,
        case_id: str,
        status: int = 200,
        draft: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        kept: dict[str, dict[str, str]] | None = None,
        form_errors: dict[str, dict[str, str]] | None = None,
    ) -> Response:
        case = cases.get_case(ctx, who, case_id)
        case_id = case.id  # typed with or without our State code
        node = pages.node()
        findings = [(o, s) for o, s in case.findings(node.state) if s != "not_established"]
        flows = proceeds.list_flows(ctx, who, case_id)
        shown = orders.list_orders(ctx, who, case_id) if _may(who, Action.ORDER_READ) else []
        items = evidence.list_evidence(ctx, who, case_id) if _may(who, Action.EVIDENCE_READ) else []
        draft = draft or {"power": "preservation"}
        return pages.render(
            request,
            "case.html",
            who,
            status,
            title=f"Case {case.id}",
            case=case,
            findings=findings,
            orders=shown,
            items=items,
            moments=pictures.case_moments(ctx, who, case.facts, case.id, shown, items),
            analysis_html=pictures.analysis_html(case.analysis),
            **pictures.path_values(ctx, who, case.id),
            persons=protection.list_protected(ctx, who, case_id)
            if _may(who, Action.PROTECTED_READ)
            else [],
            property=proceeds.list_property(ctx, who, case_id),
            flows=flows,
            currency_of={i: f.flow.currency for f in flows for i in f.items},
            notes=cases.list_notes(ctx, who, case_id),
            requests=thread_links.requests_of_case(ctx, who, case_id)
            if _may(who, Action.NETWORK_READ)
            else [],
            label=message_label,
            status_words=request_status,
            powers=sorted(TRANSITIONS),
            periods=[
                (p.replace("_", " "), r.max_days, r.duration_at)
                for p, r in orders.node_law(node).powers.items()
                if r.max_days is not None
            ],
            offence_choices=[
                c
                for c in form_choices.offences_of(case, node.state)
                if c.status != "not_established"
            ],
            target_choices=form_choices.targets_of(case, node.state),
            target_kinds=form_choices.TARGET_KINDS,
            states=form_choices.states(ctx),
            request_kinds=request_drafts.KINDS,
            draft=draft,
            rows=order_form.blank_rows(draft),
            errors=errors or {},
            kept=kept or {},
            form_errors=form_errors or {},
        )

    def again(
        request: Request,
        who: Principal,
        case_id: str,
        form: str,
        data: FormData,
        exc: UnccError,
        names: tuple[str, ...],
    ) -> Response:
        """The case page after a refused form: the form as typed, the error at its field."""
        values = {k: _text(data, k) for k in data if k != "csrf"}
        head, sep, rest = str(exc).partition(": ")
        errors = {head: rest} if sep and head in names else {"form": str(exc)}
        return show_case(
            request,
            who,
            case_id,
            exc.http_status,
            kept={form: values},
            form_errors={form: errors},
        )

    @app.get("/cases/{case_id}", include_in_schema=False)
    @page(pages)
    def case_page(
        request: Request,
        who: Principal,
        case_id: str,
        answering: Annotated[str, Query(alias="request", max_length=36)] = "",
    ) -> Response:
        """The case; with ``?request=ID``, its draft form answers that received request."""
        draft = {"power": "preservation", "request": answering} if answering else None
        return show_case(request, who, case_id, draft=draft)

    @app.post("/cases/{case_id}/notes", include_in_schema=False)
    @page(pages, form=True)
    def add_note(request: Request, who: Principal, data: FormData, case_id: str) -> Response:
        try:
            cases.add_note(ctx, who, case_id, _text(data, "note"))
        except (UserInputError, ConflictError) as exc:
            return again(request, who, case_id, "notes", data, exc, ("note",))
        return redirect(f"/cases/{case_id}", ok="note added")

    @app.post("/cases/{case_id}/evidence", include_in_schema=False)
    @page(
        pages, upload="file", before=lambda who, case_id: evidence.check_intake(ctx, who, case_id)
    )
    def upload(request: Request, who: Principal, data: FormData, case_id: str) -> Response:
        file = data.get("file")
        try:
            if not isinstance(file, UploadFile) or not file.filename:
                raise UserInputError("file: choose a file to upload")
            item = evidence.add_evidence(
                ctx,
                who,
                case_id,
                source=file.file,
                filename=file.filename,
                acquisition={k: _text(data, k) for k in ("tool", "tool_version", "source")},
                order_id=_text(data, "order") or None,
            )
        except (UserInputError, ConflictError) as exc:
            return again(request, who, case_id, "evidence", data, exc, ())
        return redirect(
            f"/evidence/{item.id}", ok=f"{item.filename} is {item.id}, SHA-256 {item.sha256}"
        )

    @app.post("/cases/{case_id}/orders", include_in_schema=False)
    @page(pages, form=True)
    def draft(request: Request, who: Principal, data: FormData, case_id: str) -> Response:
        values = order_form.values_of(data)
        try:
            order = orders.draft_order(ctx, who, case_id, order_form.request_of(ctx, values))
        except (UserInputError, RuleViolation) as exc:  # the form again, as typed
            return show_case(request, who, case_id, 422, values, order_form.errors_of(exc))
        return redirect(f"/orders/{order.id}", ok=f"order {order.id} drafted")

    @app.get("/cases/{case_id}/case-uco.jsonld", include_in_schema=False)
    @page(pages)
    def case_uco(request: Request, who: Principal, case_id: str) -> Response:
        from uncc.services.case_export import export_case  # noqa: PLC0415

        text = json.dumps(export_case(ctx, who, case_id), indent=2, ensure_ascii=False)
        return Response(
            text,
            media_type="application/ld+json",
            headers={"Content-Disposition": f'attachment; filename="{case_id}.jsonld"'},
        )

    @app.post("/cases/{case_id}/protected", include_in_schema=False)
    @page(pages, form=True)
    def add_protected(request: Request, who: Principal, data: FormData, case_id: str) -> Response:
        try:
            return _add_protected(who, data, case_id)
        except (UserInputError, ConflictError) as exc:
            return again(request, who, case_id, "protected", data, exc, ("kind", "name"))

    def _add_protected(who: Principal, data: FormData, case_id: str) -> Response:
        try:
            kind = protection.ProtectedKind(_text(data, "kind"))
        except ValueError:
            raise UserInputError("kind: expected witness, victim or cooperating_offender") from None
        if not _text(data, "name"):
            raise UserInputError("name: the person's name is required (it is encrypted at rest)")
        person = protection.add_protected(
            ctx,
            who,
            case_id,
            kind=kind,
            identity={"name": _text(data, "name"), "whereabouts": _text(data, "whereabouts")},
            views=_text(data, "views"),
            claims=[{"claim": c} for c in _text(data, "claims").splitlines() if c.strip()],
            measures=_text(data, "measures"),
        )
        return redirect(
            f"/cases/{case_id}", ok=f"recorded as {person.pseudonym}; the identity is sealed"
        )

    @app.post("/cases/{case_id}/property", include_in_schema=False)
    @page(pages, form=True)
    def register_property(
        request: Request, who: Principal, data: FormData, case_id: str
    ) -> Response:
        try:
            return _register_property(who, data, case_id)
        except (UserInputError, ConflictError) as exc:
            names = ("ledger", "model", "locations", "currency", "basis")
            return again(request, who, case_id, "property", data, exc, names)

    def _register_property(who: Principal, data: FormData, case_id: str) -> Response:
        from uncc.domain.tracing import Model  # noqa: PLC0415
        from uncc.entrypoints.cli.proceeds import read_lines  # noqa: PLC0415

        upload = data.get("ledger")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UserInputError(
                "ledger: choose a CSV (id,source,target,amount,tainted) or JSON-lines file"
            )
        try:
            model = Model(_text(data, "model") or "fifo")
        except ValueError:
            raise UserInputError("model: expected fifo, lifo, haircut or tiho") from None
        places: dict[str, str] = {}
        for line in _text(data, "locations").splitlines():
            account, _, state = line.strip().partition("=")
            if not line.strip():
                continue
            code = form_choices.state_code(ctx, state, f"locations: '{line.strip()}'")
            if not account.strip() or code is None:
                raise UserInputError(
                    f"locations: '{line.strip()}': expected ACCOUNT=State, e.g. wallet-1=XB"
                )
            places[account.strip()] = code
        lines = io.TextIOWrapper(upload.file, encoding="utf-8", errors="replace", newline="")
        items, notes = proceeds.register_traced(
            ctx,
            who,
            case_id,
            transfers=read_lines(upload.filename, lines),
            model=model,
            basis=_text(data, "basis"),
            locations=places,
            currency=_text(data, "currency"),
        )
        summary = f"{len(items)} property item(s) registered" + (
            f"; {'; '.join(notes)}" if notes else ""
        )
        return redirect(f"/cases/{case_id}", ok=summary)

    disclosure_pages.install(app, pages)
