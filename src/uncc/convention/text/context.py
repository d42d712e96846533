"""What the lint checks share: the parsed text, its units, kinds of articles and terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from uncc.convention.text.tree import ParsedArticle, ParsedTreaty, Unit
from uncc.types import ProvisionId

_OFFENCE = re.compile(r"establish\w*\s+as\s+(?:an?\s+)?(?:criminal\s+)?offences?\b", re.I)
_DEFINES = re.compile(r"[\"“]([^\"”]+)[\"”]\s+(?:means|shall\s+mean)\b", re.I)
_THE_TERM = re.compile(
    r"\bthe\s+term\s+[\"“]([^\"”]+)[\"”]\s+(?:means|shall\s+(?:mean|include)|includes)\b",
    re.I,
)
_ALSO_INCLUDES = re.compile(r"[\"“]([^\"”]+)[\"”]\s+(?:also\s+)?includes\b", re.I)
_QUOTED = re.compile(r"[\"“]([^\"”]{2,80})[\"”]")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces, punctuation dropped.

    >>> normalise('The "Party", shall  act.')
    'the party shall act'
    """
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Segment:
    """A stretch of text owned by one unit: its own text or its wrap-up."""

    article: ParsedArticle
    unit: Unit
    text: str


@dataclass
class LintContext:
    """The parsed treaty with indexes the checks need, computed once."""

    treaty: ParsedTreaty

    @cached_property
    def segments(self) -> list[Segment]:
        """Every unit's own text and wrap-up, in document order."""
        out: list[Segment] = []
        for article, unit in self.treaty.units():
            if unit.text:
                out.append(Segment(article, unit, unit.text))
            if unit.wrap_up:
                out.append(Segment(article, unit, unit.wrap_up))
        return out

    @cached_property
    def units_by_id(self) -> dict[ProvisionId, tuple[ParsedArticle, Unit]]:
        """Every unit by its id."""
        return {unit.id: (article, unit) for article, unit in self.treaty.units()}

    @cached_property
    def articles_by_number(self) -> dict[int, ParsedArticle]:
        """The first article with each number."""
        out: dict[int, ParsedArticle] = {}
        for article in self.treaty.articles:
            out.setdefault(article.number, article)
        return out

    def establishes_offence(self, article: ParsedArticle) -> bool:
        """True when the article obliges the parties to make some conduct an offence."""
        return _OFFENCE.search(article.full_text()) is not None

    @cached_property
    def offence_articles(self) -> list[int]:
        """Numbers of the articles that establish offences."""
        return [a.number for a in self.treaty.articles if self.establishes_offence(a)]

    @cached_property
    def definitions(self) -> dict[str, list[Segment]]:
        """Defined terms (lower case) with the segments that define them."""
        out: dict[str, list[Segment]] = {}
        for segment in self.segments:
            for pattern in (_DEFINES, _THE_TERM, _ALSO_INCLUDES):
                for match in pattern.finditer(segment.text):
                    term = match.group(1).strip().lower()
                    bucket = out.setdefault(term, [])
                    if segment not in bucket:
                        bucket.append(segment)
        return out

    @cached_property
    def quoted_terms(self) -> dict[str, list[Segment]]:
        """Every quoted phrase (lower case) with the segments that quote it."""
        out: dict[str, list[Segment]] = {}
        for segment in self.segments:
            for match in _QUOTED.finditer(segment.text):
                out.setdefault(match.group(1).strip().lower(), []).append(segment)
        return out


def ranges(numbers: list[int]) -> str:
    """Compact ranges of article numbers.

    >>> ranges([6, 7, 8, 10, 12, 13])
    '6–8, 10, 12–13'
    """
    parts: list[str] = []
    start = prev = None
    for n in sorted(set(numbers)):
        if start is None:
            start = prev = n
        elif prev is not None and n == prev + 1:
            prev = n
        else:
            parts.append(f"{start}" if start == prev else f"{start}–{prev}")
            start = prev = n
    if start is not None:
        parts.append(f"{start}" if start == prev else f"{start}–{prev}")
    return ", ".join(parts)
