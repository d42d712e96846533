"""Parse a plain-text treaty (in the style of the seed text) into a tree of ids.

The parser reads line by line. It recognises chapter headings (``Chapter III`` with
the title on the same or the next line), article headings (``Article 43. Heading``),
numbered paragraphs (``1.``, ``- 1.Each``), lettered points (``a.``, ``a)``, ``(a)``),
roman subpoints (``i.``, ``(ii)``), bullets, and the irregular forms a PDF conversion
leaves behind: a point that also carries a number (``1. (a)``), a repeated paragraph
number, a paragraph split by a page break. Unmarked text continues the unit before it;
an unmarked bullet after a list closes that list (its *wrap-up*). Irregularities are
kept as :class:`~uncc.convention.text.tree.ParseNote` records for the linter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from uncc.convention.text.tree import (
    Chapter,
    NoteKind,
    ParsedArticle,
    ParsedTreaty,
    ParseNote,
    Unit,
    UnitKind,
)
from uncc.errors import TreatyTextError
from uncc.types import ProvisionId

_CHAPTER = re.compile(r"^Chapter\s+([IVXLC]+|\d+)\b\.?\s*(.*)$", re.IGNORECASE)
_ARTICLE = re.compile(r"^Article\s+(\d+)\s*[.:\-–]?\s*(.*)$")
_BULLET = re.compile(r"^[-•*–]\s+|^[-•*–](?=\S)")
_NUMBER = re.compile(r"^(\d{1,3})\.(?!\d)(\s*)")
_PAREN = re.compile(r"^\(([a-z]{1,5})\)(\s*)")
_LETTER = re.compile(r"^([a-z]{1,5})[.)](?![a-z.])(\s*)")
_ROMAN = re.compile(r"^(?=[ivxl]+$)(l?x{0,3})(ix|iv|v?i{0,3})$")
_SENTENCE_END = (".", ";", ":", "!", "?")
_SUFFIXES = ("bis", "ter", "quater", "quinquies", "sexies")


def is_roman(token: str) -> bool:
    """True when ``token`` is a lower-case roman numeral.

    >>> is_roman("iv"), is_roman("a"), is_roman("")
    (True, False, False)
    """
    return bool(token) and _ROMAN.match(token) is not None


def roman_value(token: str) -> int:
    """The value of a lower-case roman numeral.

    >>> roman_value("xiv")
    14
    """
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    total = 0
    for i, ch in enumerate(token):
        value = values[ch]
        nxt = values[token[i + 1]] if i + 1 < len(token) else 0
        total += -value if value < nxt else value
    return total


def _next_letter(label: str | None) -> str:
    return "a" if label is None else chr(ord(label[-1]) + 1)


@dataclass
class _Marker:
    kind: str  # "number" | "alpha"
    token: str
    raw: str
    spaced: bool


def _split_markers(content: str) -> tuple[list[_Marker], str]:
    """Peel the leading list markers off a line: ``1. (a) Text`` → [1, a], ``Text``."""
    markers: list[_Marker] = []
    rest = content
    while rest:
        if m := _NUMBER.match(rest):
            marker = _Marker("number", m.group(1), m.group(0).strip(), bool(m.group(2)))
        elif (m := _PAREN.match(rest)) or (m := _LETTER.match(rest)):
            token = m.group(1)
            if len(token) > 1 and not is_roman(token):
                break
            marker = _Marker("alpha", token, m.group(0).strip(), bool(m.group(2)))
        else:
            break
        if markers and not rest[m.end() :].strip():
            break  # "(b) y." — a last word that looks like a marker is text, not a marker
        markers.append(marker)
        rest = rest[m.end() :]
        if marker.kind == "number" and not marker.spaced and rest[:1] == "(":
            marker.spaced = True
    return markers, rest.strip()


@dataclass
class _ArticleBuilder:
    article: ParsedArticle
    notes: list[ParseNote]
    paragraph: Unit | None = None
    point: Unit | None = None
    subpoint: Unit | None = None
    last: Unit | None = None
    last_field: str = "text"
    seen_ids: set[str] = field(default_factory=set)

    def _unique(self, base: str) -> ProvisionId:
        if base not in self.seen_ids:
            self.seen_ids.add(base)
            return ProvisionId(base)
        for suffix in _SUFFIXES:
            candidate = f"{base}{suffix}"
            if candidate not in self.seen_ids:
                self.seen_ids.add(candidate)
                return ProvisionId(candidate)
        raise TreatyTextError("text", f"{base} repeats more than {len(_SUFFIXES)} times")

    def _note(self, kind: NoteKind, unit: Unit, detail: str) -> None:
        self.notes.append(ParseNote(kind, unit.id, self.article.number, unit.line, detail))

    def _last_paragraph_label(self) -> str | None:
        labels = [p.label for p in self.article.paragraphs if p.label is not None]
        return labels[-1] if labels else None

    def _expected_paragraph(self) -> str:
        last = self._last_paragraph_label()
        return "1" if last is None else str(int(last) + 1)

    def _set_last(self, unit: Unit, where: str = "text") -> None:
        self.last, self.last_field = unit, where

    def new_paragraph(self, label: str | None, marker: str, line: int) -> Unit:
        number = self.article.number
        label_for_id = str(len(self.article.paragraphs) + 1) if label is None else label
        expected = self._expected_paragraph()
        unit = Unit(
            self._unique(f"art_{number}__para_{label_for_id}"),
            UnitKind.PARAGRAPH,
            label,
            "",
            line,
            marker,
        )
        if label is not None and label != expected:
            before = self._last_paragraph_label() or "(none)"
            self._note(
                NoteKind.NUMBER_OUT_OF_SEQUENCE,
                unit,
                f"paragraph {label} follows paragraph {before}; expected {expected}",
            )
        self.article.paragraphs.append(unit)
        self.paragraph, self.point, self.subpoint = unit, None, None
        self._set_last(unit)
        return unit

    def new_point(self, label: str, marker: str, line: int) -> Unit:
        if self.paragraph is None:
            self.new_paragraph(None, "", line)
        assert self.paragraph is not None
        expected = _next_letter(self.point.label if self.point else None)
        unit = Unit(
            self._unique(f"{self.paragraph.id}__point_{label}"),
            UnitKind.POINT,
            label,
            "",
            line,
            marker,
        )
        if label != expected:
            self._note(
                NoteKind.NUMBER_OUT_OF_SEQUENCE,
                unit,
                f"point ({label}) where ({expected}) was expected",
            )
        self.paragraph.children.append(unit)
        self.point, self.subpoint = unit, None
        self._set_last(unit)
        return unit

    def new_subpoint(self, label: str, marker: str, line: int) -> Unit:
        if self.point is None:
            return self.new_point(label, marker, line)
        expected_value = roman_value(self.subpoint.label or "i") + 1 if self.subpoint else 1
        unit = Unit(
            self._unique(f"{self.point.id}__subpoint_{label}"),
            UnitKind.SUBPOINT,
            label,
            "",
            line,
            marker,
        )
        if roman_value(label) != expected_value:
            self._note(
                NoteKind.NUMBER_OUT_OF_SEQUENCE,
                unit,
                f"subpoint ({label}) out of sequence",
            )
        self.point.children.append(unit)
        self.subpoint = unit
        self._set_last(unit)
        return unit

    def append(self, text: str, *, bulleted: bool, line: int) -> None:
        """Attach unmarked text: a wrap-up after a list, or a continuation."""
        if not text:
            return
        if self.last is None:
            unit = self.new_paragraph(None, "", line)
            unit.text = text
            return
        if bulleted and self.last_field == "text" and self.last.kind is not UnitKind.PARAGRAPH:
            owner = self.point if self.last.kind is UnitKind.SUBPOINT else self.paragraph
            assert owner is not None
            owner.wrap_up = text
            self._set_last(owner, "wrap_up")
            if owner.kind is UnitKind.PARAGRAPH:
                self.point = self.subpoint = None
            else:
                self.subpoint = None
            return
        target = self.last
        current = target.wrap_up if self.last_field == "wrap_up" else target.text
        if not current:
            joined = text
        else:
            target.joined_lines += 1
            new_block = current.rstrip().endswith(_SENTENCE_END) and text[:1].isupper()
            joined = f"{current}\n{text}" if new_block else f"{current} {text}"
            if new_block and target.kind is UnitKind.PARAGRAPH and target.label is not None:
                self._note(
                    NoteKind.UNNUMBERED_BLOCK,
                    target,
                    f"an unnumbered block of text on line {line} is kept in paragraph "
                    f"{target.label}",
                )
        if self.last_field == "wrap_up":
            target.wrap_up = joined
        else:
            target.text = joined

    def take_line(self, content: str, *, bulleted: bool, line: int) -> None:
        markers, rest = _split_markers(content)
        if not markers:
            self.append(rest, bulleted=bulleted, line=line)
            return
        first = markers[0]
        unit: Unit
        raw = " ".join(m.raw for m in markers[:2])
        if first.kind == "number":
            expected_para = self._expected_paragraph()
            second = markers[1] if len(markers) > 1 else None
            stray = (
                second is not None
                and second.kind == "alpha"
                and not (second.token == "a" and first.token == expected_para)
                and self.paragraph is not None
            )
            if stray and second is not None:
                unit = self._alpha(second.token, raw, line)
                self._note(
                    NoteKind.STRAY_NUMBER,
                    unit,
                    f"point ({second.token}) is also numbered {first.token}.",
                )
                markers = markers[2:]
            else:
                unit = self.new_paragraph(first.token, first.raw, line)
                markers = markers[1:]
            if not first.spaced:
                self._note(
                    NoteKind.NO_SPACE_AFTER_MARKER,
                    unit,
                    f"no space between the marker {first.raw!r} and the text",
                )
        else:
            unit = self._alpha(first.token, first.raw, line)
            markers = markers[1:]
            if not first.spaced and rest:
                self._note(
                    NoteKind.NO_SPACE_AFTER_MARKER,
                    unit,
                    f"no space between the marker {first.raw!r} and the text",
                )
        for marker in markers:
            unit = self._alpha(marker.token, marker.raw, line)
        unit.text = rest

    def _alpha(self, token: str, raw: str, line: int) -> Unit:
        expected_letter = _next_letter(self.point.label if self.point else None)
        if is_roman(token) and token != expected_letter and self.point is not None:
            return self.new_subpoint(token, raw, line)
        return self.new_point(token, raw, line)


def parse_treaty(text: str, source: str = "text") -> ParsedTreaty:
    """Parse a treaty text into chapters, articles and their units.

    Args:
        text: the decoded text (see :func:`~uncc.convention.text.source.decode_treaty_bytes`).
        source: the name of the text, for messages.

    Returns:
        The parsed treaty with its parse notes.

    Raises:
        TreatyTextError: no line of the form ``Article N. Heading`` was found.

    >>> t = parse_treaty("Article 1. Purpose\\n1. Parties shall act.\\n2. They may:\\n(a) talk;")
    >>> [u.id for _, u in t.units()]
    ['art_1__para_1', 'art_1__para_2', 'art_1__para_2__point_a']
    """
    title = ""
    preamble: list[str] = []
    chapters: list[Chapter] = []
    articles: list[ParsedArticle] = []
    notes: list[ParseNote] = []
    builder: _ArticleBuilder | None = None
    chapter_waiting_title: int | None = None

    for lineno, raw_line in enumerate(text.split("\n"), 1):
        line = raw_line.strip()
        if not line:
            continue
        if chapter_match := _CHAPTER.match(line):
            number, chapter_title = chapter_match.group(1).upper(), chapter_match.group(2).strip()
            chapters.append(Chapter(number, chapter_title, lineno))
            chapter_waiting_title = None if chapter_title else len(chapters) - 1
            continue
        if article_match := _ARTICLE.match(line):
            number = int(article_match.group(1))
            chapter = chapters[-1].number if chapters else None
            article = ParsedArticle(
                number,
                ProvisionId(f"art_{number}"),
                article_match.group(2).strip(),
                chapter,
                lineno,
            )
            articles.append(article)
            builder = _ArticleBuilder(article, notes)
            chapter_waiting_title = None
            continue
        if chapter_waiting_title is not None:
            old = chapters[chapter_waiting_title]
            chapters[chapter_waiting_title] = Chapter(old.number, line, old.line)
            chapter_waiting_title = None
            continue
        if builder is None:
            if not title:
                title = line
            else:
                preamble.append(line)
            continue
        bullet = _BULLET.match(line)
        content = line[bullet.end() :] if bullet else line
        builder.take_line(content.strip(), bulleted=bullet is not None, line=lineno)

    if not articles:
        raise TreatyTextError(
            source, "no article found: expected lines such as 'Article 1. Heading'"
        )
    return ParsedTreaty(source, title, preamble, chapters, articles, notes)
