"""The treaties the proposal builds on, and where each of its articles stands against them.

Each treaty is a data file (``treaty-<id>.yaml`` in :mod:`uncc.convention.data`): its
articles by number with a short title in the project's own words, and, for every article
of the proposal, the relation (:class:`~uncc.convention.model.Relation`), the counterpart
article numbers and a note on the substantive difference. Nothing here quotes a treaty.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import ConfigDict, TypeAdapter, ValidationError

from uncc.convention.model import Correspondence, Relation
from uncc.convention.treaty_ids import TREATY_IDS
from uncc.errors import ConventionDataError
from uncc.yaml12 import load_yaml

_STRICT = ConfigDict(extra="forbid")
DATA_PACKAGE = "uncc.convention.data"


@dataclass(frozen=True)
class TreatyArticle:
    """An article of another treaty: its number and a short title (the project's words)."""

    __pydantic_config__ = _STRICT

    number: int
    title: str


@dataclass(frozen=True)
class Mapping:
    """Where one article of the proposal stands against the treaty."""

    __pydantic_config__ = _STRICT

    article: int
    relation: Relation
    at: tuple[int, ...] = ()
    """The treaty's counterpart articles (none when new or outside the treaty's field)."""
    note: str = ""


@dataclass(frozen=True)
class Treaty:
    """A treaty, its articles, and the mapping of every article of the proposal onto it."""

    __pydantic_config__ = _STRICT

    id: str
    short: str
    name: str
    adopted: dt.date
    articles: tuple[TreatyArticle, ...]
    mappings: tuple[Mapping, ...]

    def title(self, number: int) -> str | None:
        """The short title of the treaty's article, or ``None`` when it has no such article."""
        return next((a.title for a in self.articles if a.number == number), None)

    def mapping(self, article: int) -> Mapping | None:
        """The mapping of the proposal's article, or ``None``."""
        return next((m for m in self.mappings if m.article == article), None)

    def unmatched(self) -> list[TreatyArticle]:
        """The treaty's articles no article of the proposal corresponds to."""
        cited = {n for m in self.mappings for n in m.at}
        return [a for a in self.articles if a.number not in cited]

    def correspondence(self) -> Iterable[Correspondence]:
        """One :class:`Correspondence` per counterpart article."""
        for m in self.mappings:
            for number in m.at:
                yield Correspondence(m.article, self.short, str(number), m.relation, m.note)


@cache
def _treaty() -> TypeAdapter[Treaty]:
    """The validator of a treaty file, built on first use (not at import)."""
    return TypeAdapter(Treaty)


def _expand(raw: Any) -> Any:
    if isinstance(raw, dict) and isinstance(raw.get("articles"), list):
        raw = dict(raw)
        raw["articles"] = [
            {"number": a[0], "title": a[1]} if isinstance(a, list) and len(a) == 2 else a
            for a in raw["articles"]
        ]
    return raw


def load_treaty(treaty_id: str) -> Treaty:
    """One bundled treaty, validated.

    Raises:
        ConventionDataError: the file is missing, not YAML, or fails validation.
    """
    name = f"treaty-{treaty_id}.yaml"
    try:
        text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
        raw = load_yaml(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConventionDataError(f"{name}: cannot be read ({exc})") from None
    try:
        treaty = _treaty().validate_python(_expand(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConventionDataError(f"{name}: {where}: {first['msg']}") from None
    if treaty.id != treaty_id:
        raise ConventionDataError(f"{name}: id is {treaty.id!r}, expected {treaty_id!r}")
    return treaty


def load_treaties() -> tuple[Treaty, ...]:
    """Every bundled treaty, in the order of :data:`TREATY_IDS`."""
    return tuple(load_treaty(t) for t in TREATY_IDS)


def treaty_problems(treaty: Treaty, articles: Iterable[int]) -> list[str]:
    """Every inconsistency of a treaty's mapping against the proposal's article numbers."""
    problems: list[str] = []
    where = f"treaty {treaty.id}"
    numbers = [a.number for a in treaty.articles]
    if numbers != sorted(set(numbers)):
        problems.append(f"{where}: article numbers must be unique and in order")
    expected = list(articles)
    mapped = [m.article for m in treaty.mappings]
    if mapped != expected:
        lacking = sorted(set(expected) - set(mapped))
        extra = sorted(set(mapped) - set(expected))
        problems.append(
            f"{where}: must map each article once, in order (lacking {lacking}, unknown {extra})"
        )
    for m in treaty.mappings:
        problems.extend(
            f"{where}: Art. {m.article} cites Art. {n}, which the treaty does not have"
            for n in m.at
            if treaty.title(n) is None
        )
        absent = m.relation in (Relation.NEW, Relation.NO_COUNTERPART)
        if absent and m.at:
            problems.append(f"{where}: Art. {m.article} is {m.relation.value} but cites {m.at}")
        if not absent and not m.at:
            problems.append(f"{where}: Art. {m.article} is {m.relation.value} but cites nothing")
        if m.relation is not Relation.SAME and not m.note:
            problems.append(f"{where}: Art. {m.article} is {m.relation.value} without a note")
    return problems


RELATION_WORDS = {
    Relation.SAME: "same",
    Relation.NARROWER: "proposal narrower",
    Relation.WIDER: "proposal wider",
    Relation.MIXED: "wider and narrower",
    Relation.NEW: "new in the proposal",
    Relation.NO_COUNTERPART: "outside the treaty's field",
}
"""How reports name each relation."""

COMPARISON_FORMAT = "treaty-comparison/1"


def comparison(
    treaty: Treaty, headings: dict[int, str], article: int | None = None
) -> dict[str, Any]:
    """The proposal against a treaty, article by article, as a JSON-ready document.

    ``headings`` maps the proposal's article numbers to their headings; ``article``
    keeps only that article (and leaves out the treaty's unmatched articles).
    """
    chosen = [m for m in treaty.mappings if article is None or m.article == article]
    counts = {r.value: sum(1 for m in chosen if m.relation is r) for r in Relation}
    document: dict[str, Any] = {
        "uncc": COMPARISON_FORMAT,
        "treaty": {
            "id": treaty.id,
            "short": treaty.short,
            "name": treaty.name,
            "adopted": treaty.adopted.isoformat(),
        },
        "summary": counts,
        "articles": [
            {
                "article": m.article,
                "id": f"art_{m.article}",
                "heading": headings.get(m.article, ""),
                "relation": m.relation.value,
                "counterparts": [{"number": n, "title": treaty.title(n)} for n in m.at],
                "note": m.note,
            }
            for m in chosen
        ],
    }
    if article is None:
        document["unmatched"] = [{"number": a.number, "title": a.title} for a in treaty.unmatched()]
    return document
