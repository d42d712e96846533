"""The network directory the hub keeps and signs (Art. 56(1)): who is in the network.

Each member has an endpoint, one or more public keys (two during a rotation), a 24/7
contact point and the languages it accepts. A key is found by its id; a key past its
``not_after`` time no longer verifies anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from uncc.domain.messages import Contact

FORMAT = "directory/1"


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PublicKey(_Doc):
    """One signing key of a member."""

    kid: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    public_key: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    not_after: dt.datetime | None = None
    """When the key stops being valid (set when it is rotated out)."""

    def valid_at(self, now: dt.datetime) -> bool:
        """True while the key may verify signatures."""
        return self.not_after is None or now < self.not_after


class Member(_Doc):
    """A participant of the network."""

    state: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    endpoint: Annotated[str, Field(pattern=r"^https?://")]
    roles: list[str] = ["member"]
    keys: list[PublicKey] = Field(min_length=1)
    contact_point: Contact
    languages: list[str] = ["en"]


class Directory(_Doc):
    """The signed list of members, with a version that only grows."""

    uncc: str = FORMAT
    hub: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
    version: int = Field(ge=1)
    issued: dt.datetime
    members: list[Member]

    def member(self, state: str) -> Member | None:
        """The member for a State code."""
        return next((m for m in self.members if m.state == state), None)

    def key(self, kid: str, now: dt.datetime) -> tuple[str, str] | None:
        """(State, public key hex) for a key id valid at ``now``; None when unknown or retired."""
        for member in self.members:
            for key in member.keys:
                if key.kid == kid and key.valid_at(now):
                    return member.state, key.public_key
        return None
