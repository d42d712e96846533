"""The Convention as one queryable object, and the integrity checks of its encoding."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

from uncc.convention import compiled
from uncc.convention.loader import load_articles, load_terms
from uncc.convention.model import (
    Article,
    ArticleKind,
    Correspondence,
    DurationSource,
    Modality,
    Offence,
    Option,
    OptionKind,
    Power,
    RenewalSource,
    Term,
)
from uncc.convention.treaties import Treaty, load_treaties, treaty_problems
from uncc.errors import ConventionDataError, UnknownProvisionError
from uncc.types import ProvisionId

ARTICLE_COUNT = 56


@dataclass(frozen=True)
class Convention:
    """The whole Convention: articles, terms and the treaties it builds on, with lookups."""

    articles: tuple[Article, ...]
    terms: tuple[Term, ...]
    treaties: tuple[Treaty, ...] = ()
    correspondence: tuple[Correspondence, ...] = field(init=False, compare=False)
    _by_number: dict[int, Article] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_number", {a.number: a for a in self.articles})
        pairs = tuple(c for t in self.treaties for c in t.correspondence())
        object.__setattr__(self, "correspondence", pairs)

    def article(self, number: int) -> Article:
        """The article with this number.

        Raises:
            UnknownProvisionError: no such article; the message gives the valid range.
        """
        try:
            return self._by_number[number]
        except KeyError:
            first, last = self.articles[0].number, self.articles[-1].number
            raise UnknownProvisionError(
                f"there is no Article {number}: articles run from {first} to {last}"
            ) from None

    def resolve(self, reference: str) -> Article:
        """The article for ``43``, ``Art. 43``, ``art_43`` or ``art_43__para_2``."""
        match = re.fullmatch(r"(?:art(?:icle)?[._ ]*)?(\d+)(?:__\S*)?", reference.strip(), re.I)
        if not match:
            raise UnknownProvisionError(
                f"'{reference}' is not an article number or provision id (e.g. 43, art_43)"
            )
        return self.article(int(match.group(1)))

    def ids(self) -> set[ProvisionId]:
        """Every article, paragraph, point and subpoint id."""
        return {i for article in self.articles for i in article.ids()}

    def offences(self) -> Iterator[tuple[Article, Offence]]:
        """Every offence rule with its article."""
        for article in self.articles:
            for offence in article.offences:
                yield article, offence

    def powers(self) -> Iterator[tuple[Article, Power]]:
        """Every procedural power with its article."""
        for article in self.articles:
            for power in article.powers:
                yield article, power

    def options(self) -> Iterator[tuple[Article, Option]]:
        """Every option and reservation with its article."""
        for article in self.articles:
            for option in article.options:
                yield article, option

    def term(self, term_id: str) -> Term | None:
        """A term by id, or ``None``."""
        return next((t for t in self.terms if t.id == term_id), None)

    def counterparts(self, number: int, instrument: str | None = None) -> list[Correspondence]:
        """The counterparts of an article in other instruments, or in one (``ETS 185``)."""
        return [
            c
            for c in self.correspondence
            if c.article == number and (instrument is None or c.instrument == instrument)
        ]

    def treaty(self, treaty_id: str) -> Treaty:
        """A treaty the proposal builds on, by id (``ets185``, ``cets224``, ``un2024``).

        Raises:
            UnknownProvisionError: no such treaty; the message lists the known ones.
        """
        found = next((t for t in self.treaties if t.id == treaty_id.strip().lower()), None)
        if found is None:
            known = ", ".join(t.id for t in self.treaties)
            raise UnknownProvisionError(f"unknown treaty '{treaty_id}': use one of {known}")
        return found

    def is_new(self, number: int) -> bool:
        """True when the article has no counterpart in the Budapest Convention."""
        return not self.counterparts(number, "ETS 185")

    def cited_by(self, number: int) -> list[ProvisionId]:
        """Ids in other articles whose references point into this article."""
        prefix = f"art_{number}"
        found: list[ProvisionId] = []
        for article in self.articles:
            if article.number == number:
                continue
            for paragraph in article.paragraphs:
                hits = (r for r in paragraph.refs if r == prefix or r.startswith(prefix + "__"))
                if any(hits):
                    found.append(paragraph.id)
        return found

    def chapters(self) -> list[str]:
        """Chapter numbers in order."""
        return list(dict.fromkeys(a.chapter for a in self.articles))


def integrity_problems(convention: Convention) -> list[str]:
    """Every inconsistency of the encoding, as messages; an empty list means sound."""
    problems: list[str] = []
    numbers = [a.number for a in convention.articles]
    if numbers != list(range(1, ARTICLE_COUNT + 1)):
        problems.append(f"articles must be numbered 1..{ARTICLE_COUNT}, got {numbers}")
    ids = convention.ids()
    for article in convention.articles:
        for who, target in article.citations():
            if target not in ids:
                problems.append(f"art_{article.number}: {who} cites unknown provision {target}")
        if article.kind is ArticleKind.OFFENCE and not article.offences:
            problems.append(f"art_{article.number}: offence article without an offence rule")
        for paragraph in article.paragraphs:
            if paragraph.modality is Modality.MAY_RESERVE and not any(
                o.kind is OptionKind.RESERVATION and o.at.startswith(paragraph.id)
                for o in article.options
            ):
                problems.append(f"{paragraph.id}: 'may reserve' without a declared reservation")
    term_ids = {t.id for t in convention.terms}
    for article in convention.articles:
        problems.extend(
            f"art_{article.number}: unknown term {term}"
            for term in article.terms
            if term not in term_ids
        )
    for term in convention.terms:
        problems.extend(
            f"term {term.id}: defined at unknown provision {at}"
            for at in term.defined_at
            if at not in ids
        )
        if not term.defined_at and not term.note:
            problems.append(f"term {term.id}: undefined term without a note on how uncc reads it")
    known_targets = _target_ids(convention)
    for _, option in convention.options():
        problems.extend(
            f"{option.id}: unknown target {target}"
            for target in option.targets
            if target not in known_targets
        )
        if option.kind is OptionKind.MAY_REQUIRE and option.adds_element is None:
            problems.append(f"{option.id}: 'may require' option without the element it adds")
    for treaty in convention.treaties:
        problems.extend(treaty_problems(treaty, numbers))
    problems.extend(_order_terms_problems(convention))
    seen: set[str] = set()
    for _, offence in convention.offences():
        if offence.id in seen:
            problems.append(f"offence id {offence.id} is used twice")
        seen.add(offence.id)
    return problems


def _order_terms_problems(convention: Convention) -> Iterator[str]:
    """Order terms that the node could not apply.

    A ceiling without a number, a renewal by an option that does not exist, a period
    without its provision.
    """
    options = {o.id for _, o in convention.options()}
    for _, power in convention.powers():
        terms = power.order
        convention_sets = terms.duration is DurationSource.CONVENTION
        if convention_sets != (terms.max_days is not None):
            yield f"{power.id}: max_days is given exactly when the Convention sets the period"
        if terms.duration is not DurationSource.NONE and terms.duration_at is None:
            yield f"{power.id}: a period without the provision that limits it (duration_at)"
        if (terms.renewal is RenewalSource.OPTION) != (terms.renewal_option is not None):
            yield f"{power.id}: renewal_option is given exactly when renewal is by option"
        if terms.renewal_option is not None and terms.renewal_option not in options:
            yield f"{power.id}: unknown renewal option {terms.renewal_option}"
        if terms.renewal is not RenewalSource.NEVER and terms.renewal_at is None:
            yield f"{power.id}: a renewal without the provision that allows it (renewal_at)"


def _target_ids(convention: Convention) -> set[str]:
    targets: set[str] = {t.id for t in convention.terms}
    for article in convention.articles:
        targets.update(o.id for o in article.offences)
        targets.update(o.id for o in article.options)
        targets.update(p.id for p in article.powers)
        targets.update(g.id for g in article.grounds)
        targets.update(r.id for r in article.rules)
    return targets


def _validated_convention() -> Convention:
    """The Convention read from its YAML, validated and checked for integrity.

    Raises:
        ConventionDataError: the encoding fails validation or an integrity check.
    """
    convention = Convention(tuple(load_articles()), tuple(load_terms()), load_treaties())
    problems = integrity_problems(convention)
    if problems:
        raise ConventionDataError("; ".join(problems[:5]))
    return convention


@cache
def load_convention() -> Convention:
    """The bundled Convention, loaded once and checked for integrity.

    Raises:
        ConventionDataError: the encoding fails validation or an integrity check.

    >>> load_convention().article(43).heading
    'Expedited preservation of stored computer data'
    """
    convention = compiled.load(_validated_convention, Convention)
    # kept for the process's life: moved out of the cyclic collector's generations, so
    # that the collections an analysis triggers do not walk the whole model each time
    gc.freeze()
    return convention
