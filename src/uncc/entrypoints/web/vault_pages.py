"""The vault's head on the web: download the signed tree head to keep it outside the node."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

from uncc.entrypoints.web.kit import Pages, page
from uncc.services import custody_log
from uncc.services.context import Principal


def install(app: FastAPI, pages: Pages) -> None:
    """Add the head download (``/verify/head.note``)."""

    @app.get("/verify/head.note", include_in_schema=False)
    @page(pages)
    def head(request: Request, who: Principal) -> Response:
        signed = custody_log.export_head(pages.ctx, who)
        return PlainTextResponse(
            signed["note"],
            media_type="text/plain; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="custody-head.note"'},
        )
