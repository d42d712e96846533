"""The network directory the hub keeps and signs (Art. 56(1)): who is in the network.

Each member has an endpoint, one or more public keys (two during a rotation), a 24/7
contact point and the languages it accepts. A key is found by its id; a key past its
``not_after`` time no longer verifies anything. Key ids are derived from the keys
(``uncc.domain.keyids``): an id that is not its key's, or one that two members hold,
finds nothing, and a directory carrying either is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from uncc.domain.keyids import kid_of, legacy_kid_of
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


def thumbprint(x25519_hex: str) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url) of an X25519 public key."""
    x = base64.urlsafe_b64encode(bytes.fromhex(x25519_hex)).rstrip(b"=").decode()
    canonical = '{"crv":"X25519","kty":"OKP","x":"' + x + '"}'
    return (
        base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    )


class EncryptionPublicKey(_Doc):
    """A member's X25519 key for the bodies and blobs sent to it (JWE, ECDH-ES)."""

    kid: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}$")]
    """The RFC 7638 thumbprint of the key: checked wherever an entry is read."""
    public_key: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    not_after: dt.datetime | None = None

    @model_validator(mode="after")
    def _kid_is_the_thumbprint(self) -> EncryptionPublicKey:
        if self.kid != thumbprint(self.public_key):
            msg = f"encryption key id {self.kid} is not the RFC 7638 thumbprint of its key"
            raise ValueError(msg)
        return self

    def valid_at(self, now: dt.datetime) -> bool:
        """True while messages may be encrypted for the key."""
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
    encryption_keys: list[EncryptionPublicKey] = []
    """Where confidential bodies and blobs for this member are encrypted to (empty before upgrade)."""
    tls_spki: Annotated[str | None, Field(pattern=r"^[0-9a-f]{64}$")] = None
    """SHA-256 of the SubjectPublicKeyInfo of the member's TLS certificate (its pin)."""
    profile: dict[str, Any] | None = None
    """The State's published profile (its options, reservations, lists: public law), so
    that a requesting State can check dual criminality before it asks."""

    def encryption_key(self, now: dt.datetime) -> EncryptionPublicKey | None:
        """The newest key to encrypt for, None when the member has published none."""
        valid = [k for k in self.encryption_keys if k.valid_at(now)]
        return valid[-1] if valid else None


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
        """(State, public key hex) for a key id valid at ``now``.

        Only a key listed under its own derived id is found — by that id, or by the id
        uncc derived before (so that messages signed before the move still verify).
        None when the id is unknown or retired, or when more than one member lists it:
        a receiver never picks one.
        """
        found = [
            (member.state, key)
            for member in self.members
            for key in member.keys
            if key.kid == kid_of(key.public_key) and kid in {key.kid, legacy_kid_of(key.public_key)}
        ]
        if len({state for state, _ in found}) != 1:
            return None
        state, key = found[0]
        return (state, key.public_key) if key.valid_at(now) else None

    def problems(self) -> list[str]:
        """Why a member must not accept this directory; empty when it is sound.

        A key id not derived from its key, or a key (or key id) listed for two members.
        """
        found: list[str] = []
        holders: dict[str, str] = {}
        for member in self.members:
            for key in member.keys:
                if key.kid != kid_of(key.public_key):
                    found.append(f"{member.state}: key id {key.kid} is not the id of its key")
                for name in (key.kid, key.public_key):
                    other = holders.setdefault(name, member.state)
                    if other != member.state:
                        found.append(f"{member.state}: key {key.kid} is also listed for {other}")
        return found
