"""The pages of the node: login, dashboard, analysis, cases, orders, evidence, audit."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import FormData, UploadFile

from uncc.domain.policy import Action
from uncc.entrypoints.api.problems import classify
from uncc.entrypoints.web import (
    audit_pages,
    case_pages,
    dashboard_pages,
    evidence_pages,
    order_pages,
    pictures,
    report_pages,
    session,
)
from uncc.entrypoints.web.field_errors import field_errors, plain
from uncc.entrypoints.web.forms import facts_from as _facts_from
from uncc.entrypoints.web.forms import may as _may
from uncc.entrypoints.web.forms import text_of as _text
from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import (
    STATIC,
    Pages,
    SecurityHeaders,
    local_path,
    page,
    redirect,
    same_origin,
)
from uncc.entrypoints.web.menu import require_entry
from uncc.errors import (
    FactsError,
    PermissionDeniedError,
    SecondFactorRequired,
    ThrottledError,
    TooLargeError,
    UserInputError,
)
from uncc.services import cases, evidence, form_choices, identity, vault
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.yaml12 import MAX_BYTES

EXAMPLE_CONDUCTS = (
    "access",
    "intercept",
    "alter",
    "delete",
    "hinder",
    "copy",
    "transfer",
    "obtain",
)


GUIDED_PATHS = {
    r"title": "title",
    r"summary": "summary",
    r"persons\.0\.present_in": "actor_state",
    r"acts\.0\.acted_in": "actor_state",
    r"acts\.0\.effects_in": "system_state",
    r"systems\.0\.location": "system_state",
    r"systems\.0\.description": "system",
    r"acts\.0\.when": "when",
    r"acts\.0\.conduct": "conduct",
}
"""Where each path of the incident the guided form builds comes from (its field)."""


def _guided(ctx: NodeContext, data: FormData) -> dict[str, Any]:
    """A minimal incident from the guided form: one actor, one system, one act.

    The States may be named (``Eastland``) or given by code (``XC``).
    """
    errors = {}
    for name in ("title", "actor_state", "system_state", "conduct"):
        if not _text(data, name):
            errors[name] = "required"
    codes: dict[str, str] = {}
    for name in ("actor_state", "system_state"):
        try:
            codes[name] = form_choices.state_code(ctx, _text(data, name), name) or ""
        except UserInputError as exc:
            errors.setdefault(name, str(exc).removeprefix(f"{name}: "))
    if errors:
        raise GuidedError(errors)
    act: dict[str, Any] = {
        "id": "act-1",
        "by": "actor",
        "conduct": _text(data, "conduct"),
        "object": "system",
        "acted_in": codes["actor_state"],
        "effects_in": [codes["system_state"]],
    }
    if _text(data, "when"):
        act["when"] = _text(data, "when")
    if data.get("without_right"):
        act["without_right"] = True
    if data.get("intent"):
        act["mental_state"] = "intent"
    if data.get("security"):
        act["circumstances"] = {"security_measures_infringed": True}
    return {
        "uncc": "incident/1",
        "id": "guided",
        "title": _text(data, "title"),
        "summary": _text(data, "summary") or None,
        "persons": [{"id": "actor", "kind": "natural", "present_in": codes["actor_state"]}],
        "systems": [
            {
                "id": "system",
                "description": _text(data, "system") or "the system attacked",
                "location": codes["system_state"],
                "connected": True,
                "security_measures": bool(data.get("security")),
            }
        ],
        "acts": [act],
    }


def _analyse_errors(exc: UserInputError, *, guided: bool) -> dict[str, str]:
    """A refused analysis as errors by field: the guided form's fields, or the facts."""
    if isinstance(exc, GuidedError):
        return exc.errors
    found = exc.problems if isinstance(exc, FactsError) else [str(exc)]
    if guided:
        return field_errors(found, GUIDED_PATHS)
    return {
        "facts": "; ".join(
            f"{p.partition(': ')[0]}: {plain(p.partition(': ')[2])}" if ": " in p else p
            for p in found
        )
    }


class GuidedError(UserInputError):
    """Fields of the guided form that are missing."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def install(app: FastAPI, ctx: NodeContext) -> Pages:
    """Add the pages, the static files and the security headers to the node's app."""
    pages = Pages(ctx)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.state.html_error = pages.html_error

    app.add_middleware(SecurityHeaders)

    @app.get("/", include_in_schema=False)
    async def home(request: Request) -> Response:
        who = await run_in_threadpool(session.principal, ctx, request)
        return redirect("/dashboard" if who else "/login")

    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> HTMLResponse:
        wanted = local_path(request.query_params.get("next"))
        return pages.render(
            request, "login.html", None, title=N_("Log in"), errors={}, user="", next=wanted
        )

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        if not same_origin(request):  # login CSRF: a form posted from another site
            await run_in_threadpool(
                lambda: audit_now(
                    ctx, "-", "user.login", obj="/login", outcome="denied", reason="cross-site form"
                )
            )
            return pages.problem_page(
                request,
                None,
                classify(PermissionDeniedError("the login form was posted from another site")),
            )
        data = await request.form()
        user, password = _text(data, "user"), str(data.get("password") or "")
        wanted = local_path(_text(data, "next") or request.query_params.get("next"))
        code = _text(data, "code") or None
        address = request.client.host if request.client else None
        try:
            token = await run_in_threadpool(
                identity.login, ctx, user, password, code=code, address=address, web=True
            )
        except PermissionDeniedError as exc:
            field = "code" if isinstance(exc, SecondFactorRequired) else "password"
            status = 429 if isinstance(exc, ThrottledError) else 401
            refused = pages.render(
                request,
                "login.html",
                None,
                status,
                title=N_("Log in"),
                errors={field: str(exc)},
                user=user,
                next=wanted,
            )
            if isinstance(exc, ThrottledError):
                refused.headers["Retry-After"] = str(exc.retry_after)
            return refused
        response = redirect(wanted)
        session.start(response, request, token)
        return response

    @app.post("/logout", include_in_schema=False)
    @page(pages, form=True)
    def logout(request: Request, who: Principal, data: FormData) -> Response:
        token = session.token_of(request)
        if token:
            identity.revoke(ctx, token)
        response = redirect("/login", ok=f"{who.user} logged out")
        session.end(response)
        return response

    @app.get("/analyse", include_in_schema=False)
    @page(pages)
    def analyse_form(request: Request, who: Principal) -> Response:
        require_entry(who.roles, "/analyse")
        return pages.render(
            request,
            "analyse.html",
            who,
            title="Analyse an incident",
            errors={},
            values={},
            conducts=EXAMPLE_CONDUCTS,
            states=form_choices.states(ctx),
        )

    @app.post("/analyse", include_in_schema=False)
    @page(pages, form=True)
    def analyse(request: Request, who: Principal, data: FormData) -> Response:
        from uncc.analysis.render.html import render_html  # noqa: PLC0415

        values = {k: _text(data, k) for k in data if k != "csrf"}
        guided = _text(data, "mode") == "guided"
        try:
            if guided:
                facts = _guided(ctx, data)
            else:
                upload = data.get("file")
                text = _text(data, "facts")
                if isinstance(upload, UploadFile) and upload.filename:
                    raw = upload.file.read(MAX_BYTES + 1)
                    if len(raw) > MAX_BYTES:
                        raise TooLargeError(f"file: longer than the limit of {MAX_BYTES} bytes")
                    text = raw.decode("utf-8", errors="replace")
                facts = _facts_from(text)
            report = cases.analyse(ctx, who, facts)
        except UserInputError as exc:  # the form again, as typed, each error at its field
            return pages.render(
                request,
                "analyse.html",
                who,
                422,
                title="Analyse an incident",
                errors=_analyse_errors(exc, guided=guided),
                values=values,
                conducts=EXAMPLE_CONDUCTS,
                states=form_choices.states(ctx),
            )
        body = render_html(report)
        inner = body[body.index("<main>") + 6 : body.index("</main>")]
        return pages.render(
            request,
            "report.html",
            who,
            title="Analysis",
            report_html=inner,
            facts=json.dumps(facts),
        )

    @app.get("/evidence/{item_id}", include_in_schema=False)
    @page(pages)
    def evidence_page(request: Request, who: Principal, item_id: str) -> Response:
        item = next((i for i in evidence.list_evidence(ctx, who) if i.id == item_id), None)
        if item is None:
            raise UserInputError(f"no evidence item {item_id}")
        chain = evidence.custody_of(ctx, who, item_id) if _may(who, Action.CUSTODY_READ) else []
        return pages.render(
            request,
            "evidence.html",
            who,
            title=f"Evidence {item.id}",
            item=item,
            chain=chain,
            moments=pictures.custody_moments(chain),
            **pictures.review_values(ctx, who, item),
        )

    @app.post("/evidence/{item_id}/seal", include_in_schema=False)
    @page(pages, form=True)
    def seal(request: Request, who: Principal, data: FormData, item_id: str) -> Response:
        sealed = _text(data, "action") != "release"
        evidence.set_sealed(ctx, who, item_id, sealed, _text(data, "note"))
        return redirect(
            f"/evidence/{item_id}", ok="sealed (Art. 46(3)(d))" if sealed else "released"
        )

    @app.post("/verify", include_in_schema=False)
    @page(pages, form=True)
    def verify(request: Request, who: Principal, data: FormData) -> Response:
        case_id = _text(data, "case") or None
        head = _text(data, "since").replace("\r\n", "\n")  # a head kept elsewhere, pasted
        full = bool(_text(data, "full"))  # replay from the log's start (verify --full)
        report = vault.check(
            ctx,
            who,
            case_id,
            since=head + "\n" if head else None,
            transport=getattr(request.app.state, "transport", None),
            full=full,
        )
        return pages.render(
            request,
            "verify.html",
            who,
            title="Vault verification",
            breaks=report.breaks,
            report=report,
            case_id=case_id,
            full=full,
        )

    report_pages.install(app, pages)
    case_pages.install(app, pages)
    evidence_pages.install(app, pages)
    order_pages.install(app, pages)
    dashboard_pages.install(app, pages)
    audit_pages.install(app, pages)

    return pages
