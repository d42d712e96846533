"""Evidence review in the web: the content (downloaded or previewed), tags and annotations.

The bytes are sent as :mod:`uncc.entrypoints.api.evidence_bytes` sends them: never as a
page of the node.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.entrypoints.api.evidence_bytes import content_response
from uncc.entrypoints.web.forms import text_of
from uncc.entrypoints.web.i18n import _
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.services import evidence_review
from uncc.services.context import Principal


def install(app: FastAPI, pages: Pages) -> None:
    """Add the content, tag and annotation routes of an evidence item."""
    ctx = pages.ctx

    @app.get("/evidence/{item_id}/content", include_in_schema=False)
    @page(pages)
    def content(request: Request, who: Principal, item_id: str, view: str = "") -> Response:
        """Download the item (audited), or view an image or PDF inline (``view=inline``)."""
        inline = view == "inline"
        opened = evidence_review.open_content(
            ctx, who, item_id, purpose="preview" if inline else "download"
        )
        return content_response(opened, inline=inline)

    @app.post("/evidence/{item_id}/tags", include_in_schema=False)
    @page(pages, form=True)
    def tag(request: Request, who: Principal, data: FormData, item_id: str) -> Response:
        remove = text_of(data, "action") == "remove"
        value = text_of(data, "tag")
        evidence_review.tag(ctx, who, item_id, value, remove=remove)
        if remove:
            done = _("tag '%(tag)s' removed; recorded in the custody log")
        else:
            done = _("tagged '%(tag)s'; recorded in the custody log")
        return redirect(f"/evidence/{item_id}", ok=done % {"tag": value.strip()})

    @app.post("/evidence/{item_id}/annotations", include_in_schema=False)
    @page(pages, form=True)
    def annotate(request: Request, who: Principal, data: FormData, item_id: str) -> Response:
        evidence_review.annotate(ctx, who, item_id, text_of(data, "text"))
        return redirect(f"/evidence/{item_id}", ok=_("annotation recorded in the custody log"))
