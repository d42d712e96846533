"""Irregular numbering: out of sequence, doubled markers, missing spaces, mixed styles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext
from uncc.convention.text.findings import Finding, Severity
from uncc.convention.text.tree import NoteKind, UnitKind
from uncc.types import ProvisionId


def _style(marker: str) -> str:
    tail = marker.rsplit(maxsplit=1)[-1] if marker else ""
    if re.fullmatch(r"\([a-z]+\)", tail):
        return "(a)"
    if re.fullmatch(r"[a-z]+\)", tail):
        return "a)"
    return "a."


@register("numbering-sequence", "numbering-stray", "marker-spacing", "unnumbered-block")
def check_parse_notes(ctx: LintContext) -> Iterator[Finding]:
    """Numbering irregularities the parser met and resolved."""
    stray: dict[str, list[str]] = {}
    stray_first: dict[str, tuple[int, int]] = {}
    for note in ctx.treaty.notes:
        if note.kind is NoteKind.STRAY_NUMBER:
            parent = note.unit_id.rsplit("__", 1)[0]
            stray.setdefault(parent, []).append(note.detail)
            stray_first.setdefault(parent, (note.article, note.line))
            continue
        code, severity = {
            NoteKind.NUMBER_OUT_OF_SEQUENCE: ("numbering-sequence", Severity.WARNING),
            NoteKind.NO_SPACE_AFTER_MARKER: ("marker-spacing", Severity.INFO),
            NoteKind.UNNUMBERED_BLOCK: ("unnumbered-block", Severity.INFO),
        }[note.kind]
        yield Finding(code, severity, note.article, note.unit_id, note.detail, note.line)
    for parent, details in stray.items():
        article, line = stray_first[parent]
        yield Finding(
            "numbering-stray",
            Severity.WARNING,
            article,
            ProvisionId(parent),
            f"its points carry paragraph numbers as well as letters ({'; '.join(details)}); "
            "a citation such as 'paragraph 1 (a)' becomes ambiguous",
            line,
        )


@register("marker-style")
def check_marker_style(ctx: LintContext) -> Iterator[Finding]:
    """Points lettered in a style other than the text's usual one."""
    styles: Counter[str] = Counter()
    per_article: dict[int, Counter[str]] = {}
    first: dict[tuple[int, str], tuple[ProvisionId, int]] = {}
    for article, unit in ctx.treaty.units():
        if unit.kind is not UnitKind.POINT or not unit.marker:
            continue
        style = _style(unit.marker)
        styles[style] += 1
        per_article.setdefault(article.number, Counter())[style] += 1
        first.setdefault((article.number, style), (unit.id, unit.line))
    if len(styles) < 2:
        return
    usual = styles.most_common(1)[0][0]
    for number, counts in sorted(per_article.items()):
        for style in sorted(s for s in counts if s != usual):
            unit_id, line = first[(number, style)]
            yield Finding(
                "marker-style",
                Severity.INFO,
                number,
                unit_id,
                f"points lettered '{style.replace('a', 'x')}' where the text mostly uses "
                f"'{usual.replace('a', 'x')}' ({styles[usual]}×)",
                line,
            )
