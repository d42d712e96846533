"""Paragraphs that repeat another paragraph, and definitions given twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext, normalise
from uncc.convention.text.findings import Finding, Severity
from uncc.convention.text.tree import ParsedArticle, Unit

_MIN_CHARS = 40
_DEFINITION = re.compile(r"[\"“][^\"”]+[\"”]\s+(?:means|shall\s+mean)\b", re.I)


def _label(unit: Unit) -> str:
    return unit.label or unit.id.rsplit("_", 1)[-1]


@register("duplicate-paragraph", "duplicate-definition")
def check_duplicates(ctx: LintContext) -> Iterator[Finding]:
    """A paragraph repeated in its article, or a definition repeated in another article."""
    first_seen: dict[str, tuple[ParsedArticle, Unit]] = {}
    for article in ctx.treaty.articles:
        for paragraph in article.paragraphs:
            full = paragraph.full_text()
            key = normalise(full)
            if len(key) < _MIN_CHARS:
                continue
            if key not in first_seen:
                first_seen[key] = (article, paragraph)
                continue
            original_article, original = first_seen[key]
            if original_article.number == article.number:
                yield Finding(
                    "duplicate-paragraph",
                    Severity.WARNING,
                    article.number,
                    paragraph.id,
                    f"paragraph {_label(paragraph)} (line {paragraph.line}) repeats paragraph "
                    f"{_label(original)} of the same article (line {original.line}) word for "
                    "word",
                    paragraph.line,
                    (full[:120],),
                )
            elif _DEFINITION.search(full):
                yield Finding(
                    "duplicate-definition",
                    Severity.INFO,
                    article.number,
                    paragraph.id,
                    f"this definition repeats Article {original_article.number}"
                    f"({_label(original)}); one definition in the use-of-terms article would "
                    "keep the two from drifting apart",
                    paragraph.line,
                    (full[:120],),
                )
