"""The dashboard (what waits for me, newest events) and the notifications page."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.entrypoints.web.i18n import N_, ngettext
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import notifications, orders, work_queue
from uncc.services.context import Principal


def install(app: FastAPI, pages: Pages) -> None:
    """Add the dashboard and the notifications pages."""
    ctx = pages.ctx

    @app.get("/dashboard", include_in_schema=False)
    @page(pages)
    def dashboard(request: Request, who: Principal) -> Response:
        return pages.render(
            request,
            "dashboard.html",
            who,
            title=N_("Dashboard"),
            tasks=work_queue.tasks(ctx, who),
            expiring=work_queue.expiring(ctx, who, dt.timedelta(days=14)),
            events=notifications.listed(ctx, who, limit=10),
            notices=orders.notices(ctx, who)[-15:],
            now=ctx.clock(),
        )

    @app.get("/notifications", include_in_schema=False)
    @page(pages)
    def notifications_page(request: Request, who: Principal, unread: str = "") -> Response:
        return pages.render(
            request,
            "notifications.html",
            who,
            title=N_("Notifications"),
            items=notifications.listed(ctx, who, unread=bool(unread), limit=500),
            only_unread=bool(unread),
        )

    @app.post("/notifications/read", include_in_schema=False)
    @page(pages, form=True)
    def mark_read(request: Request, who: Principal, data: FormData) -> Response:
        chosen = [str(v) for v in data.getlist("id")]
        if not all(v.isdigit() for v in chosen):
            raise UserInputError("id: expected notification numbers")
        done = notifications.mark_read(ctx, who, [int(v) for v in chosen] if chosen else None)
        return redirect(
            "/notifications",
            ok=ngettext(
                "%(num)s notification marked read", "%(num)s notifications marked read", done
            )
            % {"num": done},
        )
