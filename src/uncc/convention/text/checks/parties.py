"""How the text names the States it binds, and duties laid on someone who is not a party."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from uncc.convention.text.checks import register
from uncc.convention.text.context import LintContext
from uncc.convention.text.findings import Finding, Severity

_PARTY = re.compile(r"\b(?:(States?)\s+)?(Part(?:y|ies)|part(?:y|ies))\b")
_ACRONYM_DUTY = re.compile(r"(?:^|(?<=[.;:]\s))([A-Z][A-Z0-9/-]{2,})\s+shall\b")


def _form(state: str | None, party: str) -> str | None:
    if state is None:
        return "Party" if party[0].isupper() else None  # lower-case "parties" is ordinary prose
    return "State Party" if party[0].isupper() else "State party"


@register("party-naming")
def check_party_naming(ctx: LintContext) -> Iterator[Finding]:
    """The parties bound are named in more than one way."""
    forms: Counter[str] = Counter()
    by_article: dict[int, Counter[str]] = {}
    first_unit: dict[tuple[int, str], tuple[str, int]] = {}
    for seg in ctx.segments:
        for m in _PARTY.finditer(seg.text):
            form = _form(m.group(1), m.group(2))
            if form is None:
                continue
            forms[form] += 1
            by_article.setdefault(seg.article.number, Counter())[form] += 1
            first_unit.setdefault((seg.article.number, form), (seg.unit.id, seg.unit.line))
    if len(forms) < 2:
        return
    usual = forms.most_common(1)[0][0]
    for number, counts in sorted(by_article.items()):
        odd = sorted(f for f in counts if f != usual)
        if not odd:
            continue
        unit_id, line = first_unit[(number, odd[0])]
        said = ", ".join(f'"{f}" ({counts[f]}×)' for f in odd)
        yield Finding(
            "party-naming",
            Severity.WARNING,
            number,
            unit_id,  # type: ignore[arg-type]
            f"Article {number} names the bound States {said}, where the text mostly says "
            f'"{usual}" ({forms[usual]}×)',
            line,
            tuple(odd),
        )


@register("non-party-obligation")
def check_non_party_duties(ctx: LintContext) -> Iterator[Finding]:
    """A duty laid on an organisation that is not a party to the treaty."""
    for seg in ctx.segments:
        for m in _ACRONYM_DUTY.finditer(seg.text):
            who = m.group(1)
            yield Finding(
                "non-party-obligation",
                Severity.WARNING,
                seg.article.number,
                seg.unit.id,
                f"'{who} shall …' lays a duty on {who}, which is not a party; a treaty binds "
                "only its parties unless the third party accepts the duty in writing "
                "(Vienna Convention on the Law of Treaties, Arts. 34–35)",
                seg.unit.line,
                (m.group(0),),
            )
