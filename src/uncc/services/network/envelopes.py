"""Sealing envelopes with the node key, and opening them: every check before any trust."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from typing import Any

from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.domain import messages
from uncc.domain.directory import Directory
from uncc.domain.envelope import Envelope, EnvelopeError, Rejection, check_delivery, parse
from uncc.services.context import NodeContext


def seal(ctx: NodeContext, envelope: Envelope, key: NodeKey | None = None) -> str:
    """The envelope as a compact JWS over its RFC 8785 bytes, signed with the node key.

    ``key``: the node's current key when the caller already read it (a batch signs many).
    """
    return jws.sign(key or ctx.key(), envelope.canonical())


def digest(token: str) -> str:
    """The SHA-256 of a token's payload segment (what a replay must match exactly)."""
    parts = token.split(".")
    return hashlib.sha256(parts[1].encode() if len(parts) == 3 else token.encode()).hexdigest()


def open_envelope(token: str, *, directory: Directory, me: str, now: dt.datetime) -> Envelope:
    """The envelope, once signer, signature, addressing, time and body all check out.

    The order matters: nothing in the payload is believed before the signature holds
    for a key the directory lists and that is valid now.

    Raises:
        EnvelopeError: the reason code and a sentence (for the negative receipt).
    """
    try:
        header = jws.header(token)
    except jws.SignatureError as exc:
        raise EnvelopeError(Rejection.MALFORMED, str(exc)) from None
    found = directory.key(str(header["kid"]), now)
    if found is None:
        raise EnvelopeError(
            Rejection.UNKNOWN_SENDER, f"key {header['kid']} is not in the directory (or retired)"
        )
    signer, public_key = found
    try:
        payload = jws.verify(token, public_key)
    except jws.SignatureError as exc:
        raise EnvelopeError(Rejection.BAD_SIGNATURE, str(exc)) from None
    try:
        return _checked(payload, signer, me=me, now=now)
    except EnvelopeError as exc:
        exc.signer = signer
        raise


def _checked(payload: bytes, signer: str, *, me: str, now: dt.datetime) -> Envelope:
    """The envelope in a verified payload, once addressing, time and body check out."""
    try:
        data = json.loads(payload)
    except ValueError:
        raise EnvelopeError(Rejection.MALFORMED, "the payload is not JSON") from None
    envelope = parse(data)
    check_delivery(envelope, signer=signer, me=me, now=now)
    if (envelope.type, envelope.version) not in messages.REGISTRY:
        raise EnvelopeError(
            Rejection.UNKNOWN_TYPE,
            f"'{envelope.type}' version {envelope.version} is not a registered message type",
            data,
        )
    found_problems = messages.problems(envelope.type, envelope.version, envelope.body)
    if found_problems:
        raise EnvelopeError(Rejection.INVALID_BODY, "; ".join(found_problems), data)
    return envelope


def claimed(token: str) -> dict[str, object]:
    """The unverified payload of a token, to address a negative receipt (never trusted)."""
    try:
        segment = token.split(".")[1]
        data = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (IndexError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def payload_of(token: str) -> Any:
    """The payload of a token this node stored after verifying it (not for untrusted input)."""
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
