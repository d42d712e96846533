"""Evidence review in the web: the content (downloaded or previewed), tags and annotations.

The content is never shown as a page of the node: a download is ``attachment`` and
``application/octet-stream``; an inline view (images and PDF only, recognised from the
bytes) carries ``Content-Security-Policy: sandbox``, so that even a file that is
something else runs in an opaque origin, with ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import base64
import itertools
from collections.abc import Iterator
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response, StreamingResponse
from starlette.datastructures import FormData

from uncc.entrypoints.web.forms import text_of
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import evidence_review
from uncc.services.context import Principal
from uncc.services.evidence_preview import PREVIEW_MAX, sniff
from uncc.services.evidence_review import Content

SANDBOX = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)
"""The policy of every response carrying evidence bytes: an opaque origin, nothing loaded."""


def content_response(content: Content, *, inline: bool = False) -> StreamingResponse:
    """The item's bytes as a response: a download, or (``inline``) a view in a sandbox.

    Raises:
        UserInputError: ``inline`` for an item that is not an image or a PDF, or too large.
    """
    item = content.item
    media_type = "application/octet-stream"
    body: Iterator[bytes] = content.chunks
    if inline:
        first = next(content.chunks, b"")
        sniffed = sniff(first[:4096])
        if (
            item.size > PREVIEW_MAX
            or sniffed is None
            or not sniffed.startswith(("image/", "application/pdf"))
        ):
            content.chunks.close()
            raise UserInputError(
                f"view: {item.id} is shown inline only when it is an image or a PDF"
            )
        media_type = sniffed
        body = itertools.chain([first], content.chunks)
    digest = base64.b64encode(bytes.fromhex(item.sha256)).decode()
    name = quote(item.filename, safe="")
    return StreamingResponse(
        body,
        media_type=media_type,
        headers={
            "Content-Length": str(item.size),
            "Content-Disposition": f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{name}",
            "Repr-Digest": f"sha-256=:{digest}:",
            "Content-Security-Policy": SANDBOX,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "SAMEORIGIN",
            "Cross-Origin-Resource-Policy": "same-origin",
        },
    )


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
        done = f"tag '{value.strip()}' removed" if remove else f"tagged '{value.strip()}'"
        return redirect(f"/evidence/{item_id}", ok=f"{done}; recorded in the custody log")

    @app.post("/evidence/{item_id}/annotations", include_in_schema=False)
    @page(pages, form=True)
    def annotate(request: Request, who: Principal, data: FormData, item_id: str) -> Response:
        evidence_review.annotate(ctx, who, item_id, text_of(data, "text"))
        return redirect(f"/evidence/{item_id}", ok="annotation recorded in the custody log")
