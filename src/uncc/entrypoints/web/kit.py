"""What every page needs: templates, the logged-in user, CSRF, errors shown as pages."""

from __future__ import annotations

import functools
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from uncc.domain.policy import Action, allowed
from uncc.entrypoints.web import session
from uncc.errors import (
    ConflictError,
    FactsError,
    NotFoundError,
    PermissionDeniedError,
    RuleViolation,
    TransportError,
    UnccError,
)
from uncc.services.context import NodeContext, Principal
from uncc.services.identity import node_info

STATIC = Path(__file__).with_name("static")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
ENV = Environment(
    loader=PackageLoader("uncc.entrypoints.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


class Pages:
    """Renders pages for one node."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._node: Any = None

    def node(self) -> Any:
        """The node's identity (cached)."""
        if self._node is None:
            with self.ctx.engine.connect() as conn:
                self._node = node_info(conn)
        return self._node

    def render(
        self, request: Request, name: str, who: Principal | None, status: int = 200, **values: Any
    ) -> HTMLResponse:
        """A page from its template, with the layout's values."""
        flashes = [
            (k, request.query_params[k]) for k in ("ok", "bad") if request.query_params.get(k)
        ]
        html = ENV.get_template(name).render(
            node=self.node(),
            who=who,
            csrf=session.csrf_token(request),
            can=lambda action: (
                who is not None and any(allowed(r, Action(action)) for r in who.roles)
            ),
            flashes=flashes,
            title=values.pop("title", ""),
            **values,
        )
        return HTMLResponse(html, status_code=status)

    def error(self, request: Request, who: Principal | None, exc: UnccError) -> HTMLResponse:
        """A user's mistake or a refusal, as a page with the reason (never a traceback)."""
        status, title = 400, "That did not work"
        provision = None
        if isinstance(exc, RuleViolation):
            status, title, provision = (
                409,
                "Refused by a condition of the Convention",
                exc.provision,
            )
        elif isinstance(exc, PermissionDeniedError):
            status, title = 403, "Not allowed"
        elif isinstance(exc, NotFoundError):
            status, title = 404, "Not found"
        elif isinstance(exc, ConflictError):
            status, title = 409, "Not possible now"
        elif isinstance(exc, FactsError):
            status, title = 422, "The incident facts are not valid"
        elif isinstance(exc, TransportError):
            status, title = 502, "Another node could not be reached"
        detail = exc.reason if isinstance(exc, RuleViolation) else str(exc)
        back = request.headers.get("referer") or "/dashboard"
        return self.render(
            request,
            "error.html",
            who,
            status,
            title=title,
            detail=detail,
            provision=provision,
            back=back,
        )


def redirect(path: str, **flash: str) -> RedirectResponse:
    """See-other to a page, with an optional flash message (``ok=`` or ``bad=``)."""
    query = urllib.parse.urlencode({k: v for k, v in flash.items() if v})
    return RedirectResponse(path + ("?" + query if query else ""), status_code=303)


Handler = Callable[..., Any]


def page(
    pages: Pages, *, form: bool = False
) -> Callable[[Handler], Callable[..., Awaitable[Response]]]:
    """Wrap a page: require a session, check CSRF on forms, show errors as pages.

    The wrapped function is synchronous (it calls the services); it runs in a worker
    thread and gets ``who`` and, for forms, the parsed ``data``.
    """

    def decorate(function: Handler) -> Callable[..., Awaitable[Response]]:
        @functools.wraps(function)
        async def wrapper(request: Request, **params: Any) -> Response:
            who = await run_in_threadpool(session.principal, pages.ctx, request)
            if who is None:
                target = urllib.parse.quote(request.url.path)
                return RedirectResponse(f"/login?next={target}", status_code=303)
            try:
                if form:
                    data = await request.form()
                    session.check_csrf(request, str(data.get("csrf") or ""))
                    params["data"] = data
                return await run_in_threadpool(function, request, who, **params)
            except UnccError as exc:
                return pages.error(request, who, exc)

        wrapper.__signature__ = _public_signature(function)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _public_signature(function: Handler) -> Any:
    """The wrapper's signature for FastAPI: the request and the path/query parameters."""
    import inspect  # noqa: PLC0415
    import typing  # noqa: PLC0415

    hints = typing.get_type_hints(function, include_extras=True)
    signature = inspect.signature(function)
    kept = [
        p.replace(annotation=hints.get(name, p.annotation))
        for name, p in signature.parameters.items()
        if name not in {"who", "data"}
    ]
    return signature.replace(parameters=kept, return_annotation=inspect.Signature.empty)
