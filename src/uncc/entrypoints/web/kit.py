"""What every page needs: templates, the logged-in user, CSRF, errors shown as pages."""

from __future__ import annotations

import functools
import hashlib
import html
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.datastructures import FormData, MutableHeaders, UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from uncc.domain.policy import Action, allowed
from uncc.entrypoints.api.problems import Problem, classify, is_api
from uncc.entrypoints.api.uploads import body_file
from uncc.entrypoints.web import i18n, session, terms
from uncc.entrypoints.web.menu import menu_for
from uncc.entrypoints.web.streamed_form import StreamedForm
from uncc.errors import PermissionDeniedError, UnccError
from uncc.services import notifications, preferences
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.identity import node_info

STATIC = Path(__file__).with_name("static")
SNAKE = re.compile(r"[a-z]+(?:_[a-z]+)+")
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
ENV = Environment(
    loader=PackageLoader("uncc.entrypoints.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    extensions=["jinja2.ext.i18n"],
)
ZONE = i18n.ZONE
ENV.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
ENV.globals["local_time"] = i18n.local_time
ENV.filters["amount"] = i18n.amount
ENV.filters["local_date"] = i18n.local_date
ENV.filters["term"] = terms.term
ENV.tests["matching_word"] = lambda value: bool(SNAKE.fullmatch(str(value)))
"""A value written as a snake_case word (``under_review``): shown with spaces."""


class SecurityHeaders:
    """ASGI middleware: the pages' security headers, and ``no-store`` on everything dynamic.

    ``Cache-Control: no-store`` keeps pages out of the browser's cache, so Back after
    logging out shows nothing. A plain ASGI middleware (not ``BaseHTTPMiddleware``) so
    that errors raised while reading a body reach the error handlers unwrapped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not path.startswith("/static/"):
                    headers["Cache-Control"] = "no-store"
                if not is_api(path):
                    if "content-security-policy" not in headers:  # evidence bytes set their own
                        headers["Content-Security-Policy"] = CSP
                        headers["X-Frame-Options"] = "DENY"
                    headers["X-Content-Type-Options"] = "nosniff"
                    headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, with_headers)


class OneTimeViews:
    """Results of disclosures, held in memory for one view within a minute (POST-redirect-GET).

    The POST discloses (audited) and keeps the result under a random key bound to the
    session; the GET it redirects to takes it out. Reloading the page finds nothing, so
    a refresh never discloses twice; nothing decrypted is written anywhere.
    """

    TTL = 60.0

    def __init__(self) -> None:
        self._held: dict[str, tuple[float, str, str, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def keep(self, session_token: str, subject: str, shown: dict[str, str]) -> str:
        """Hold ``shown`` for one view; the key to put in the redirect."""
        key = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            for old in [k for k, v in self._held.items() if v[0] < now]:
                del self._held[old]
            self._held[key] = (now + self.TTL, _digest(session_token), subject, shown)
        return key

    def take(self, session_token: str, subject: str, key: str) -> dict[str, str] | None:
        """The held result, once, for the same session and subject; else ``None``."""
        with self._lock:
            held = self._held.pop(key, None)
        if held is None or held[0] < time.monotonic():
            return None
        if held[1] != _digest(session_token) or held[2] != subject:
            return None
        return held[3]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Pages:
    """Renders pages for one node."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._node: Any = None
        self.views = OneTimeViews()

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
        mine = self.settings_of(request, who)
        zone = ZONE.set(mine.zone() if mine else None)
        language = i18n.LANGUAGE.set(self.language(request, mine))
        try:
            html = ENV.get_template(name).render(
                node=self.node(),
                who=who,
                csrf=session.csrf_token(request),
                can=lambda action: (
                    who is not None and any(allowed(r, Action(action)) for r in who.roles)
                ),
                flashes=flashes,
                title=i18n.gettext(title) if (title := values.pop("title", "")) else "",
                unread=notifications.unread_count(self.ctx, who) if who is not None else 0,
                language=i18n.LANGUAGE.get(),
                menu=menu_for(who.roles) if who is not None else [],
                **values,
            )
        finally:
            i18n.LANGUAGE.reset(language)
            ZONE.reset(zone)
        return HTMLResponse(html, status_code=status)

    def settings_of(
        self, request: Request, who: Principal | None
    ) -> preferences.Preferences | None:
        """The reader's settings, read once per request."""
        if who is None:
            return None
        kept = getattr(request.state, "preferences", None)
        if not isinstance(kept, preferences.Preferences):
            kept = preferences.of(self.ctx, who.user)
            request.state.preferences = kept
        return kept

    def language(self, request: Request, mine: preferences.Preferences | None) -> str:
        """The page's language: the user's choice, else the browser's, else the node's."""
        return i18n.choose(
            mine.language if mine else None,
            request.headers.get("accept-language"),
            self.ctx.language,
        )

    def error(self, request: Request, who: Principal | None, exc: UnccError) -> HTMLResponse:
        """A user's mistake or a refusal, as a page with the reason (never a traceback)."""
        return self.problem_page(request, who, classify(exc))

    def problem_page(self, request: Request, who: Principal | None, found: Problem) -> HTMLResponse:
        """A problem as a page in the site's layout, with its status."""
        back = request.headers.get("referer") or "/dashboard"
        return self.render(
            request,
            "error.html",
            who,
            found.status,
            title=found.title,
            detail=found.detail,
            provision=found.extra.get("provision"),
            back=back if back.startswith(("/", str(request.base_url))) else "/dashboard",
        )

    async def html_error(self, request: Request, found: Problem) -> Response:
        """The web's error page for errors raised outside a page (unknown URL, body too large)."""
        try:
            who = await run_in_threadpool(session.principal, self.ctx, request)
        except Exception:  # the page must render even when the database cannot be read
            who = None
        try:
            return await run_in_threadpool(self.problem_page, request, who, found)
        except Exception:  # e.g. the node is not initialised: no layout to render in
            return HTMLResponse(
                f"<!doctype html><title>{found.status}</title><h1>{html.escape(found.title)}</h1>"
                f"<p>{html.escape(found.detail)}</p>",
                status_code=found.status,
            )

    def refused(self, request: Request, who: Principal, exc: PermissionDeniedError) -> None:
        """Record a refused page access in the audit trail (the page still says why)."""
        action = f"web.{request.method.lower()}"
        path = request.url.path
        audit_now(self.ctx, who.user, action, obj=path, outcome="denied", reason=str(exc)[:500])


def redirect(path: str, **flash: str) -> RedirectResponse:
    """See-other to a page, with an optional flash message (``ok=`` or ``bad=``)."""
    query = urllib.parse.urlencode({k: v for k, v in flash.items() if v})
    return RedirectResponse(path + ("?" + query if query else ""), status_code=303)


def local_path(target: str | None) -> str:
    r"""``target`` when it is a path on this site, else the dashboard (no open redirects).

    >>> local_path("/cases/C-1?tab=orders")
    '/cases/C-1?tab=orders'
    >>> [local_path(t) for t in ("//evil.example", "/\\evil.example", "https://evil.example/")]
    ['/dashboard', '/dashboard', '/dashboard']
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/dashboard"
    parts = urllib.parse.urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 or c == "\\" for c in target):
        return "/dashboard"
    return target


def same_origin(request: Request) -> bool:
    """False when the browser says the form came from another site (``Origin``/``Referer``).

    A request without either header (a command-line client) passes: login CSRF needs a
    browser, and browsers send ``Origin`` with every cross-site POST (``null`` from an
    opaque origin is refused). The proxy must pass the ``Host`` header through.
    """
    sent = request.headers.get("origin") or request.headers.get("referer")
    if sent is None:
        return True
    # the host (and port) only: behind a TLS-terminating proxy the scheme seen here differs
    return urllib.parse.urlsplit(sent).netloc == request.url.netloc


Handler = Callable[..., Any]


def page(
    pages: Pages, *, form: bool = False, before: Handler | None = None, upload: str | None = None
) -> Callable[[Handler], Callable[..., Awaitable[Response]]]:
    """Wrap a page: require a session, check CSRF on forms, show errors as pages.

    The wrapped function is synchronous (it calls the services); it runs in a worker
    thread and gets ``who`` and, for forms, the parsed ``data``. ``before(who, **params)``
    runs before the form is read (an upload's role and case are checked before its
    first byte is stored). With ``upload`` (the file field's name), the form's fields
    are read up to that file, and the file in ``data`` reads the rest of the body as it
    arrives (``streamed_form``): the service stores it in one pass, never spooled.
    """

    def decorate(function: Handler) -> Callable[..., Awaitable[Response]]:
        @functools.wraps(function)
        async def wrapper(request: Request, **params: Any) -> Response:
            who = await run_in_threadpool(session.principal, pages.ctx, request)
            if who is None:
                if request.method != "GET":
                    return RedirectResponse("/login", status_code=303)
                wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                target = urllib.parse.quote(wanted, safe="")
                return RedirectResponse(f"/login?next={target}", status_code=303)
            if who.needs_second_factor and not request.url.path.startswith(("/account", "/logout")):
                mine = await run_in_threadpool(pages.settings_of, request, who)
                wanted = pages.language(request, mine)
                token = i18n.LANGUAGE.set(wanted)
                try:
                    enrol = i18n.gettext("your roles need a second factor: enrol first")
                finally:
                    i18n.LANGUAGE.reset(token)
                return redirect("/account", bad=enrol)
            try:
                if before is not None:
                    await run_in_threadpool(before, who, **params)
                if upload is not None:
                    params["data"] = await _streamed(request, upload)
                elif form:
                    data = await request.form()
                    session.check_csrf(request, str(data.get("csrf") or ""))
                    params["data"] = data
                return await run_in_threadpool(_in_language, pages, request, who, function, params)
            except UnccError as exc:
                if isinstance(exc, PermissionDeniedError):
                    await run_in_threadpool(pages.refused, request, who, exc)
                return pages.error(request, who, exc)

        wrapper.__signature__ = _public_signature(function)  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _in_language(
    pages: Pages, request: Request, who: Principal, function: Handler, params: dict[str, Any]
) -> Any:
    """Run a page's function with the reader's language set (for the messages it makes)."""
    token = i18n.LANGUAGE.set(pages.language(request, pages.settings_of(request, who)))
    try:
        return function(request, who, **params)
    finally:
        i18n.LANGUAGE.reset(token)


async def _streamed(request: Request, file_field: str) -> FormData:
    """The form's fields (CSRF checked) and its file as a stream over the rest of the body."""
    form = StreamedForm(request)
    fields, filename = await form.fields(file_field)
    session.check_csrf(request, fields.get("csrf", ""))
    items: list[tuple[str, str | UploadFile]] = list(fields.items())
    if filename:
        items.append((file_field, UploadFile(body_file(form.file()), filename=filename)))
    return FormData(items)


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
