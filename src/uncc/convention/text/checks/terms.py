"""Terms used but never defined, and one concept named in different ways."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext, Segment, normalise
from uncc.convention.text.findings import Finding, Severity

_STOP = frozenset(
    (
        "the a an of in on to by for with any other such its their that this these part which "
        "who whether or and not as is be under within through from into at against over "
        "without upon between"
    ).split()
)
_AS_DEFINED = re.compile(
    r"((?:[a-z-]+\s+){0,3}[a-z-]+)\s+as\s+(?:identified|defined|described|referred\s+to)\s+"
    r"in\s+article\s+(\d+)",
    re.I,
)


def _alternatives(ctx: LintContext) -> dict[str, tuple[str, list[Segment]]]:
    """Phrases offered as alternatives to a defined term: ``D or X head``."""
    found: dict[str, tuple[str, list[Segment]]] = {}
    defined = set(ctx.definitions)
    for term in defined:
        words = term.split()
        if len(words) < 2:
            continue
        head, modifier = words[-1], " ".join(words[:-1])
        patterns = [
            re.compile(
                rf"\b{re.escape(term)}\s+(?:or|and)\s+(?:an?\s+|the\s+)?"
                rf"((?:[a-z-]+\s+){{1,4}}){re.escape(head)}\b"
            ),
            re.compile(rf"\b{re.escape(modifier)}\s+(?:or|and)\s+([a-z-]+\s+){re.escape(head)}\b"),
        ]
        for seg in ctx.segments:
            lowered = seg.text.lower()
            for pattern in patterns:
                for m in pattern.finditer(lowered):
                    modifiers = m.group(1).split()
                    if modifiers[0] in _STOP or modifiers[-1] in _STOP:
                        continue
                    candidate = f"{' '.join(modifiers)} {head}"
                    if candidate in defined or term in candidate:
                        continue
                    entry = found.setdefault(candidate, (term, []))
                    entry[1].append(seg)
    return found


def _occurrences(ctx: LintContext, phrase: str) -> list[Segment]:
    pattern = re.compile(rf"\b{re.escape(phrase)}\b", re.I)
    return [seg for seg in ctx.segments if pattern.search(seg.text)]


@register("term-undefined")
def check_undefined_terms(ctx: LintContext) -> Iterator[Finding]:
    """Terms put in quotes or offered as alternatives to a defined term, never defined."""
    defined = set(ctx.definitions)
    for term, segments in sorted(ctx.quoted_terms.items()):
        if term in defined:
            continue
        first = segments[0]
        yield Finding(
            "term-undefined",
            Severity.WARNING,
            first.article.number,
            first.unit.id,
            f'"{term}" is written as a defined term (in quotes) but no provision says what '
            "it means",
            first.unit.line,
            (term,),
        )
    for candidate, (term, _) in sorted(_alternatives(ctx).items()):
        uses = _occurrences(ctx, candidate)
        first = uses[0]
        articles = sorted({seg.article.number for seg in uses})
        yield Finding(
            "term-undefined",
            Severity.WARNING,
            first.article.number,
            first.unit.id,
            f'"{candidate}" is used beside the defined term "{term}" ({len(uses)} places, '
            f"articles {', '.join(map(str, articles))}) but is never defined, so its reach "
            "is unclear",
            first.unit.line,
            (candidate,),
        )


def _phrase_variants(ctx: LintContext) -> Iterator[tuple[str, str, list[Segment]]]:
    """Recurring phrases that also appear with one inner word inflected differently."""
    grams: Counter[tuple[str, ...]] = Counter()
    where: dict[tuple[str, ...], list[Segment]] = {}
    for seg in ctx.segments:
        words = re.findall(r"[a-z][a-z-]*", seg.text.lower())
        for n in (3, 4):
            for i in range(len(words) - n + 1):
                gram = tuple(words[i : i + n])
                if gram[0] in _STOP or gram[-1] in _STOP:
                    continue
                grams[gram] += 1
                where.setdefault(gram, []).append(seg)
    reported: set[tuple[str, ...]] = set()
    for gram, count in grams.items():
        for i in range(1, len(gram) - 1):
            word = gram[i]
            if word in _STOP:
                continue
            other = word[:-1] if word.endswith("s") else word + "s"
            variant = (*gram[:i], other, *gram[i + 1 :])
            following = gram[i + 1]
            if following in _STOP:
                continue  # the word heads its own phrase: singular and plural are both right
            if variant in grams and count >= 3 * grams[variant] and variant not in reported:
                reported.add(variant)
                yield " ".join(gram), " ".join(variant), where[variant]


@register("term-variant")
def check_term_variants(ctx: LintContext) -> Iterator[Finding]:
    """One concept named in different ways."""
    for seg in ctx.segments:
        for m in _AS_DEFINED.finditer(seg.text):
            phrase, number = m.group(1).strip(), int(m.group(2))
            target = ctx.articles_by_number.get(number)
            if target is None:
                continue
            words = [w for w in phrase.lower().split() if w not in _STOP]
            tail = " ".join(words[-3:])
            there = normalise(target.full_text())
            if not tail or any(normalise(" ".join(words[-n:])) in there for n in (2, 3)):
                continue
            defined_there = sorted(
                {t for t, segs in ctx.definitions.items() if segs[0].article.number == number}
            )
            named = ", ".join(f'"{t}"' for t in defined_there) or "other words"
            yield Finding(
                "term-variant",
                Severity.WARNING,
                seg.article.number,
                seg.unit.id,
                f'"{tail}" is said to be as in Article {number}, but Article {number} never '
                f"uses that name; it speaks of {named}",
                seg.unit.line,
                (m.group(0),),
            )
    for usual, variant, segments in _phrase_variants(ctx):
        first = segments[0]
        yield Finding(
            "term-variant",
            Severity.INFO,
            first.article.number,
            first.unit.id,
            f'"{variant}" here, where the text elsewhere says "{usual}"',
            first.unit.line,
            (variant,),
        )
