"""The parts message bodies share: urgency, the base model, a contact, stored data."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

STATE = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
TEXT = Annotated[str, Field(min_length=1, max_length=4000)]
SHA256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Urgency(StrEnum):
    """How fast the other side must act (service levels in ``uncc.domain.service_levels``)."""

    EMERGENCY = "emergency"
    """A risk to life or of imminent loss: acknowledge within 1 hour, answer within 8."""
    URGENT = "urgent"
    PRESERVATION = "preservation"
    ROUTINE = "routine"


class Body(BaseModel):
    """A message body: unknown fields refused, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(Body):
    """Who to call about a request, and when they can be reached."""

    name: TEXT
    phone: str | None = None
    email: str | None = None
    office_hours: TEXT = "24/7"
    time_zone: TEXT = "UTC"

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.phone or self.email):
            msg = "give a phone number or an e-mail address"
            raise ValueError(msg)
        return self


class StoredData(Body):
    """Stored computer data to preserve, and why it matters to the offence."""

    description: TEXT
    link_to_offence: TEXT
