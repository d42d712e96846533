"""The admissibility report (Art. 49) in the web: in the site's layout, printable, and downloads."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from uncc.entrypoints.web.kit import Pages, page
from uncc.errors import UserInputError
from uncc.services import admissibility
from uncc.services.context import Principal

PRINT_CSS = """
@media print {
  .skip, header.top, .flash, .no-print { display: none; }
  main { max-width: none; margin: 0; padding: 0; }
}
"""
"""What the site hides when a report page is printed: the site's header and buttons."""


def install(app: FastAPI, pages: Pages) -> None:
    """Add the report's pages to the node's app."""
    ctx = pages.ctx

    @app.get("/reports/admissibility.css", include_in_schema=False)
    def report_css() -> Response:
        from uncc.services.reports.html import REPORT_CSS  # noqa: PLC0415

        return Response(REPORT_CSS + PRINT_CSS, media_type="text/css; charset=utf-8")

    @app.get("/evidence/{item_id}/report", include_in_schema=False)
    @page(pages)
    def report_page(request: Request, who: Principal, item_id: str) -> Response:
        from uncc.services.reports.html import admissibility_body  # noqa: PLC0415

        data = admissibility.admissibility(ctx, who, item_id)
        return pages.render(
            request,
            "evidence_report.html",
            who,
            title=f"Admissibility report {item_id}",
            item_id=item_id,
            report_html=admissibility_body(data),
        )

    @app.get("/evidence/{item_id}/report.{fmt}", include_in_schema=False)
    @page(pages)
    def report(request: Request, who: Principal, item_id: str, fmt: str) -> Response:
        from uncc.services.reports import admissibility_html, admissibility_markdown  # noqa: PLC0415

        data = admissibility.admissibility(ctx, who, item_id)
        if fmt == "json":
            return Response(
                json.dumps(data, ensure_ascii=False, indent=2),
                media_type="application/json",
                headers={
                    "Content-Disposition": f'attachment; filename="{item_id}-admissibility.json"'
                },
            )
        if fmt == "md":
            return PlainTextResponse(
                admissibility_markdown(data),
                media_type="text/markdown; charset=utf-8",
                headers={
                    "Content-Disposition": f'attachment; filename="{item_id}-admissibility.md"'
                },
            )
        if fmt == "html":
            return HTMLResponse(
                admissibility_html(data),
                headers={
                    "Content-Disposition": f'attachment; filename="{item_id}-admissibility.html"'
                },
            )
        raise UserInputError(f"format '{fmt}': expected md, html or json")
