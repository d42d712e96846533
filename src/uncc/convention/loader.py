"""Read the project's YAML encoding of the Convention into the typed model.

The YAML is written for people: ids of paragraphs and points are derived from their
labels, ``at`` may be relative to the article (``para_2__point_a``), and elements get
ids from their offence and role. This module expands those shorthands and validates the
result strictly (unknown keys are errors), naming the file and field of any mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from uncc.convention.model import Article, Term
from uncc.errors import ConventionDataError
from uncc.yaml12 import load_yaml


@cache
def _articles() -> TypeAdapter[Article]:
    """The validator of one article, built on first use (not at import: ``uncc --help``)."""
    return TypeAdapter(Article)


@cache
def _terms() -> TypeAdapter[list[Term]]:
    """The validator of the terms, built on first use."""
    return TypeAdapter(list[Term])


DATA_PACKAGE = "uncc.convention.data"
ARTICLE_FILES = ("general.yaml", "offences.yaml", "liability.yaml", "procedure.yaml")


def _read_yaml(name: str) -> Any:
    text = resources.files(DATA_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise ConventionDataError(f"{name}: not valid YAML: {exc}") from None


def _absolute(article_id: str, at: str | None) -> str:
    if not at:
        return article_id
    return at if at.startswith("art_") else f"{article_id}__{at}"


def _paragraph(article_id: str, ordinal: int, raw: Mapping[str, Any]) -> dict[str, Any]:
    raw = dict(raw)
    label = raw.pop("n", None)
    label = None if label is None else str(label)
    pid = raw.pop("id", None) or f"{article_id}__para_{label or ordinal}"
    points = []
    for entry in raw.pop("points", []):
        spec, gist = (entry, "") if isinstance(entry, str) else next(iter(entry.items()))
        letter, _, roman = str(spec).partition(".")
        point_id = f"{pid}__point_{letter}" + (f"__subpoint_{roman}" if roman else "")
        points.append({"id": point_id, "label": roman or letter, "gist": gist or ""})
    refs = [_absolute(article_id, r) for r in raw.pop("refs", [])]
    return {"id": pid, "label": label, "points": points, "refs": refs, **raw}


def _element(
    article_id: str, offence_id: str, raw: Mapping[str, Any], default_at: str | None = None
) -> dict[str, Any]:
    raw = dict(raw)
    if not raw.get("at") and default_at:
        raw["at"] = default_at
    role = raw["role"]
    explicit = raw.pop("id", None)
    eid = explicit or f"{offence_id}.{role}"
    if role == "mental" and not explicit:
        raw.setdefault("any_of", ["intent"])
    if "." not in eid:
        eid = f"{offence_id}.{eid}"
    return {**raw, "id": eid, "at": _absolute(article_id, raw.pop("at", None))}


def _expand_article(raw: Mapping[str, Any]) -> dict[str, Any]:
    raw = dict(raw)
    number = int(raw["number"])
    article_id = f"art_{number}"
    raw["id"] = article_id
    raw["paragraphs"] = [
        _paragraph(article_id, i, p) for i, p in enumerate(raw.get("paragraphs", []), 1)
    ]

    def at(item: Mapping[str, Any], key: str = "at") -> dict[str, Any]:
        out = dict(item)
        out[key] = _absolute(article_id, item.get(key))
        return out

    offences = []
    for offence in raw.get("offences", []):
        item = at(offence)
        item["elements"] = [
            _element(article_id, item["id"], e, item["at"]) for e in item["elements"]
        ]
        item["exclusions"] = [at(x) for x in item.get("exclusions", [])]
        offences.append(item)
    raw["offences"] = offences
    options = []
    for option in raw.get("options", []):
        item = at(option)
        item["id"] = f"{article_id}.{item['id']}"
        if "adds_element" in item:
            element = dict(item["adds_element"])
            element.setdefault("at", option.get("at"))
            item["adds_element"] = _element(article_id, item["id"], element)
        options.append(item)
    raw["options"] = options
    for key in ("grounds", "safeguards"):
        raw[key] = [at(x) for x in raw.get(key, [])]
    raw["rules"] = [{**at(x), "id": f"{article_id}.{x['id']}"} for x in raw.get("rules", [])]
    powers = []
    for power in raw.get("powers", []):
        item = at(power)
        item["subject_to"] = [_absolute(article_id, s) for s in item.get("subject_to", [])]
        if item.get("confidentiality"):
            item["confidentiality"] = _absolute(article_id, item["confidentiality"])
        if item.get("order"):
            terms = dict(item["order"])
            for key in ("duration_at", "renewal_at"):
                if terms.get(key):
                    terms[key] = _absolute(article_id, terms[key])
            option = terms.get("renewal_option")
            if option and not option.startswith("art_"):
                terms["renewal_option"] = f"{article_id}.{option}"
            item["order"] = terms
        powers.append(item)
    raw["powers"] = powers
    return raw


def _where(exc: ValidationError) -> str:
    first = exc.errors()[0]
    loc = ".".join(str(p) for p in first["loc"])
    return f"{loc}: {first['msg']}"


def load_articles() -> list[Article]:
    """Every article of the bundled encoding, validated, in number order.

    Raises:
        ConventionDataError: a file is missing, is not YAML, or fails validation.
    """
    articles: list[Article] = []
    for name in ARTICLE_FILES:
        entries = _read_yaml(name)
        if not isinstance(entries, list):
            raise ConventionDataError(f"{name}: expected a list of articles")
        for raw in entries:
            number = raw.get("number", "?") if isinstance(raw, dict) else "?"
            try:
                articles.append(_articles().validate_python(_expand_article(raw)))
            except ValidationError as exc:
                raise ConventionDataError(f"{name}: article {number}: {_where(exc)}") from None
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ConventionDataError(
                    f"{name}: article {number}: malformed entry ({exc})"
                ) from None
    return sorted(articles, key=lambda a: a.number)


def load_terms() -> list[Term]:
    """The terms the Convention defines or uses."""
    try:
        return _terms().validate_python(_read_yaml("terms.yaml"))
    except ValidationError as exc:
        raise ConventionDataError(f"terms.yaml: {_where(exc)}") from None
