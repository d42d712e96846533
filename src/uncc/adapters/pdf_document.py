"""A document (``domain.documents``) as PDF, drawn with fpdf2 in pure Python (no browser).

A4, the node and title on top, each section's fields as label and value, the legal
basis, the authorisation, the deadlines, then the verification code and the custody
head, with room to sign. The code is also in the PDF's keywords (``uncc-document:…``),
so that a file can be checked without reading its text. The PDF's dates are the
document's, so the same document always gives the same bytes.

Text in any script needs a Unicode font: DejaVu Sans when installed (Debian's
``fonts-dejavu-core``) or the font ``UNCC_PDF_FONT`` names; without one, the PDF core
font is used and characters outside Latin-1 are replaced by '?'.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from uncc.domain.documents import MARK, Document, Line

FONTS = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)
_PLAIN = {
    "\u2014": "-",
    "\u2013": "-",
    "\u2026": "...",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2192": "->",
    "\u2713": "v",
}


def _font() -> Path | None:
    named = os.environ.get("UNCC_PDF_FONT")
    if named and Path(named).is_file():
        return Path(named)
    return next((f for f in FONTS if f.is_file()), None)


class _Pdf(FPDF):
    unicode = False
    body_font = "Helvetica"

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        for char, plain in _PLAIN.items():
            value = value.replace(char, plain)
        return value.encode("latin-1", "replace").decode("latin-1")


def _setup(doc: Document) -> _Pdf:
    pdf = _Pdf(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(auto=True, margin=16)
    font = _font()
    if font is not None:
        pdf.add_font("Body", "", str(font))
        bold = font.with_name(font.stem + "-Bold.ttf")
        pdf.add_font("Body", "B", str(bold if bold.is_file() else font))
        pdf.unicode = True
        pdf.body_font = "Body"
    else:
        pdf.body_font = "Helvetica"
    issued = dt.datetime.fromisoformat(doc.issued_at)
    pdf.set_creation_date(issued)
    pdf.set_title(pdf.text_of(doc.title))
    pdf.set_author(pdf.text_of(doc.authority))
    pdf.set_subject(f"{doc.kind} {doc.object}")
    pdf.set_keywords(f"{MARK}{doc.code}")
    pdf.set_creator("uncc")
    pdf.set_producer("uncc (fpdf2)")
    pdf.add_page()
    return pdf


def _heading(pdf: _Pdf, text: str, size: int = 12) -> None:
    pdf.set_font(pdf.body_font, "B", size)
    pdf.multi_cell(0, size * 0.55, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _lines(pdf: _Pdf, lines: tuple[Line, ...]) -> None:
    for line in lines:
        values = line.value if isinstance(line.value, tuple) else (line.value,)
        pdf.set_font(pdf.body_font, "B", 9)
        pdf.multi_cell(0, 4.8, pdf.text_of(line.label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(pdf.body_font, "", 10)
        for value in values or ("-",):
            pdf.set_x(pdf.l_margin + 6)
            pdf.multi_cell(0, 5, pdf.text_of(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.8)


def document_pdf(doc: Document) -> bytes:
    """The document as PDF bytes."""
    pdf = _setup(doc)
    pdf.set_font(pdf.body_font, "", 9)
    pdf.multi_cell(
        0,
        4.5,
        pdf.text_of(
            f"{doc.authority} ({doc.state}) - issued {doc.issued_words} by {doc.issued_by}"
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    _heading(pdf, doc.title, 15)
    for section in doc.sections:
        _heading(pdf, section.heading)
        _lines(pdf, section.lines)
    _heading(pdf, "Legal basis")
    _lines(pdf, (Line("Provisions cited", doc.legal_basis or ("none recorded",)),))
    _heading(pdf, "Authorisation")
    _lines(pdf, doc.authorisation or (Line("Authorised", "not recorded"),))
    _heading(pdf, "Deadlines")
    _lines(pdf, doc.deadlines or (Line("Deadlines", "none"),))
    _heading(pdf, "Verification")
    head = doc.head
    _lines(
        pdf,
        (
            Line("Verification code (SHA-256 of the document's content)", doc.code),
            Line(
                "Custody head when made",
                f"{head.get('origin', '?')}, size {head.get('size', '?')}, root {head.get('root', '?')}",
            ),
            Line("Check", f"uncc document verify {doc.code} - or this file"),
        ),
    )
    pdf.ln(6)
    pdf.set_font(pdf.body_font, "", 10)
    pdf.cell(0, 6, pdf.text_of("Signature: ______________________    Date: ____________"))
    return bytes(pdf.output())
