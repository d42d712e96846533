"""Documents to print and sign: an order, a request, an admissibility report, as data.

A document is what is printed, field by field, with its legal basis (the provisions
cited), its authorisation (who, when), its deadlines and the custody head of the node
when it was made. Its **verification code** is the SHA-256 of its canonical content
(RFC 8785 JSON of everything printed but the code itself): the node records each
document it issues, so a receiver can ask the node whether a code, or a file, is one it
issued (``services.documents.verify``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

import rfc8785

CODE = re.compile(r"^[0-9a-f]{64}$")
MARK = "uncc-document:"
"""What precedes the code in a printed file's metadata (PDF keywords, an HTML meta tag)."""
FOUND_IN_FILE = re.compile(rb"uncc-document:([0-9a-f]{64})")


@dataclass(frozen=True)
class Line:
    """One printed field: its label and its value in words (a list: one value a line)."""

    label: str
    value: str | tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """A heading and its fields."""

    heading: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Document:
    """A printable document of the node, with its verification code."""

    kind: str
    """'order', 'request' or 'admissibility'."""
    object: str
    """The id of the record printed (the order, the request, the evidence item)."""
    state: str
    """The issuing State."""
    authority: str
    """The issuing node's name."""
    title: str
    issued_at: str
    """When the document was made (ISO 8601, UTC)."""
    issued_by: str
    sections: tuple[Section, ...]
    legal_basis: tuple[str, ...]
    """The provisions cited, as lawyers cite them."""
    authorisation: tuple[Line, ...]
    deadlines: tuple[Line, ...]
    head: dict[str, Any] = field(default_factory=dict)
    """The custody log's signed head when the document was made: origin, size, root."""

    def content(self) -> dict[str, Any]:
        """Everything printed but the code, as data (what the code is the hash of)."""
        return {
            "uncc": "document/1",
            "kind": self.kind,
            "object": self.object,
            "state": self.state,
            "authority": self.authority,
            "title": self.title,
            "issued_at": self.issued_at,
            "issued_by": self.issued_by,
            "sections": [
                {"heading": s.heading, "lines": [_line(x) for x in s.lines]} for s in self.sections
            ],
            "legal_basis": list(self.legal_basis),
            "authorisation": [_line(x) for x in self.authorisation],
            "deadlines": [_line(x) for x in self.deadlines],
            "head": {k: self.head[k] for k in ("origin", "size", "root") if k in self.head},
        }

    @property
    def issued_words(self) -> str:
        """When it was made, to the minute, in UTC."""
        moment = dt.datetime.fromisoformat(self.issued_at).astimezone(dt.UTC)
        return moment.strftime("%Y-%m-%d %H:%M UTC")

    @property
    def code(self) -> str:
        """The verification code: SHA-256 of the canonical content (RFC 8785), hex."""
        return content_code(self.content())


def _line(line: Line) -> list[Any]:
    return [line.label, list(line.value) if isinstance(line.value, tuple) else line.value]


def content_code(content: dict[str, Any]) -> str:
    """The SHA-256 of a document's content in canonical JSON (RFC 8785), hex."""
    return hashlib.sha256(rfc8785.dumps(content)).hexdigest()


def from_content(content: dict[str, Any]) -> Document:
    """A document back from its recorded content (to print it again as it was issued)."""

    def lines(raw: list[Any]) -> tuple[Line, ...]:
        return tuple(Line(str(k), tuple(v) if isinstance(v, list) else str(v)) for k, v in raw)

    return Document(
        kind=content["kind"],
        object=content["object"],
        state=content["state"],
        authority=content["authority"],
        title=content["title"],
        issued_at=content["issued_at"],
        issued_by=content["issued_by"],
        sections=tuple(Section(s["heading"], lines(s["lines"])) for s in content["sections"]),
        legal_basis=tuple(content["legal_basis"]),
        authorisation=lines(content["authorisation"]),
        deadlines=lines(content["deadlines"]),
        head=dict(content["head"]),
    )


def code_in(data: bytes) -> str | None:
    """The verification code a printed file carries (None: it carries none)."""
    found = FOUND_IN_FILE.search(data)
    return found[1].decode() if found else None
