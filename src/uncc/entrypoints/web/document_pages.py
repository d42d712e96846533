"""Printable documents on the web: an order, a request, an admissibility report, and their check.

``/documents/{kind}/{id}`` gives the document as a page to print (its own stylesheet: no
navigation, no forms) or, with ``?format=pdf``, as PDF; each is recorded with its
verification code. ``/documents/verify`` checks a code or an uploaded printed file.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from uncc.entrypoints.printing import MEDIA, RENDERERS
from uncc.entrypoints.web.i18n import N_
from uncc.entrypoints.web.kit import Pages, page
from uncc.errors import UserInputError
from uncc.services import documents
from uncc.services.context import Principal
from uncc.services.reports.document_html import DOCUMENT_CSS

MAX_FILE = 20 * 1024 * 1024
"""The largest printed file a check reads."""


def install(app: FastAPI, pages: Pages) -> None:
    """Add the document pages."""
    ctx = pages.ctx

    @app.get("/documents/document.css", include_in_schema=False)
    def document_css() -> Response:
        return Response(DOCUMENT_CSS, media_type="text/css; charset=utf-8")

    @app.get("/documents/verify", include_in_schema=False)
    @page(pages)
    def verify_form(request: Request, who: Principal, code: str = "") -> Response:
        verdict = documents.verify(ctx, who, code=code) if code.strip() else None
        return pages.render(
            request,
            "document_check.html",
            who,
            title=N_("Check a document"),
            verdict=verdict,
            code=code,
        )

    @app.post("/documents/verify", include_in_schema=False)
    @page(pages, form=True)
    def verify_file(request: Request, who: Principal, data: FormData) -> Response:
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise UserInputError("file: choose the printed file (PDF or HTML)")
        content = upload.file.read(MAX_FILE + 1)
        if len(content) > MAX_FILE or not content:
            raise UserInputError(f"file: a printed document has 1 to {MAX_FILE} bytes")
        verdict = documents.verify(ctx, who, data=content)
        return pages.render(
            request,
            "document_check.html",
            who,
            title=N_("Check a document"),
            verdict=verdict,
            code="",
        )

    @app.get("/documents/{kind}/{object_id}", include_in_schema=False)
    @page(pages)
    def print_document(
        request: Request, who: Principal, kind: str, object_id: str, format: str = "html"
    ) -> Response:
        if format not in RENDERERS:
            raise UserInputError(f"format '{format}': expected pdf or html")
        made = documents.issue(ctx, who, kind, object_id, fmt=format, render=RENDERERS[format])
        disposition = "attachment" if format == "pdf" else "inline"
        return Response(
            made.data,
            media_type=MEDIA[format],
            headers={
                "Content-Disposition": f'{disposition}; filename="{made.document.object}-{kind}.{format}"',
                "X-Verification-Code": made.document.code,
            },
        )
