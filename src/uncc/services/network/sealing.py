"""Confidential bodies and evidence blobs encrypted end to end for the recipient (ADR 0015).

A confidential message is signed, then encrypted, then its routing header is signed:

1. the sender signs the whole envelope, body included, as it always has (the *inner*
   JWS): this is what the sender means, and what both sides keep as the record;
2. it encrypts that JWS for the recipient's X25519 key from the hub-signed directory
   (compact JWE, ECDH-ES, A256GCM) — at each delivery attempt, with the key listed then;
3. it signs a routing header carrying the JWE (the *outer* JWS, ``sealed/1``): id,
   conversation, seq, sender, recipient, times and handling — all a relay, the hub or a
   TLS-terminating proxy can see.

The receiver checks the outer signature before it decrypts anything (strangers cost no
decryption), then opens the inner JWS with every usual check, and refuses the message
unless the inner envelope's routing fields are the outer ones (no one can re-wrap
another member's signed body as their own). A confidential message that arrives
unencrypted is refused: there is no downgrade.

Blobs travel as a stream of JWE lines, one per chunk, each naming the blob and the
chunk's position in its protected header; the receiver still checks the SHA-256 of the
whole against the signed manifest.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import rfc8785

from uncc.adapters import jwe, jws
from uncc.adapters.crypto import NodeKey
from uncc.domain.directory import Directory
from uncc.domain.envelope import Envelope, EnvelopeError, Rejection
from uncc.errors import ConflictError
from uncc.services.context import NodeContext
from uncc.services.network import directory as network_directory
from uncc.services.network.envelopes import claimed, open_envelope, payload_of

SEALED = "sealed/1"
ROUTING = (
    "id",
    "conversation",
    "seq",
    "in_reply_to",
    "sender",
    "recipient",
    "created",
    "expires",
    "handling",
)
"""The envelope fields the outer, signed routing header repeats (everything but the content)."""
JWE_TYP = "uncc+jwe"
BLOB_TYP = "uncc+blob"
BLOB_MEDIA_TYPE = "application/jose; uncc=sealed-blob"
"""A blob in transfer: one compact JWE per line."""


class NoEncryptionKeyError(Exception):
    """The recipient has published no encryption key: a confidential message cannot go yet."""


def confidential(token: str) -> bool:
    """True when the stored (inner) token's handling marks it confidential."""
    handling = payload_of(token).get("handling") or {}
    return bool(handling.get("confidential", True))


def wire(
    ctx: NodeContext,
    token: str,
    directory: Directory,
    now: dt.datetime,
    signing: NodeKey | None = None,
) -> str:
    """What goes on the wire for a stored message: sealed when confidential, else as signed.

    ``signing``: the node's signing key when the caller already read it (a pass signs many).

    Raises:
        NoEncryptionKeyError: the recipient lists no valid encryption key in the directory.
    """
    if not confidential(token):
        return token
    data = payload_of(token)
    member = directory.member(str(data["recipient"]))
    key = member.encryption_key(now) if member else None
    if key is None:
        raise NoEncryptionKeyError(
            f"{data['recipient']} has published no encryption key: a confidential message waits"
        )
    sealed = jwe.encrypt(token.encode(), key.public_key, typ=JWE_TYP, cty="uncc+jws")
    outer = {"uncc": SEALED, **{name: data.get(name) for name in ROUTING}, "sealed": sealed}
    return jws.sign(signing or ctx.key(), rfc8785.dumps(outer))


def open_message(
    ctx: NodeContext, token: str, *, directory: Directory, me: str, now: dt.datetime
) -> tuple[str, Envelope]:
    """(the inner signed token, its envelope) of a message posted to the inbox.

    Raises:
        EnvelopeError: as ``open_envelope``, and NOT_ENCRYPTED, CANNOT_DECRYPT or
            ROUTING_MISMATCH for the sealed layer.
    """
    if claimed(token).get("uncc") != SEALED:
        envelope = open_envelope(token, directory=directory, me=me, now=now)
        if envelope.handling.confidential:
            raise EnvelopeError(
                Rejection.NOT_ENCRYPTED,
                "a confidential message must be encrypted for the recipient (sealed/1)",
                envelope.as_json(),
            )
        return token, envelope
    outer, signer = _outer(token, directory, me, now)
    try:
        return _inner(ctx, outer, directory, me, now)
    except EnvelopeError as exc:  # refused after a member's signature held: audited as its
        exc.signer = exc.signer or signer
        raise


def _inner(
    ctx: NodeContext, outer: dict[str, object], directory: Directory, me: str, now: dt.datetime
) -> tuple[str, Envelope]:
    """Decrypt the sealed message, open it fully, and bind it to its routing header."""
    try:
        _, plaintext = ctx.encryption_key().decrypt(str(outer.get("sealed")))
        inner = plaintext.decode("ascii")
    except (jwe.DecryptionError, UnicodeDecodeError) as exc:
        raise EnvelopeError(Rejection.CANNOT_DECRYPT, str(exc), outer) from None
    envelope = open_envelope(inner, directory=directory, me=me, now=now)
    signed = payload_of(inner)
    different = [name for name in ROUTING if signed.get(name) != outer.get(name)]
    if different:
        raise EnvelopeError(
            Rejection.ROUTING_MISMATCH,
            "the routing header does not match the signed message: " + ", ".join(different),
            outer,
        )
    return inner, envelope


def _outer(
    token: str, directory: Directory, me: str, now: dt.datetime
) -> tuple[dict[str, object], str]:
    """The verified routing header and its signer: a listed key of its sender, addressed to us."""
    try:
        kid = str(jws.header(token)["kid"])
    except jws.SignatureError as exc:
        raise EnvelopeError(Rejection.MALFORMED, str(exc)) from None
    found = directory.key(kid, now)
    if found is None:
        raise EnvelopeError(
            Rejection.UNKNOWN_SENDER, f"key {kid} is not in the directory (or retired)"
        )
    signer, public_key = found
    try:
        outer = json.loads(jws.verify(token, public_key))
    except jws.SignatureError as exc:
        raise EnvelopeError(Rejection.BAD_SIGNATURE, str(exc)) from None
    except ValueError:
        raise EnvelopeError(Rejection.MALFORMED, "the payload is not JSON") from None
    problem = None
    if not isinstance(outer, dict) or not isinstance(outer.get("sealed"), str):
        problem = EnvelopeError(Rejection.MALFORMED, f"a '{SEALED}' object needs 'sealed'")
    elif outer.get("sender") != signer:
        problem = EnvelopeError(
            Rejection.SENDER_MISMATCH,
            f"signed with a key of {signer} but claims to come from {outer.get('sender')}",
            outer,
        )
    elif outer.get("recipient") != me:
        problem = EnvelopeError(
            Rejection.MISADDRESSED,
            f"addressed to {outer.get('recipient')}, this node is {me}",
            outer,
        )
    if problem is not None:
        problem.signer = signer
        raise problem
    return outer, signer


def sealed_blob(ctx: NodeContext, requester: str, sha256: str) -> Iterator[bytes]:
    """A blob as JWE lines for the requester's encryption key, one per stored chunk.

    Raises:
        ConflictError: the requester has published no encryption key.
    """
    with ctx.engine.connect() as conn:
        member = network_directory.directory(conn).member(requester)
    key = member.encryption_key(ctx.clock()) if member else None
    if key is None:
        raise ConflictError(f"{requester} has published no encryption key: blobs cannot go yet")
    public = key.public_key

    def lines() -> Iterator[bytes]:
        for index, chunk in enumerate(ctx.blobs.open(sha256)):
            header: dict[str, str | int] = {
                "typ": BLOB_TYP,
                "uncc-blob": sha256,
                "uncc-chunk": index,
            }
            yield jwe.encrypt(chunk, public, **header).encode() + b"\n"

    return lines()


def open_blob(ctx: NodeContext, stream: Iterator[bytes], sha256: str) -> Iterator[bytes]:
    """The plaintext chunks of a sealed blob stream, each checked for this blob and position.

    Raises:
        ConflictError: a chunk is not for this node, this blob or this position.
    """
    key = ctx.encryption_key()
    buffer = b""
    index = 0

    def opened(line: bytes) -> bytes:
        try:
            header, plaintext = key.decrypt(line.decode("ascii"))
        except (jwe.DecryptionError, UnicodeDecodeError) as exc:
            raise ConflictError(f"blob {sha256[:12]}: chunk {index}: {exc}") from None
        if header.get("uncc-blob") != sha256 or header.get("uncc-chunk") != index:
            raise ConflictError(f"blob {sha256[:12]}: chunk {index} is out of place")
        return plaintext

    for piece in stream:
        buffer += piece
        if b"\n" not in buffer and len(buffer) > jwe.MAX_CIPHERTEXT * 2:
            raise ConflictError(f"blob {sha256[:12]}: chunk {index} is larger than any sent")
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield opened(line)
            index += 1
    if buffer.strip():
        yield opened(buffer.strip())
