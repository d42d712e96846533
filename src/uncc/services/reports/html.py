"""The admissibility report of an evidence item (Art. 49) as a printable HTML document.

``admissibility_html`` gives a self-contained page (styles inline, no scripts) to hand
to a court; ``admissibility_body`` gives the same report as a fragment, for the web to
show inside its own layout (styled by ``REPORT_CSS``, which the web serves as a file).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from uncc.services.reports.common import (
    basis_words,
    custody_proven,
    head_rows,
    sender_proven,
    signature_words,
)

_ENV = Environment(
    loader=PackageLoader("uncc.services.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

REPORT_CSS = (files("uncc.services.reports") / "templates" / "admissibility.css").read_text(
    encoding="utf-8"
)
"""The report's styles, screen and print (scoped to ``.admissibility``)."""


def _context(report: dict[str, Any]) -> dict[str, Any]:
    received = report.get("received")
    return {
        "report": report,
        "item": report["item"],
        "acq": report["acquisition"],
        "cp": report["checkpoint"],
        "head": report.get("head"),
        "proven": custody_proven(report),
        "sender_ok": received is not None and sender_proven(received),
        "basis": basis_words(report),
        "signature_words": signature_words,
        "head_rows": head_rows,
    }


def admissibility_body(report: dict[str, Any]) -> str:
    """The report as an HTML fragment (an ``<article>``), every value escaped."""
    return _ENV.get_template("admissibility-body.html.j2").render(_context(report))


def admissibility_html(report: dict[str, Any]) -> str:
    """The report as a standalone HTML document, with a print stylesheet."""
    return _ENV.get_template("admissibility.html.j2").render(_context(report))
