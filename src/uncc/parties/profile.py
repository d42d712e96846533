"""The profile model (``uncc: profile/1``) and the questions the analysis asks of it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

FORMAT = "profile/1"

StateCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]


class _Profile(BaseModel):
    """The profile models: strict and frozen.

    The attribute docstrings describe the fields in ``uncc schema profile``, which reads
    them when the schema is asked for (not at import: it costs the start of every command).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class ImplementationStatus(StrEnum):
    """How far a State's law implements an article."""

    IMPLEMENTED = "implemented"
    PARTLY = "partly"
    NOT_IMPLEMENTED = "not"


class Implementation(_Profile):
    """The State's provisions implementing one article."""

    status: ImplementationStatus
    statute: str | None = None
    section: str | None = None
    note: str | None = None


class EvasionEffect(StrEnum):
    """What the offender's evasion of justice does to the limitation period (Art. 38)."""

    SUSPENDS = "suspends"
    """The period stops running while the offender evades justice."""
    EXTENDS = "extends"
    """A longer period (``evasion_years``) applies when the offender has evaded justice."""
    NONE = "none"
    """The State's law gives evasion no effect on the period."""


class Limitation(_Profile):
    """Limitation periods for starting proceedings, in years (Art. 38)."""

    default: Annotated[int, Field(ge=1, le=100)] | None = None
    offences: dict[str, Annotated[int, Field(ge=1, le=100)]] = {}
    """Periods for particular offences (offence ids), overriding the default."""
    evasion: EvasionEffect | None = None
    """Whether evasion of justice suspends the period or extends it; ``None``: not stated."""
    evasion_years: Annotated[int, Field(ge=1, le=100)] | None = None
    """With ``evasion: extends``: the longer period, in years from the act."""

    @model_validator(mode="after")
    def _evasion_years_with_extends(self) -> Limitation:
        if self.evasion is EvasionEffect.EXTENDS and self.evasion_years is None:
            raise ValueError("evasion: extends needs evasion_years (the longer period)")
        if self.evasion is not EvasionEffect.EXTENDS and self.evasion_years is not None:
            raise ValueError("evasion_years is only used with evasion: extends")
        return self


class OrderLimits(_Profile):
    """The State's limits on orders under one power (within the Convention's, if any)."""

    max_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    """The longest period one order (or one renewal) may run, in days."""
    max_renewals: Annotated[int, Field(ge=0, le=100)] | None = None
    """How many times an order may be renewed (0: never); ``None``: no number is set."""


class Profile(_Profile):
    """A State Party's choices under the Convention."""

    uncc: Literal["profile/1"]
    name: str
    state: StateCode | None = None
    """The State; ``None`` for a template such as ``baseline`` or ``strict``."""
    fictional: bool = False
    """An illustration, not the law of any real State."""
    description: str | None = None
    options: list[str] = []
    """Options and reservations taken, by option id (e.g. ``art_6.security_measures``)."""
    grounds: list[str] = []
    """Optional grounds of jurisdiction established (Art. 40(2) and (4)), by ground id."""
    minor_age: Annotated[int, Field(ge=16, le=18)] = 18
    """The age under which a person is a minor for Art. 18 (18, or not below 16)."""
    items_threshold: Annotated[int, Field(ge=1)] = 1
    """With ``art_10.number_of_items``: how many items possession requires."""
    serious_offences: list[str] = []
    """Offence ids for which interception of content is available (Art. 48)."""
    realtime_offences: list[str] | None = None
    """With ``art_41.realtime_offence_list``: offences for real-time traffic collection."""
    judicial_authorisation: list[str] = []
    """Powers (power ids) that need a judge's authorisation before use."""
    orders: dict[str, OrderLimits] = {}
    """For each power id: the State's period and renewals of its orders (Art. 42(2));
    where the profile is silent, the baseline's apply."""
    extradites_nationals: bool | None = None
    limitation: Limitation = Limitation()
    implementation: dict[int, Implementation] = {}
    """For each article number: the State's implementing provisions."""

    def takes(self, option_id: str) -> bool:
        """True when the State takes this option or reservation."""
        return option_id in self.options

    def establishes(self, ground_id: str) -> bool:
        """True when the State establishes this optional ground of jurisdiction."""
        return ground_id in self.grounds

    def offence_list(self, name: str) -> frozenset[str]:
        """A list of offences the profile names (``serious_offences``, ``realtime_offences``).

        ``realtime_offences`` falls back to ``serious_offences`` when not stated (the
        range for real-time collection may be no narrower than for interception,
        Art. 41(3)(a)).

        Raises:
            KeyError: the profile has no list of that name.
        """
        if name == "serious_offences":
            return frozenset(self.serious_offences)
        if name == "realtime_offences":
            chosen = self.realtime_offences
            return frozenset(self.serious_offences if chosen is None else chosen)
        raise KeyError(name)

    def limitation_years(self, offence_id: str) -> int | None:
        """The limitation period for an offence, or ``None`` when the profile is silent."""
        return self.limitation.offences.get(offence_id, self.limitation.default)

    def for_state(self, state: str) -> Profile:
        """This profile applied to a State (templates get the State's code)."""
        if self.state == state:
            return self
        return self.model_copy(update={"state": state})
