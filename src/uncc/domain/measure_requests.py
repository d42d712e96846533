"""Requests for the measures the analysis routes to another State (``route: request:XX``).

One typed body per measure: production of stored data (Art. 45(1)(a)), search and
seizure (46), real-time collection of traffic data (47), interception (48), freezing,
seizure or confiscation of proceeds (50), return of property to its owners (53(2), 54),
emergency disclosure (CETS 224 Arts. 9-10) and a video hearing of a witness or expert
(52(2)(b), CETS 224 Art. 11). Each validator is the kind's completeness check: every
missing or inconsistent field is named. Subscriber information (45(1)(b)) and
preservation (43) are in ``messages``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from uncc.domain.message_parts import STATE, TEXT, Body, Contact, StoredData, Urgency

OFFENCE = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,80}$")]
"""An offence id of the Convention model, e.g. ``illegal_access``."""


class MeasureRequest(Body):
    """What every request for a measure carries: who asks, for which offences, on what facts."""

    reference: TEXT
    requesting_authority: TEXT
    offences: list[OFFENCE] = Field(min_length=1)
    summary_of_facts: TEXT
    contact: Contact
    urgency: Urgency = Urgency.URGENT
    facts: dict[str, Any] | None = None
    """The incident facts (``uncc: incident/1``), so the requested State can analyse them under its own law."""


class ProductionRequest(MeasureRequest):
    """Production of specified stored computer data held by a person or provider (Art. 45(1)(a))."""

    data: list[StoredData] = Field(min_length=1)
    custodian: TEXT
    """The person or provider in the requested State who holds or controls the data."""
    period: TEXT
    necessity: TEXT


class SearchSeizureRequest(MeasureRequest):
    """Search of a computer system or storage medium and seizure of data found (Art. 46)."""

    systems: list[TEXT] = Field(min_length=1)
    """The systems, media or premises to search, as precisely as known."""
    data: list[StoredData] = Field(min_length=1)
    """What is sought there, and why it matters to the offence."""
    necessity: TEXT


class RealTimeCollectionRequest(MeasureRequest):
    """Real-time collection of traffic data of specified communications (Art. 47)."""

    identifiers: list[TEXT] = Field(min_length=1)
    """The accounts, numbers or addresses whose communications are concerned."""
    provider: TEXT
    duration_days: int = Field(ge=1, le=366)
    """How long collection is asked for (the requested State's law sets the limit)."""
    necessity: TEXT


class InterceptionRequest(MeasureRequest):
    """Interception of content data of specified communications (Art. 48)."""

    identifiers: list[TEXT] = Field(min_length=1)
    provider: TEXT
    duration_days: int = Field(ge=1, le=366)
    necessity: TEXT
    other_means: TEXT
    """Why less intrusive means would not do (the requested State's serious-offence test applies)."""


class Property(Body):
    """An asset: what and where, with its value when known."""

    description: TEXT
    location: TEXT
    """Where it is held: the bank, registry or place, in the requested State."""
    value: Decimal | None = Field(default=None, ge=0)
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None


class ProceedsRequest(MeasureRequest):
    """Freezing, seizure or confiscation of proceeds of crime or property of equal value (Art. 50)."""

    action: Literal["freeze", "seize", "confiscate"]
    property: list[Property] = Field(min_length=1)
    link_to_offence: TEXT
    """How the property derives from the offence."""
    confiscation_decision: TEXT | None = None
    """For confiscation: the requesting State's final decision (court, date, reference)."""

    @model_validator(mode="after")
    def _decision(self) -> ProceedsRequest:
        if self.action == "confiscate" and not self.confiscation_decision:
            msg = "confiscation_decision: a request to confiscate names the requesting State's final decision"
            raise ValueError(msg)
        return self


class PropertyReturnRequest(MeasureRequest):
    """Return of confiscated property to its legitimate owners, victims of the offence (Arts. 53(2), 54)."""

    property: list[Property] = Field(min_length=1)
    owners: list[TEXT] = Field(min_length=1)
    """The legitimate owners (victims) the property should go back to."""
    proof_of_ownership: TEXT
    confiscation_reference: TEXT | None = None
    """The requested State's confiscation order, when one exists already."""


class EmergencyRequest(MeasureRequest):
    """Expedited disclosure in an emergency: an imminent risk to a person's life or safety (CETS 224 Arts. 9-10)."""

    risk_to_life: Literal[True]
    """The requester affirms a significant and imminent risk to the life or safety of a person."""
    risk: TEXT
    """The risk: who is in danger, of what, and how soon."""
    justification: TEXT
    """Why the data asked for is needed to avert it."""
    data: list[StoredData] = Field(min_length=1)
    provider: TEXT
    urgency: Literal[Urgency.EMERGENCY] = Urgency.EMERGENCY


class Participant(Body):
    """Someone taking part in a hearing."""

    name: TEXT
    role: Literal["judge", "prosecutor", "defence", "interpreter", "investigator", "other"]
    state: STATE


class VideoHearingRequest(MeasureRequest):
    """A hearing of a witness or expert by video conference (Art. 52(2)(b), CETS 224 Art. 11)."""

    pseudonym: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]{1,79}$")]
    """The protected person's pseudonym: their identity never travels with the request."""
    capacity: Literal["witness", "expert"]
    scheduled_at: dt.datetime
    duration_minutes: int = Field(ge=10, le=600)
    participants: list[Participant] = Field(min_length=1)
    link: Annotated[str, Field(pattern=r"^https://[^\s]{3,500}$")]
    """Where the hearing is held (an https link of the requesting State's system)."""
    language: Annotated[str, Field(min_length=2, max_length=8)]
    interpretation: bool = False
    urgency: Urgency = Urgency.ROUTINE

    @model_validator(mode="after")
    def _zoned(self) -> VideoHearingRequest:
        if self.scheduled_at.tzinfo is None:
            msg = "scheduled_at: give the time with its UTC offset, e.g. 2026-12-03T09:00:00+00:00"
            raise ValueError(msg)
        return self


class HearingRecord(Body):
    """What became of a video hearing, sent by the requested State (recorded on both cases)."""

    outcome: Literal["held", "not_held", "postponed"]
    held_at: dt.datetime | None = None
    presided_by: TEXT
    """The requested State's judicial authority present (the hearing is under its law)."""
    notes: TEXT

    @model_validator(mode="after")
    def _when(self) -> HearingRecord:
        if self.outcome == "held" and self.held_at is None:
            msg = "held_at: a hearing held says when"
            raise ValueError(msg)
        return self


MEASURE_REQUESTS: dict[str, type[MeasureRequest]] = {
    "production_request": ProductionRequest,
    "search_seizure_request": SearchSeizureRequest,
    "real_time_collection_request": RealTimeCollectionRequest,
    "interception_request": InterceptionRequest,
    "proceeds_request": ProceedsRequest,
    "property_return_request": PropertyReturnRequest,
    "emergency_request": EmergencyRequest,
    "video_hearing_request": VideoHearingRequest,
}
"""Message type → body, for the measure requests of this module."""
