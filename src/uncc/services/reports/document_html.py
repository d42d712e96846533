"""A printable document (``domain.documents``) as a standalone HTML page.

Styles inline (and linked, for the site), no scripts, no navigation and no forms: what
prints is the document. Its
verification code is in a ``<meta name="uncc-document">`` tag as well as in the text.
"""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape

from uncc.domain.documents import MARK, Document

_ENV = Environment(
    loader=PackageLoader("uncc.services.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

DOCUMENT_CSS = (files("uncc.services.reports") / "templates" / "document.css").read_text(
    encoding="utf-8"
)
"""The document's styles, screen and print: inline in the file, and served by the web as a
file too (the site's content security policy admits no inline style)."""


def document_html(doc: Document) -> bytes:
    """The document as an HTML page (UTF-8 bytes), with a print stylesheet."""
    html = _ENV.get_template("document.html.j2").render(doc=doc, mark=MARK)
    return html.encode("utf-8")
