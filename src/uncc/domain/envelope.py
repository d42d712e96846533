"""The envelope every I-24/7 message travels in (Art. 56), and the checks a receiver makes.

An envelope is a JSON object, canonicalised per RFC 8785 (JCS) and signed as the payload
of a compact JWS (alg ``Ed25519``, RFC 9864; the key id in ``kid``). This module holds
the envelope's fields and the checks that need no cryptography: addressing, validity
window, replay. Signing and verifying are the adapters' job (``uncc.adapters.jws``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import rfc8785

FORMAT = "envelope/1"
RETENTION_DAYS = 365
"""How long a receiver may keep what it received when the sender says nothing else."""
MAX_RETENTION_DAYS = 3650
CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far in the future a ``created`` time may be before the message is refused."""


class Onward(StrEnum):
    """Whether the receiver may pass what it received on to others (SIENA-style handling).

    In every case another State gets it only with the sender's consent; ``none`` means
    not even then.
    """

    NONE = "none"
    """Only the receiving authority may use it; never passed on."""
    WITH_CONSENT = "with_consent"
    """Others only with the sender's prior consent (a ``consent_answer`` granting it)."""
    LAW_ENFORCEMENT = "law_enforcement"
    """Other law-enforcement authorities of the receiving State may use it for the same purpose."""


@dataclass(frozen=True)
class Handling:
    """Use restrictions travelling with the message."""

    use: str = "the investigation and prosecution of the offences named"
    onward: Onward = Onward.WITH_CONSENT
    confidential: bool = True
    """No notice to the data subject (Arts. 43(3), 47(3), 48(3)); the body travels encrypted."""
    retention_days: int = RETENTION_DAYS
    """How long after ``created`` the receiver may keep it; then it is flagged for deletion."""

    def as_json(self) -> dict[str, Any]:
        """The handling block as JSON."""
        return {
            "use": self.use,
            "onward": self.onward.value,
            "confidential": self.confidential,
            "retention_days": self.retention_days,
        }


@dataclass(frozen=True)
class Envelope:
    """One signed message between two participants of the network."""

    type: str
    sender: str
    recipient: str
    body: dict[str, Any]
    created: dt.datetime
    expires: dt.datetime
    conversation: str
    seq: int = 1
    """Position of the message in the sender's part of the conversation, from 1."""
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    version: int = 1
    in_reply_to: str | None = None
    handling: Handling = field(default_factory=Handling)

    def as_json(self) -> dict[str, Any]:
        """The envelope as the JSON object that is canonicalised and signed."""
        return {
            "uncc": FORMAT,
            "id": self.id,
            "type": self.type,
            "version": self.version,
            "conversation": self.conversation,
            "seq": self.seq,
            "in_reply_to": self.in_reply_to,
            "sender": self.sender,
            "recipient": self.recipient,
            "created": _iso(self.created),
            "expires": _iso(self.expires),
            "handling": self.handling.as_json(),
            "body": self.body,
        }

    def canonical(self) -> bytes:
        """The RFC 8785 canonical bytes (what the signature covers)."""
        return rfc8785.dumps(self.as_json())


class Rejection(StrEnum):
    """Why a receiver refuses a message; the reason code of a negative receipt."""

    MALFORMED = "malformed"
    UNKNOWN_SENDER = "unknown_sender"
    BAD_SIGNATURE = "bad_signature"
    SENDER_MISMATCH = "sender_mismatch"
    MISADDRESSED = "misaddressed"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REPLAY = "replay"
    UNKNOWN_TYPE = "unknown_type"
    INVALID_BODY = "invalid_body"
    CONVERSATION_EXISTS = "conversation_exists"
    """A request came with a conversation id already in use."""
    UNKNOWN_CONVERSATION = "unknown_conversation"
    """An answer to a request the receiver never made."""
    NOT_A_PARTY = "not_a_party"
    """The sender is not the conversation's other party."""
    WRONG_DIRECTION = "wrong_direction"
    """The requesting State sent what only the requested State may send."""
    UNFIT_ANSWER = "unfit_answer"
    """The answer kind does not answer the request kind."""
    NOT_ENCRYPTED = "not_encrypted"
    """A confidential message that came unencrypted (no downgrade)."""
    CANNOT_DECRYPT = "cannot_decrypt"
    """Not encrypted for this node's current key, or changed on the way."""
    ROUTING_MISMATCH = "routing_mismatch"
    """The signed routing header is not the signed message's (a re-wrapped body)."""


class EnvelopeError(Exception):
    """A message the receiver refuses, with the reason code and a sentence."""

    def __init__(self, reason: Rejection, detail: str, envelope: dict[str, Any] | None = None):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail
        self.envelope = envelope
        self.signer: str | None = None
        """The member whose key signed the message, once the signature held (else None:
        nothing about the sender is known)."""


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _time(data: dict[str, Any], name: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(str(data[name]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        raise EnvelopeError(
            Rejection.MALFORMED, f"'{name}' must be an ISO 8601 time", data
        ) from None
    if value.tzinfo is None:
        raise EnvelopeError(Rejection.MALFORMED, f"'{name}' must carry a time zone", data)
    return value


def parse(data: Any) -> Envelope:
    """An envelope from its JSON form, or EnvelopeError(MALFORMED) naming the field."""
    if not isinstance(data, dict) or data.get("uncc") != FORMAT:
        raise EnvelopeError(Rejection.MALFORMED, f"not an '{FORMAT}' object")
    text = {"id", "type", "conversation", "sender", "recipient"}
    for name in sorted(text):
        if not isinstance(data.get(name), str) or not data[name]:
            raise EnvelopeError(Rejection.MALFORMED, f"'{name}' must be a non-empty string", data)
    for name in ("seq", "version"):
        if not isinstance(data.get(name), int) or data[name] < 1:
            raise EnvelopeError(Rejection.MALFORMED, f"'{name}' must be a positive integer", data)
    if not isinstance(data.get("body"), dict):
        raise EnvelopeError(Rejection.MALFORMED, "'body' must be an object", data)
    handling = data.get("handling")
    if not isinstance(handling, dict):
        raise EnvelopeError(Rejection.MALFORMED, "'handling' must be an object", data)
    try:
        onward = Onward(str(handling.get("onward")))
    except ValueError:
        raise EnvelopeError(
            Rejection.MALFORMED,
            f"'handling.onward' must be one of {', '.join(o.value for o in Onward)}",
            data,
        ) from None
    retention = handling.get("retention_days", RETENTION_DAYS)
    if (
        not isinstance(retention, int)
        or isinstance(retention, bool)
        or not 1 <= retention <= MAX_RETENTION_DAYS
    ):
        raise EnvelopeError(
            Rejection.MALFORMED,
            f"'handling.retention_days' must be a whole number of days from 1 to {MAX_RETENTION_DAYS}",
            data,
        )
    reply = data.get("in_reply_to")
    if reply is not None and not isinstance(reply, str):
        raise EnvelopeError(Rejection.MALFORMED, "'in_reply_to' must be a string or null", data)
    return Envelope(
        type=data["type"],
        sender=data["sender"],
        recipient=data["recipient"],
        body=data["body"],
        created=_time(data, "created"),
        expires=_time(data, "expires"),
        conversation=data["conversation"],
        seq=data["seq"],
        id=data["id"],
        version=data["version"],
        in_reply_to=reply,
        handling=Handling(
            str(handling.get("use", "")),
            onward,
            bool(handling.get("confidential", True)),
            retention,
        ),
    )


def check_delivery(envelope: Envelope, *, signer: str, me: str, now: dt.datetime) -> None:
    """The checks after the signature holds: the signer is the sender, it is for us, in time.

    Raises:
        EnvelopeError: SENDER_MISMATCH, MISADDRESSED, EXPIRED or NOT_YET_VALID.
    """
    raw = envelope.as_json()
    if envelope.sender != signer:
        raise EnvelopeError(
            Rejection.SENDER_MISMATCH,
            f"signed with a key of {signer} but claims to come from {envelope.sender}",
            raw,
        )
    if envelope.recipient != me:
        raise EnvelopeError(
            Rejection.MISADDRESSED, f"addressed to {envelope.recipient}, this node is {me}", raw
        )
    if envelope.expires <= now:
        raise EnvelopeError(Rejection.EXPIRED, f"expired at {_iso(envelope.expires)}", raw)
    if envelope.created > now + CLOCK_SKEW:
        raise EnvelopeError(
            Rejection.NOT_YET_VALID, f"created in the future ({_iso(envelope.created)})", raw
        )
