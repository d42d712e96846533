"""The Convention as typed data: articles, paragraphs and the semantics of each provision.

Every value is a frozen dataclass. Each rule cites the provision it comes from (``at``,
an Akoma-Ntoso-style :data:`~uncc.types.ProvisionId`). The text of the Convention is not
here: summaries (``gist``) are the project's own words; the verbatim text is imported by
the user (``uncc convention import FILE``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import ConfigDict

from uncc.types import (
    ElementId,
    GroundId,
    OffenceId,
    OptionId,
    PowerId,
    ProvisionId,
    RuleId,
    SafeguardId,
    TermId,
)

_STRICT = ConfigDict(extra="forbid")


class Modality(StrEnum):
    """What a paragraph does to the party it addresses."""

    SHALL = "shall"
    SHALL_ENDEAVOUR = "shall_endeavour"
    SHALL_CONSIDER = "shall_consider"
    MAY = "may"
    MAY_RESERVE = "may_reserve"
    DECLARATORY = "declaratory"
    """States a definition, a principle or an effect rather than a duty."""


class ArticleKind(StrEnum):
    """What kind of provision an article is; every article has exactly one."""

    STATEMENT_OF_PURPOSE = "statement_of_purpose"
    DEFINITIONS = "definitions"
    SCOPE = "scope"
    SOVEREIGNTY = "sovereignty"
    HUMAN_RIGHTS = "human_rights"
    OFFENCE = "offence"
    LIABILITY = "liability"
    PARTICIPATION = "participation"
    MENTAL_ELEMENT = "mental_element"
    LIMITATION = "limitation"
    SANCTIONS = "sanctions"
    JURISDICTION = "jurisdiction"
    PROCEDURAL_SCOPE = "procedural_scope"
    SAFEGUARDS = "safeguards"
    PROCEDURAL_POWER = "procedural_power"
    EVIDENCE = "evidence"
    CRIMINAL_RECORD = "criminal_record"
    PROTECTION = "protection"
    REMEDY = "remedy"
    COOPERATION = "cooperation"
    INTERNATIONAL_ENFORCEMENT = "international_enforcement"


class ElementRole(StrEnum):
    """The part an element plays in an offence."""

    CONDUCT = "conduct"
    OBJECT = "object"
    CIRCUMSTANCE = "circumstance"
    MENTAL = "mental"
    PURPOSE = "purpose"
    RESULT = "result"


class OptionKind(StrEnum):
    """How the Convention leaves a choice to each State Party."""

    MAY_REQUIRE = "may_require"
    """A Party may add an element before liability attaches."""
    RESERVATION = "reservation"
    """A Party may reserve the right not to apply (part of) a provision."""
    MAY_ADOPT = "may_adopt"
    """A Party may adopt a rule the Convention does not make mandatory."""
    SHALL_CONSIDER = "shall_consider"
    """A Party must consider adopting a rule, but need not adopt it."""
    PARAMETER = "parameter"
    """A Party chooses a value within limits (an age, a form of liability)."""


@dataclass(frozen=True)
class Point:
    """A lettered point or roman subpoint, with an optional gist."""

    __pydantic_config__ = _STRICT

    id: ProvisionId
    label: str
    gist: str = ""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of an article: its modality, gist, references and points."""

    __pydantic_config__ = _STRICT

    id: ProvisionId
    label: str | None
    modality: Modality
    gist: str
    addressee: str = "parties"
    refs: tuple[ProvisionId, ...] = ()
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Term:
    """A term the Convention defines, or uses without defining (``defined_at`` empty)."""

    __pydantic_config__ = _STRICT

    id: TermId
    label: str
    gist: str
    defined_at: tuple[ProvisionId, ...] = ()
    note: str = ""
    parameters: dict[str, int | str | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Element:
    """One element of an offence, citing the words it comes from."""

    __pydantic_config__ = _STRICT

    id: ElementId
    role: ElementRole
    gist: str
    at: ProvisionId
    any_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """A circumstance in which the Convention says no liability arises."""

    __pydantic_config__ = _STRICT

    id: RuleId
    gist: str
    at: ProvisionId


@dataclass(frozen=True)
class Offence:
    """An offence the parties must (or may) establish, as a list of elements."""

    __pydantic_config__ = _STRICT

    id: OffenceId
    name: str
    at: ProvisionId
    elements: tuple[Element, ...]
    exclusions: tuple[Exclusion, ...] = ()
    human_rights_review: bool = False
    mandatory: bool = True


@dataclass(frozen=True)
class Option:
    """A choice left to each State Party: an added element, a reservation, a parameter."""

    __pydantic_config__ = _STRICT

    id: OptionId
    kind: OptionKind
    at: ProvisionId
    gist: str
    targets: tuple[str, ...] = ()
    adds_element: Element | None = None
    parameters: dict[str, int | str | bool] = field(default_factory=dict)


@dataclass(frozen=True)
class Ground:
    """A ground on which a State Party establishes jurisdiction (Art. 40)."""

    __pydantic_config__ = _STRICT

    id: GroundId
    at: ProvisionId
    mandatory: bool
    gist: str
    label: str = ""
    """A short name for reports (the id in words when empty)."""


@dataclass(frozen=True)
class Safeguard:
    """A condition or safeguard that every procedural power must respect (Art. 42)."""

    __pydantic_config__ = _STRICT

    id: SafeguardId
    at: ProvisionId
    gist: str


class DurationSource(StrEnum):
    """Who sets how long an order under a power binds."""

    NONE = "none"
    """The order is used once (executed); it has no period."""
    CONVENTION = "convention"
    """The Convention sets a ceiling (``max_days``); a State may set a lower one."""
    STATE_LAW = "state_law"
    """The Convention asks for a limit (Art. 42(2)) and leaves it to the State's law."""


class RenewalSource(StrEnum):
    """Whether an order under a power may be renewed, and who decides."""

    NEVER = "never"
    OPTION = "option"
    """Only where the State takes the option named in ``renewal_option``."""
    STATE_LAW = "state_law"
    """As the State's law says (how many times, in its profile)."""


@dataclass(frozen=True)
class OrderTerms:
    """How long an order under a power binds and whether it is renewed, as the text says."""

    __pydantic_config__ = _STRICT

    addressee_in_territory: bool = False
    """The order binds a person in the territory (or a provider offering services there)
    to act on data it holds or controls wherever stored: the node does not refuse it for
    the data's location (the analysis still routes by it)."""
    duration: DurationSource = DurationSource.NONE
    duration_required: bool = False
    """Every order must state its period, so that it gets an expiry."""
    max_days: int | None = None
    """The Convention's ceiling (with ``duration: convention``)."""
    duration_at: ProvisionId | None = None
    renewal: RenewalSource = RenewalSource.NEVER
    renewal_option: OptionId | None = None
    renewal_at: ProvisionId | None = None


@dataclass(frozen=True)
class Power:
    """A procedural power with its conditions, targets, actions and parameters."""

    __pydantic_config__ = _STRICT

    id: PowerId
    name: str
    at: ProvisionId
    gist: str
    conditions: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    actions: tuple[str, ...] = ()
    territorial: bool = True
    subject_to: tuple[ProvisionId, ...] = ()
    confidentiality: ProvisionId | None = None
    serious_offences_only: bool = False
    parameters: dict[str, int | str | bool] = field(default_factory=dict)
    order: OrderTerms = OrderTerms()
    """The period and renewal of an order under the power (the node enforces them)."""


@dataclass(frozen=True)
class Rule:
    """Any other rule: liability, participation, limitation, aggravation, protection…."""

    __pydantic_config__ = _STRICT

    id: RuleId
    at: ProvisionId
    gist: str
    modality: Modality = Modality.SHALL
    parameters: dict[str, int | str | bool | tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Article:
    """One article of the Convention with its structure and its semantics."""

    __pydantic_config__ = _STRICT

    number: int
    id: ProvisionId
    heading: str
    chapter: str
    kind: ArticleKind
    summary: str
    paragraphs: tuple[Paragraph, ...]
    terms: tuple[TermId, ...] = ()
    offences: tuple[Offence, ...] = ()
    options: tuple[Option, ...] = ()
    grounds: tuple[Ground, ...] = ()
    powers: tuple[Power, ...] = ()
    safeguards: tuple[Safeguard, ...] = ()
    rules: tuple[Rule, ...] = ()

    def ids(self) -> Iterator[ProvisionId]:
        """The article's id and the id of every paragraph, point and subpoint."""
        yield self.id
        for paragraph in self.paragraphs:
            yield paragraph.id
            for point in paragraph.points:
                yield point.id

    def citations(self) -> Iterator[tuple[str, ProvisionId]]:
        """Every provision id this article's semantics cite, with what cites it."""
        for paragraph in self.paragraphs:
            for ref in paragraph.refs:
                yield paragraph.id, ref
        for offence in self.offences:
            yield offence.id, offence.at
            for element in offence.elements:
                yield element.id, element.at
            for exclusion in offence.exclusions:
                yield exclusion.id, exclusion.at
        for option in self.options:
            yield option.id, option.at
            if option.adds_element is not None:
                yield option.adds_element.id, option.adds_element.at
        cited: list[Ground | Safeguard | Rule] = [*self.grounds, *self.safeguards, *self.rules]
        for item in cited:
            yield item.id, item.at
        for power in self.powers:
            yield power.id, power.at
            for target in power.subject_to:
                yield power.id, target
            if power.confidentiality is not None:
                yield power.id, power.confidentiality
            for cited_at in (power.order.duration_at, power.order.renewal_at):
                if cited_at is not None:
                    yield power.id, cited_at


class Relation(StrEnum):
    """Where an article of the proposal stands against its counterpart in another treaty."""

    SAME = "same"
    NARROWER = "narrower"
    """The proposal covers less (fewer acts, an added condition, a missing element)."""
    WIDER = "wider"
    """The proposal covers more."""
    MIXED = "mixed"
    """Wider in some respects and narrower in others."""
    NEW = "new"
    """The other treaty works in this field but has no such rule: the proposal adds it."""
    NO_COUNTERPART = "no_counterpart"
    """The subject lies outside the other treaty's field."""


@dataclass(frozen=True)
class Correspondence:
    """An article of the proposal and one counterpart in another instrument."""

    __pydantic_config__ = _STRICT

    article: int
    instrument: str
    counterpart: str
    relation: Relation
    note: str = ""
