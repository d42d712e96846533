"""Evidence bytes as an HTTP response, for the API and the web alike.

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

from fastapi.responses import StreamingResponse

from uncc.errors import UserInputError
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
