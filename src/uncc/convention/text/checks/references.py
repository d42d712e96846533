"""References that point nowhere, and references to the wrong kind of article."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext, Segment, normalise, ranges
from uncc.convention.text.findings import Finding, Severity
from uncc.types import ProvisionId

_NUM = r"\d+(?:\.\d+)?"
_ARTICLES = re.compile(
    rf"\barticles?\s+({_NUM}(?:\s*(?:,|and|or|through|to|-|–)\s*{_NUM})*)"
    r"(?P<after>\s+of\s+(?:this\s+convention|the\s+[A-Z][\w ]+))?",
    re.I,
)
_ARTICLE_ON = re.compile(
    r"\bthe\s+article\s+on\s+([a-z][a-z ,\-]*?)(?=\s+of\s+this\b|[,.;:])", re.I
)
_OFFENCE_CONTEXT = re.compile(
    r"offences?\s+(?:established|set\s+forth|referred\s+to|defined)\s+"
    r"(?:in\s+accordance\s+with|in|under)\s+$",
    re.I,
)
_PARAS = re.compile(
    r"\bparagraphs?\s+(\d+)((?:\s*(?:,|and|or|to)\s*\d+\b(?!\s*,\s*sub))*)"
    r"(?:\s*\(([a-z])\))?(?:\s+([a-z])\.(i{1,3}|iv|v)\b)?"
    r"(?P<of>\s+of\s+article\s+(\d+))?",
    re.I,
)
_PARA_SUB = re.compile(
    r"\bparagraphs?\s+(\d+),\s*sub-?paragraphs?\s+([a-z])\b\.?((?:\s*(?:,|and|or)\s*[a-z]\b\.?)*)",
    re.I,
)
_POINT_SUB = re.compile(r"\bparagraphs?\s+([a-z])\.(i{1,3}|iv|v)((?:\s+or\s+(?:i{1,3}|iv|v))*)\b")
_SUBPARA = re.compile(r"\bsub-?paragraphs?\s+\(([a-z])\)", re.I)


@dataclass(frozen=True)
class Reference:
    """A reference found in a segment: its words and the ids it may point at."""

    segment: Segment
    words: str
    article: int
    targets: tuple[ProvisionId, ...]
    offence_context: bool


def _expand(spec: str) -> list[str]:
    """``'41 and 42'`` → ['41', '42']; ``'1 to 3'`` → ['1', '2', '3']."""
    tokens = re.findall(rf"{_NUM}|through|to|-|–", spec, re.I)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        is_range = i + 2 < len(tokens) and tokens[i + 1].lower() in {"through", "to", "-", "–"}
        if is_range:
            out.extend(_span(token, tokens[i + 2]))
            i += 3
            continue
        if re.fullmatch(_NUM, token):
            out.append(token)
        i += 1
    return out


def _span(first: str, last: str) -> list[str]:
    if (
        "." in first
        and "." in last
        and first.split(".", maxsplit=1)[0] == last.split(".", maxsplit=1)[0]
    ):
        head = first.split(".", maxsplit=1)[0]
        lo, hi = int(first.split(".")[1]), int(last.split(".")[1])
        return [f"{head}.{n}" for n in range(lo, hi + 1)]
    try:
        return [str(n) for n in range(int(first), int(last) + 1)]
    except ValueError:
        return [first, last]


def _article_target(token: str) -> ProvisionId:
    if "." in token:
        article, paragraph = token.split(".", 1)
        return ProvisionId(f"art_{article}__para_{paragraph}")
    return ProvisionId(f"art_{token}")


def _paragraph_id(segment: Segment) -> ProvisionId:
    parts = segment.unit.id.split("__")
    return ProvisionId("__".join(parts[:2]))


def find_references(ctx: LintContext) -> Iterator[Reference]:
    """Every reference to an article, paragraph or point in the text."""
    for seg in ctx.segments:
        number = seg.article.number
        text = seg.text
        for m in _ARTICLES.finditer(text):
            after = m.group("after") or ""
            if after and "convention" not in after.lower():
                continue  # an article of another instrument
            tokens = _expand(m.group(1))
            before = text[max(0, m.start() - 80) : m.start()]
            offence = _OFFENCE_CONTEXT.search(before) is not None
            yield Reference(
                seg,
                m.group(0).strip(),
                number,
                tuple(_article_target(t) for t in tokens),
                offence,
            )
        for m in _ARTICLE_ON.finditer(text):
            subject = normalise(m.group(1))
            hits = [
                a.id
                for a in ctx.treaty.articles
                if normalise(a.heading) == subject or normalise(a.heading).startswith(subject)
            ]
            target = hits[0] if hits else ProvisionId(f"art_on:{subject}")
            yield Reference(seg, m.group(0).strip(), number, (target,), False)
        yield from _paragraph_references(seg)


def _paragraph_references(seg: Segment) -> Iterator[Reference]:
    number = seg.article.number
    text = seg.text
    claimed: list[tuple[int, int]] = []
    for m in _PARA_SUB.finditer(text):
        claimed.append(m.span())
        base = f"art_{number}__para_{m.group(1)}"
        letters = [m.group(2), *re.findall(r"\b([a-z])\b", m.group(3) or "")]
        points = tuple(ProvisionId(f"{base}__point_{x}") for x in letters)
        yield Reference(seg, m.group(0).strip(), number, points, False)
    for m in _POINT_SUB.finditer(text):
        claimed.append(m.span())
        para = _paragraph_id(seg)
        romans = [m.group(2), *re.findall(r"i{1,3}|iv|v", m.group(3) or "")]
        subpoints = tuple(ProvisionId(f"{para}__point_{m.group(1)}__subpoint_{r}") for r in romans)
        yield Reference(seg, m.group(0).strip(), number, subpoints, False)
    for m in _PARAS.finditer(text):
        if any(start <= m.start() < end for start, end in claimed):
            continue
        article = int(m.group(7)) if m.group("of") else number
        base = f"art_{article}__para_"
        numbers = [m.group(1), *re.findall(r"\d+", m.group(2) or "")]
        if re.search(r"\bto\b", m.group(2) or ""):
            numbers = _span(numbers[0], numbers[-1])
        point = m.group(3) or m.group(4)
        targets: list[ProvisionId] = []
        for n in numbers:
            target = f"{base}{n}"
            if point:
                target += f"__point_{point}"
                if m.group(5):
                    target += f"__subpoint_{m.group(5)}"
            targets.append(ProvisionId(target))
        yield Reference(seg, m.group(0).strip(), article, tuple(targets), False)
    for m in _SUBPARA.finditer(text):
        if any(start <= m.start() < end for start, end in claimed):
            continue
        para = _paragraph_id(seg)
        yield Reference(
            seg, m.group(0).strip(), number, (ProvisionId(f"{para}__point_{m.group(1)}"),), False
        )


def _describe_missing(target: str) -> str:
    if target.startswith("art_on:"):
        return f"no article is headed '{target.removeprefix('art_on:')}'"
    parts = target.split("__")
    if len(parts) == 1:
        return f"there is no Article {parts[0].removeprefix('art_')}"
    names = {"para": "paragraph", "point": "point", "subpoint": "subpoint"}
    labels = [
        f"{names.get(p.split('_', 1)[0], p.split('_', 1)[0])} {p.split('_', 1)[1]}"
        for p in parts[1:]
    ]
    return f"Article {parts[0].removeprefix('art_')} has no {', '.join(labels)}"


@register("ref-unresolved", "ref-wrong-kind")
def check_references(ctx: LintContext) -> Iterator[Finding]:
    """References that point nowhere, or at an article of the wrong kind."""
    known = ctx.treaty.ids()
    seen: set[tuple[str, str, str]] = set()
    for ref in find_references(ctx):
        seg = ref.segment
        missing = [t for t in ref.targets if t not in known]
        articles = {t.split("__")[0] for t in ref.targets}
        wrong_kind = []
        if ref.offence_context:
            for art_id in sorted(articles):
                article = ctx.articles_by_number.get(int(art_id.removeprefix("art_")))
                if article is not None and not ctx.establishes_offence(article):
                    wrong_kind.append(article)
        code = "ref-wrong-kind" if wrong_kind else "ref-unresolved" if missing else ""
        key = (seg.unit.id, ref.words, code)
        if not code or key in seen:
            continue
        seen.add(key)
        if wrong_kind:
            names = "; ".join(f"Article {a.number} is '{a.heading}'" for a in wrong_kind)
            extra = f" ({_describe_missing(missing[0])})" if missing else ""
            message = (
                f"'{ref.words}' is cited for offences, but {names}, which establishes no "
                f"offence{extra}; the offence articles of this text are "
                f"{ranges(ctx.offence_articles)}"
            )
        else:
            message = f"'{ref.words}' points nowhere: " + "; ".join(
                _describe_missing(t) for t in missing
            )
        yield Finding(
            code,
            Severity.ERROR,
            seg.article.number,
            seg.unit.id,
            message,
            seg.unit.line,
            (ref.words,),
        )
