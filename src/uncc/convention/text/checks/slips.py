"""Small slips: doubled words, spelling and hyphenation variants, capitals, punctuation."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext, Segment
from uncc.convention.text.findings import Finding, Severity

_DOUBLED = re.compile(r"\b(\w+)\s+\1\b", re.I)
_ARTICLE_PAIR = re.compile(r"\b(an?|the)\s+(an?|the)\b", re.I)
_FINE_DOUBLES = frozenset({"that", "had", "is"})
_WORD = re.compile(r"[A-Za-z][A-Za-z-]*[A-Za-z]")
_THIS_X = re.compile(r"\bthis\s+(convention|treaty|protocol|agreement)\b", re.I)
_END = (".", ";", ":", ",", "?", "!", '"', "”", ")")


def _first(ctx: LintContext, pattern: re.Pattern[str]) -> Segment | None:
    return next((s for s in ctx.segments if pattern.search(s.text)), None)


@register("doubled-word")
def check_doubled_words(ctx: LintContext) -> Iterator[Finding]:
    """A word written twice, or two articles in a row ("an a")."""
    for seg in ctx.segments:
        for pattern in (_DOUBLED, _ARTICLE_PAIR):
            for m in pattern.finditer(seg.text):
                if m.group(1).lower() in _FINE_DOUBLES:
                    continue
                if pattern is _ARTICLE_PAIR and m.group(1).lower() == m.group(2).lower():
                    continue  # "the the" is already reported as a doubled word
                yield Finding(
                    "doubled-word",
                    Severity.WARNING,
                    seg.article.number,
                    seg.unit.id,
                    f"'{m.group(0)}': one of the two words is a slip",
                    seg.unit.line,
                    (seg.text[max(0, m.start() - 20) : m.end() + 20],),
                )


def _vocabulary(ctx: LintContext) -> Counter[str]:
    words: Counter[str] = Counter()
    for seg in ctx.segments:
        words.update(w.lower() for w in _WORD.findall(seg.text))
    return words


def _undouble(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(1, len(word)) if word[i] == word[i - 1]}


@register("spelling-variant")
def check_spelling_variants(ctx: LintContext) -> Iterator[Finding]:
    """The same word spelt two ways (a doubled letter, a hyphen) in one text."""
    words = _vocabulary(ctx)
    text = " ".join(seg.text.lower() for seg in ctx.segments)
    pairs: list[tuple[str, str]] = []
    for word in words:
        pairs.extend((single, word) for single in _undouble(word) if single in words)
        if "-" in word:
            closed = word.replace("-", "")
            if closed in words:
                pairs.append((closed, word))
    for m in re.finditer(r"\b([a-z]+)-([a-z]+)\s+([a-z]+)\b", text):
        open_form = f"{m.group(1)} {m.group(2)} {m.group(3)}"
        if open_form in text:
            pairs.append((open_form, m.group(0)))
    for one, two in sorted(set(pairs)):
        pattern = re.compile(rf"\b{re.escape(two)}\b" if words[two] else re.escape(two), re.I)
        other = re.compile(rf"\b{re.escape(one)}\b", re.I)
        seg = _first(ctx, pattern) if words[one] >= words[two] else _first(ctx, other)
        if seg is None:
            continue
        yield Finding(
            "spelling-variant",
            Severity.INFO,
            seg.article.number,
            seg.unit.id,
            f"'{one}' and '{two}' both occur; pick one spelling",
            seg.unit.line,
            (one, two),
        )


@register("capitalisation")
def check_capitalisation(ctx: LintContext) -> Iterator[Finding]:
    """The treaty's own name written once with and once without its capital."""
    forms: Counter[str] = Counter()
    for seg in ctx.segments:
        forms.update(m.group(0).split()[1] for m in _THIS_X.finditer(seg.text))
    for word in {w.lower() for w in forms}:
        capital = word.capitalize()
        if forms[capital] > forms[word] > 0:
            pattern = re.compile(rf"\bthis\s+{word}\b")
            for seg in (s for s in ctx.segments if pattern.search(s.text)):
                yield Finding(
                    "capitalisation",
                    Severity.INFO,
                    seg.article.number,
                    seg.unit.id,
                    f"'this {word}' where the text elsewhere writes 'this {capital}' "
                    f"({forms[capital]}×)",
                    seg.unit.line,
                    (f"this {word}",),
                )


@register("heading-punctuation", "missing-final-punctuation")
def check_punctuation(ctx: LintContext) -> Iterator[Finding]:
    """A heading that ends with a full stop; a paragraph that stops without one."""
    stops = [a for a in ctx.treaty.articles if a.heading.endswith(".")]
    if len(stops) * 2 < len(ctx.treaty.articles):
        for article in stops:
            yield Finding(
                "heading-punctuation",
                Severity.INFO,
                article.number,
                article.id,
                "the heading ends with a full stop, unlike the other headings",
                article.line,
                (article.heading,),
            )
    for article in ctx.treaty.articles:
        for paragraph in article.paragraphs:
            last = paragraph
            while last.children and not last.wrap_up:
                last = last.children[-1]
            tail = (last.wrap_up or last.text).rstrip()
            if tail and not tail.endswith(_END):
                yield Finding(
                    "missing-final-punctuation",
                    Severity.INFO,
                    article.number,
                    paragraph.id,
                    "the paragraph ends without a full stop; check that no words were lost",
                    paragraph.line,
                    (tail[-60:],),
                )
