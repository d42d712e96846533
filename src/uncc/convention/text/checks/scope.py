"""Scope words ("in this article", "in this chapter") that point at the wrong unit."""

from __future__ import annotations

import re
from collections.abc import Iterator

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext, Segment
from uncc.convention.text.findings import Finding, Severity

_SCOPED = re.compile(
    r"\b(powers\s+and\s+procedures|offences|measures)\s+"
    r"(?:(?:provided\s+for|referred\s+to|set\s+forth|established)\s+)?"
    r"in\s+this\s+(article|chapter|section)\b",
    re.I,
)


@register("scope-word")
def check_scope_words(ctx: LintContext) -> Iterator[Finding]:
    """One article scopes the same thing to "this chapter" and then to "this article"."""
    for article in ctx.treaty.articles:
        scopes: dict[str, dict[str, list[tuple[Segment, str]]]] = {}
        for seg in (s for s in ctx.segments if s.article is article):
            for m in _SCOPED.finditer(seg.text):
                thing = " ".join(m.group(1).lower().split())
                scopes.setdefault(thing, {}).setdefault(m.group(2).lower(), []).append(
                    (seg, m.group(0))
                )
        for thing, by_unit in scopes.items():
            if "article" not in by_unit or len(by_unit) < 2:
                continue
            wider = sorted(k for k in by_unit if k != "article")[0]
            wide_seg = by_unit[wider][0][0]
            for seg, words in by_unit["article"]:
                yield Finding(
                    "scope-word",
                    Severity.WARNING,
                    article.number,
                    seg.unit.id,
                    f"'{words}': this article sets out no {thing} of its own and, at "
                    f"{wide_seg.unit.id}, speaks of the {thing} 'in this {wider}'; "
                    f"'this article' seems meant to be 'this {wider}'",
                    seg.unit.line,
                    (words,),
                )
