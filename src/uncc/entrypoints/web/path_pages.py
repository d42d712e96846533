"""Cross-border casework in the web: path tracing, and the printable drafted request.

A disclosed hop is followed in one click (Art. 44); the path is a picture on the case;
the request drafted from the case prints from the browser.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from uncc.entrypoints.web.i18n import _
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.services import path_trace, request_drafts
from uncc.services.context import Principal
from uncc.services.reports.path_svg import path_svg
from uncc.services.reports.request_doc import request_html


def install(app: FastAPI, pages: Pages, kick: Callable[[], None]) -> None:
    """Add the follow-hop action and the path pictures."""
    ctx = pages.ctx

    @app.post("/network/requests/{conversation_id}/follow-hop", include_in_schema=False)
    @page(pages, form=True)
    def follow_hop(
        request: Request, who: Principal, data: FormData, conversation_id: str
    ) -> Response:
        sent = path_trace.follow_hop(ctx, who, conversation_id)
        kick()
        return redirect(
            f"/network/requests/{sent.id}",
            ok=_(
                "preservation request %(ref)s signed and queued for %(state)s, "
                "following the disclosed hop"
            )
            % {"ref": sent.reference, "state": sent.peer},
        )

    @app.get("/cases/{case_id}/request-document", include_in_schema=False)
    @page(pages)
    def request_document(
        request: Request, who: Principal, case_id: str, measure: str = "preservation", to: str = ""
    ) -> Response:
        draft = request_drafts.draft_request(ctx, who, case_id, measure=measure, to=to)
        return HTMLResponse(request_html(draft, pages.node().state, ctx.clock().date()))

    @app.get("/cases/{case_id}/path.svg", include_in_schema=False)
    @page(pages)
    def path_picture(request: Request, who: Principal, case_id: str) -> Response:
        found = path_trace.case_path(ctx, who, case_id)
        return Response(path_svg(found), media_type="image/svg+xml")
