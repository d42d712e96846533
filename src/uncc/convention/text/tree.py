"""The tree a parsed treaty text yields: articles, paragraphs, points and subpoints.

Every unit carries an Akoma-Ntoso-style id (``art_10__para_1__point_a__subpoint_i``),
the label it had in the text, its own text, an optional wrap-up (the words that close a
list, as in "…, with intent that …" after the points) and the line it started on, so
that lint findings can point at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from uncc.types import ProvisionId


class UnitKind(StrEnum):
    """The level of a unit below an article."""

    PARAGRAPH = "paragraph"
    POINT = "point"
    SUBPOINT = "subpoint"


@dataclass
class Unit:
    """A paragraph, point or subpoint of a parsed article.

    Attributes:
        id: Akoma-Ntoso-style id.
        kind: paragraph, point or subpoint.
        label: the number, letter or roman numeral it carried (``None`` if unnumbered).
        text: the unit's own text (for a unit with children, the words before them).
        line: 1-based line where the unit starts.
        marker: the marker exactly as written (``"1."``, ``"(a)"``, ``"a)"``, ``"1. (a)"``).
        children: points of a paragraph, subpoints of a point.
        wrap_up: words after the children that close the unit's list.
        joined_lines: how many continuation lines (page breaks, wrapped lines) were joined.
    """

    id: ProvisionId
    kind: UnitKind
    label: str | None
    text: str
    line: int
    marker: str = ""
    children: list[Unit] = field(default_factory=list)
    wrap_up: str = ""
    joined_lines: int = 0

    def walk(self) -> Iterator[Unit]:
        """Yield this unit and every unit below it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def full_text(self) -> str:
        """The unit's text with its children and wrap-up, as one string."""
        parts = [self.text] if self.text else []
        parts.extend(child.full_text() for child in self.children)
        if self.wrap_up:
            parts.append(self.wrap_up)
        return " ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``uncc convention parse`` for this unit."""
        out: dict[str, Any] = {"id": self.id, "label": self.label, "text": self.text}
        out["points"] = [child.to_json() for child in self.children]
        if self.wrap_up:
            out["wrap_up"] = self.wrap_up
        out["line"] = self.line
        return out


@dataclass
class ParsedArticle:
    """One article of a parsed treaty text."""

    number: int
    id: ProvisionId
    heading: str
    chapter: str | None
    line: int
    paragraphs: list[Unit] = field(default_factory=list)

    def walk(self) -> Iterator[Unit]:
        """Yield every unit of the article in document order."""
        for paragraph in self.paragraphs:
            yield from paragraph.walk()

    def full_text(self) -> str:
        """The article's whole text, paragraphs joined by blank lines."""
        return "\n\n".join(p.full_text() for p in self.paragraphs)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``uncc convention parse`` for this article."""
        return {
            "number": self.number,
            "id": self.id,
            "heading": self.heading,
            "chapter": self.chapter,
            "line": self.line,
            "paragraphs": [p.to_json() for p in self.paragraphs],
        }


@dataclass(frozen=True)
class Chapter:
    """A chapter heading: its roman number and title."""

    number: str
    title: str
    line: int


class NoteKind(StrEnum):
    """Irregularities the parser met and resolved; the linter reports them."""

    STRAY_NUMBER = "stray-number"
    """A point carried a paragraph number as well as its letter (``1. (a)``)."""
    NO_SPACE_AFTER_MARKER = "no-space-after-marker"
    """The text runs into the marker (``1.Each``)."""
    NUMBER_OUT_OF_SEQUENCE = "number-out-of-sequence"
    """A label that is not the next in its list (a gap, a repeat or a step back)."""
    UNNUMBERED_BLOCK = "unnumbered-block"
    """A block of text without a number between numbered paragraphs."""


@dataclass(frozen=True)
class ParseNote:
    """An irregularity of the text that the parser resolved, kept for the linter."""

    kind: NoteKind
    unit_id: ProvisionId
    article: int
    line: int
    detail: str


@dataclass
class ParsedTreaty:
    """A treaty text parsed into chapters and articles."""

    source: str
    title: str
    preamble: list[str]
    chapters: list[Chapter]
    articles: list[ParsedArticle]
    notes: list[ParseNote] = field(default_factory=list)

    def article(self, number: int) -> ParsedArticle | None:
        """The first article with this number, or ``None``."""
        return next((a for a in self.articles if a.number == number), None)

    def units(self) -> Iterator[tuple[ParsedArticle, Unit]]:
        """Every unit of every article, with its article."""
        for article in self.articles:
            for unit in article.walk():
                yield article, unit

    def ids(self) -> set[ProvisionId]:
        """Every article and unit id of the text."""
        found = {a.id for a in self.articles}
        found.update(unit.id for _, unit in self.units())
        return found

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape of ``uncc convention parse``."""
        return {
            "source": self.source,
            "title": self.title,
            "chapters": [
                {"number": c.number, "title": c.title, "line": c.line} for c in self.chapters
            ],
            "articles": [a.to_json() for a in self.articles],
        }
