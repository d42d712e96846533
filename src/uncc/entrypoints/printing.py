"""How the CLI, the API and the web print a document: PDF (fpdf2) or an HTML page."""

from __future__ import annotations

from uncc.adapters.pdf_document import document_pdf
from uncc.services.documents import Render
from uncc.services.reports.document_html import document_html

RENDERERS: dict[str, Render] = {"pdf": document_pdf, "html": document_html}
"""Format → the renderer of a document."""
MEDIA = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
"""Format → the file's media type."""
