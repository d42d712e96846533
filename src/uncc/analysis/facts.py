"""The incident facts format, ``uncc: incident/1``.

Every field is optional: an absent fact is UNKNOWN, never false. Lists that are absent
are unknown; an empty list is a known empty list. A fact that was inferred rather than
observed (Art. 37) is written ``{value: ..., inferred_from: [circumstance, ...]}``.
Entities (persons, systems, data, items, property, acts, results) have ids unique across
the whole incident; references to undeclared ids are errors (see :mod:`.intake`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from uncc.analysis.frozen import KeptDict, KeptList
from uncc.analysis.vocabulary import (
    Conduct,
    Craft,
    DataKind,
    ItemKind,
    LeadingBasis,
    MentalState,
    PersonKind,
    Purpose,
    ResultKind,
    Role,
    Stage,
    Tribunal,
)

FORMAT = "incident/1"

StateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
"""An ISO 3166-1 alpha-2 code in capitals, e.g. ``DE``."""

EntityId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=64)]
"""An id for an entity of the incident: a letter, then letters, digits, ``_ . -``."""

ElementKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
"""The key of an offence element: the last part of its id, e.g. ``no_consent``."""

Proceeding = Literal["investigation", "prosecution", "judicial_proceeding"]
"""What a State conducts in respect of the conduct (Art. 40(5))."""

T = TypeVar("T")


class _Facts(BaseModel):
    """The facts models: strict and frozen.

    The attribute docstrings describe the fields in ``uncc schema incident``, which reads
    them when the schema is asked for (not at import: it costs the start of every command).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class Inferred(_Facts, Generic[T]):
    """A fact inferred from objective circumstances (Art. 37), which must be named."""

    value: T
    inferred_from: KeptList[Annotated[str, StringConstraints(min_length=1)]] = Field(min_length=1)
    """The objective circumstances the fact is inferred from."""


Flag = bool | Inferred[bool]
"""A yes/no fact, observed or inferred."""


class Aboard(_Facts):
    """A vessel or an aircraft, with the State whose flag it flies or where it is registered."""

    craft: Craft
    flag: StateCode
    """The flag State of the vessel or the State of registration of the aircraft."""
    within: StateCode | None = None
    """The State in whose territory (waters, airspace) the craft then was, if any."""


Place = StateCode | Aboard
"""A State's territory, or a vessel or aircraft."""


class Period(_Facts):
    """A span of days; an open end (``until`` absent) runs to this day."""

    since: dt.date
    until: dt.date | None = None


class LeadingPosition(_Facts):
    """A natural person's leading position in a legal person (Art. 35(1))."""

    person: EntityId
    basis: LeadingBasis | None = None


class Person(_Facts):
    """A natural or legal person: suspect, victim, witness, provider, public body."""

    id: EntityId
    kind: PersonKind | None = None
    name: str | None = None
    nationalities: KeptList[StateCode] | None = None
    """Nationalities of a natural person; ``[]`` for none known to exist (see stateless)."""
    stateless: bool | None = None
    habitual_residence: StateCode | None = None
    age: Annotated[int, Field(ge=0, le=130)] | None = None
    """Age at the time of the acts."""
    believed_child: bool | None = None
    """The actor believed the person to be a child (Art. 20(2))."""
    present_in: StateCode | None = None
    """Where the person is now."""
    extradited: bool | None = None
    """Whether the State where the person is present will extradite them."""
    incorporated_in: StateCode | None = None
    """For a legal person: its State of incorporation (its 'nationality', Art. 40(2))."""
    public_body: bool | None = None
    """Whether the person is a State, or a public authority or body of one."""
    public_body_of: StateCode | None = None
    """For a public authority: the State it belongs to (Art. 40(2)(d))."""
    leading_persons: KeptList[LeadingPosition] | None = None
    """For a legal person: who holds a leading position in it, and on which basis."""
    staff: KeptList[EntityId] | None = None
    """For a legal person: natural persons acting under its authority (Art. 35(2))."""
    supervision_failed: bool | None = None
    """A leading person's lack of supervision or control made the offence possible."""
    service_provider: bool | None = None
    offers_services_in: KeptList[StateCode] | None = None
    evaded_justice: KeptList[Period] | None = None
    """Periods in which the person evaded justice (Art. 38); ``[]`` for none."""


class System(_Facts):
    """A computer system."""

    id: EntityId
    description: str | None = None
    owner: EntityId | None = None
    operator: EntityId | None = None
    """A service provider that operates the system, if any."""
    location: Place | None = None
    connected: bool | None = None
    """Connected to another computer system (Arts. 6, 7 options)."""
    security_measures: bool | None = None
    critical_infrastructure: bool | None = None
    closed_group: bool | None = None
    """Operated for a closed group of users, with no public network (Art. 41(3)(b))."""
    holds_data_of_nationals_of: KeptList[StateCode] | None = None
    """Every State whose nationals' data the system holds (Art. 40(2)(e)); ``[]`` for none."""


class Datum(_Facts):
    """Computer data: a file, a database, a stream, credentials…."""

    id: EntityId
    description: str | None = None
    kinds: KeptList[DataKind] | None = None
    stored_in: StateCode | None = None
    system: EntityId | None = None
    """The system it is stored on."""
    subjects: KeptList[EntityId] | None = None
    """The persons the data is about (whose data it is)."""
    depicts: EntityId | None = None
    """For an image: the person it shows (a declared person is a real person)."""
    depicts_real_person: bool | None = None
    """For an image: whether the person shown is real, not drawn or generated (Art. 18(2))."""
    depicted_age: Annotated[int, Field(ge=0, le=130)] | None = None
    """For an image of a real person: their age when it was made (Art. 18(2)(a), 18(3))."""
    apparent_age: Annotated[int, Field(ge=0, le=130)] | None = None
    """For an image: the age the person shown appears to be (Art. 18(2)(b)-(c))."""
    realistic: bool | None = None
    """For an image of no real person: whether it looks like a real person (Art. 18(2)(c))."""
    privacy_expected_when_recorded: Flag | None = None
    """For an intimate image: the circumstances of the recording gave a reasonable
    expectation of privacy (Arts. 24(2)(b), 25(2)(b))."""
    privacy_expected_now: Flag | None = None
    """For an intimate image: the person still reasonably expected privacy when the
    offence was committed (Arts. 24(2)(c), 25(2)(c))."""
    denied_crimes_established_by: Tribunal | None = None
    """For material denying or justifying crimes: the tribunal whose judgment established
    the crimes it is about (Art. 28)."""
    controller: EntityId | None = None
    """The person who has the data in their possession or control (Art. 45(1)(a)), when
    not the operator of the system holding it."""
    volatile: bool | None = None
    """At risk of loss or modification, e.g. a short retention period (Art. 43(1))."""


class Item(_Facts):
    """A physical thing dealt in: a device, drugs, arms, counterfeit medicine…."""

    id: EntityId
    description: str | None = None
    kind: ItemKind | None = None
    located_in: StateCode | None = None


class Origin(_Facts):
    """Where property came from: an act of this incident, other property, or an outside offence."""

    act: EntityId | None = None
    property: EntityId | None = None
    """Property it was converted from or mixed with (Art. 50(4)–(6))."""
    offence: str | None = None
    """An offence outside this incident (Art. 33(2)(a)), described in words."""
    committed_in: StateCode | None = None
    convention_offence: bool | None = None
    criminal_where_committed: bool | None = None
    criminal_in_party: bool | None = None
    """Would be an offence in the State applying Art. 33 had it been committed there."""


class Amount(_Facts):
    """A sum in a currency or a virtual currency."""

    value: Annotated[float, Field(ge=0)]
    currency: Annotated[str, StringConstraints(min_length=2, max_length=12)]


class Property(_Facts):
    """Money, virtual currency or other assets, with what they came from."""

    id: EntityId
    description: str | None = None
    kind: Literal["money", "virtual_currency", "asset", "instrument"] | None = None
    amount: Amount | None = None
    located_in: StateCode | None = None
    held_by: EntityId | None = None
    origin: Origin | None = None
    """Where it came from; ``None`` when not known to be proceeds."""
    used_in: KeptList[EntityId] | None = None
    """Acts it was used in as an instrumentality (Art. 50(1)(b))."""
    destined_for: KeptList[EntityId] | None = None
    """Acts it was destined for use in (Art. 50(1)(b))."""


class Circumstances(_Facts):
    """The circumstances of an act that offences, options and exclusions turn on."""

    security_measures_infringed: Flag | None = None
    commercial_scale: Flag | None = None
    consent: Flag | None = None
    """The person concerned consented (Arts. 15, 25)."""
    legitimate_purpose: Flag | None = None
    """The act served a legitimate purpose (Art. 25(3))."""
    age_verification_steps: Flag | None = None
    """Reasonable steps were taken to ascertain that the person was not a child (Art. 20(3))."""
    by_computer_system: Flag | None = None
    """The act was carried out by means of a computer or ICT system."""
    endangers_life_or_health: Flag | None = None
    """The illegal acts put the minor's life or health at risk (Art. 22)."""
    knew_illicit_origin: Flag | None = None
    """The actor knew the property was proceeds of crime (Art. 33)."""
    items_count: Annotated[int, Field(ge=0)] | None = None
    """How many items were possessed (Art. 10(1)(b))."""
    terrorist_link: Flag | None = None
    """The act served terrorism: a terrorist act, purpose, organisation or activity (Art. 29)."""


class Act(_Facts):
    """Something a person did, or tried or prepared to do."""

    id: EntityId
    by: EntityId | None = None
    role: Role | None = None
    """The actor's part; absent means the actor did the conduct described."""
    participates_in: EntityId | None = None
    """For an accomplice, instigator, organiser…: the act they took part in."""
    stage: Stage | None = None
    """Absent means the conduct happened as described."""
    conduct: Conduct | None = None
    object: EntityId | None = None
    """What the conduct was directed at: a system, datum, item, person or property."""
    using: EntityId | None = None
    """The system through which the actor acted."""
    when: dt.date | dt.datetime | None = None
    acted_in: Place | None = None
    effects_in: KeptList[StateCode] | None = None
    """Where the effects occurred or were meant to occur."""
    without_right: Flag | None = None
    mental_state: MentalState | Inferred[MentalState] | None = None
    """The actor's state of mind as to every element of the act (or give ``mental_states``)."""
    mental_states: KeptDict[ElementKey, MentalState | Inferred[MentalState]] | None = None
    """The actor's state of mind element by element, by the element's key (``conduct`` for
    the conduct): e.g. ``{conduct: intent, consent: recklessness}`` for Art. 25. Not
    together with ``mental_state``; an element not named is unknown."""
    purposes: KeptList[Purpose] | KeptDict[Purpose, Flag] | None = None
    """A list states every purpose the act had (any other is absent); a mapping states
    some purposes as true or false, leaving the others unknown."""
    for_benefit_of: EntityId | None = None
    """A legal person the act was committed for (Art. 35)."""
    victims: KeptList[EntityId] | None = None
    target_state: StateCode | None = None
    """The State whose government or regime the act is aimed at (Art. 26)."""
    circumstances: Circumstances | None = None
    description: str | None = None


class Result(_Facts):
    """A result or harm, linked to the acts that caused it."""

    id: EntityId
    kind: ResultKind
    caused_by: KeptList[EntityId] = Field(min_length=1)
    occurred: bool = True
    """Stating a result asserts it occurred; write ``false`` to record that it did not."""
    victims: KeptList[EntityId] | None = None
    amount: Amount | None = None
    description: str | None = None


class Investigation(_Facts):
    """What a State does about the incident (Art. 40(5)): investigates, prosecutes, tries."""

    state: StateCode
    proceeding: Proceeding = "investigation"
    """An investigation, a prosecution or a judicial proceeding."""
    ongoing: bool = True
    """``false`` records that the State is known not to be (or no longer) investigating."""
    source: Literal["notified", "deconfliction", "other"] | None = None
    """How it became known: notified by that State, a deconfliction hit, or otherwise."""
    authority: str | None = None
    reference: str | None = None
    acts: KeptList[EntityId] | None = None
    persons: KeptList[EntityId] | None = None


class Incident(_Facts):
    """The facts of one incident."""

    model_config = ConfigDict(validate_default=True)  # an absent list is a frozen one too

    uncc: Literal["incident/1"]
    """The format and its version."""
    id: EntityId
    title: str | None = None
    summary: str | None = None
    fictional: bool | None = None
    persons: KeptList[Person] = []
    systems: KeptList[System] = []
    data: KeptList[Datum] = []
    items: KeptList[Item] = []
    property: KeptList[Property] = []
    acts: KeptList[Act] = []
    results: KeptList[Result] = []
    investigations: KeptList[Investigation] = []
