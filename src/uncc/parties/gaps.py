"""Implementation gaps of a State Party.

Implementation gaps: the articles a State must give effect to that its profile does not
show as implemented (as the Council of Europe's country profiles do for Budapest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uncc.convention.catalogue import Convention
from uncc.convention.model import ArticleKind, Modality
from uncc.parties.profile import ImplementationStatus, Profile

TO_IMPLEMENT = frozenset(
    {
        ArticleKind.OFFENCE,
        ArticleKind.LIABILITY,
        ArticleKind.PARTICIPATION,
        ArticleKind.LIMITATION,
        ArticleKind.SANCTIONS,
        ArticleKind.JURISDICTION,
        ArticleKind.PROCEDURAL_SCOPE,
        ArticleKind.SAFEGUARDS,
        ArticleKind.PROCEDURAL_POWER,
        ArticleKind.EVIDENCE,
        ArticleKind.CRIMINAL_RECORD,
        ArticleKind.PROTECTION,
        ArticleKind.REMEDY,
    }
)
"""Kinds of article that call for domestic legislation."""


@dataclass(frozen=True)
class Gap:
    """An article not (fully) implemented."""

    article: int
    heading: str
    status: str
    provision: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "article": self.article,
            "id": f"art_{self.article}",
            "heading": self.heading,
            "status": self.status,
            "provision": self.provision,
            "note": self.note,
        }


def gaps(profile: Profile, convention: Convention) -> list[Gap]:
    """Every article that needs legislation and is not mapped as implemented."""
    found: list[Gap] = []
    for article in convention.articles:
        needs = article.kind in TO_IMPLEMENT and any(
            p.modality in (Modality.SHALL, Modality.SHALL_ENDEAVOUR) for p in article.paragraphs
        )
        if not needs:
            continue
        entry = profile.implementation.get(article.number)
        if entry is None:
            found.append(Gap(article.number, article.heading, "not mapped"))
        elif entry.status is not ImplementationStatus.IMPLEMENTED:
            where = " ".join(x for x in (entry.statute, entry.section) if x) or None
            word = "partly" if entry.status is ImplementationStatus.PARTLY else "not implemented"
            found.append(Gap(article.number, article.heading, word, where, entry.note))
    return found
