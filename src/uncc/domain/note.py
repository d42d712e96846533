"""Signed tree heads as C2SP signed notes: checkpoints and witness cosignatures.

A checkpoint (c2sp.org/tlog-checkpoint) is a note whose text is three lines — the
log's origin, its size in decimal, its root hash in base64 — signed as a C2SP signed
note (c2sp.org/signed-note): a blank line, then lines ``— <name> base64(key id ||
signature)``. The node signs with Ed25519 (key id: the first four bytes of
SHA-256(name || 0x0A || 0x01 || public key)). A witness adds a cosignature
(c2sp.org/tlog-cosignature, Ed25519): key id with 0x04, and the signature, over
``cosignature/v1``, ``time <t>`` and the note text, is preceded by the 8-byte time.

Pure text and bytes: the signing and the checking of signatures are passed in.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

DASH = "\u2014"
ED25519 = 0x01
COSIGNATURE = 0x04
COSIGNED_HEADER = "cosignature/v1\n"
_ORIGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,200}$")

Sign = Callable[[bytes], bytes]
"""message → Ed25519 signature."""
Check = Callable[[bytes, bytes], bool]
"""(message, signature) → valid, for one public key."""


class NoteError(ValueError):
    """A note that is not a well-formed signed checkpoint."""


def origin_of(state: str) -> str:
    """The origin line of a node's custody log (one log per State's node)."""
    return f"uncc.int/{state.lower()}/custody"


def witness_name(state: str) -> str:
    """The key name under which a node cosigns other nodes' heads."""
    return f"uncc.int/{state.lower()}/witness"


def key_id(name: str, kind: int, public_key: bytes) -> bytes:
    """The 4-byte key id of a signature line (signed-note, tlog-cosignature)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Head:
    """A tree head: the log named ``origin`` had ``size`` leaves with root ``root``."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The checkpoint's note text (what the log's signature covers)."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


@dataclass(frozen=True)
class SignatureLine:
    """One signature line of a note: the key's name, its 4-byte id, the signature bytes."""

    name: str
    key: bytes
    signature: bytes

    def line(self) -> str:
        """The line as written in the note."""
        return f"{DASH} {self.name} {base64.b64encode(self.key + self.signature).decode()}\n"


@dataclass(frozen=True)
class SignedNote:
    """A checkpoint with its signature lines."""

    head: Head
    lines: tuple[SignatureLine, ...]

    def text(self) -> str:
        """The whole signed note."""
        return self.head.text() + "\n" + "".join(s.line() for s in self.lines)

    def signed_by(self, name: str, public_key: bytes, check: Check) -> bool:
        """True when a line of ``name`` carries a valid Ed25519 signature of the note text."""
        kid = key_id(name, ED25519, public_key)
        body = self.head.text().encode()
        return any(s.name == name and s.key == kid and check(body, s.signature) for s in self.lines)

    def cosigned_at(self, name: str, public_key: bytes, check: Check) -> int | None:
        """The time (POSIX seconds) of a valid cosignature by witness ``name``; None if none."""
        kid = key_id(name, COSIGNATURE, public_key)
        for s in self.lines:
            if s.name != name or s.key != kid or len(s.signature) != 72:
                continue
            at = int.from_bytes(s.signature[:8], "big")
            if check(cosigned_message(self.head, at), s.signature[8:]):
                return at
        return None

    def with_lines(self, *extra: SignatureLine) -> SignedNote:
        """The note with more signature lines (one per name: a newer one replaces)."""
        names = {s.name for s in extra}
        return SignedNote(self.head, (*(s for s in self.lines if s.name not in names), *extra))


def sign_head(head: Head, name: str, public_key: bytes, sign: Sign) -> SignedNote:
    """The checkpoint signed by the log (key ``name``)."""
    signature = sign(head.text().encode())
    return SignedNote(head, (SignatureLine(name, key_id(name, ED25519, public_key), signature),))


def cosigned_message(head: Head, at: int) -> bytes:
    """The bytes a witness signs (tlog-cosignature, Ed25519)."""
    return f"{COSIGNED_HEADER}time {at}\n".encode() + head.text().encode()


def cosign(head: Head, name: str, public_key: bytes, at: int, sign: Sign) -> SignatureLine:
    """A witness's cosignature line of ``head`` at time ``at`` (POSIX seconds)."""
    signature = at.to_bytes(8, "big") + sign(cosigned_message(head, at))
    return SignatureLine(name, key_id(name, COSIGNATURE, public_key), signature)


def _line(text: str) -> SignatureLine:
    if not text.startswith(DASH + " "):
        raise NoteError(f"a signature line must start with '{DASH} ': {text[:40]!r}")
    parts = text[2:].split(" ")
    if len(parts) != 2 or not parts[0]:
        raise NoteError(f"a signature line is '{DASH} <name> <base64>': {text[:40]!r}")
    try:
        raw = base64.b64decode(parts[1], validate=True)
    except binascii.Error:
        raise NoteError(f"the signature of {parts[0]} is not base64") from None
    if len(raw) < 5:
        raise NoteError(f"the signature of {parts[0]} is too short")
    return SignatureLine(parts[0], raw[:4], raw[4:])


def parse(text: str) -> SignedNote:
    """A signed checkpoint from its text (nothing in it is trusted before checking).

    Raises:
        NoteError: not a checkpoint note (the message says what is wrong).
    """
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("a signed note has no control characters other than newline")
    body, sep, signatures = text.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise NoteError("a signed note is its text, a blank line, then signature lines")
    lines = body.split("\n")
    if len(lines) != 3:
        raise NoteError("a checkpoint has three lines: origin, size, root hash (no extensions)")
    origin, size, root = lines
    if not _ORIGIN.match(origin):
        raise NoteError(f"the origin line is not a log name: {origin[:60]!r}")
    if not size.isdigit() or (size != "0" and size.startswith("0")) or len(size) > 19:
        raise NoteError(f"the size line is not a decimal number: {size[:30]!r}")
    try:
        digest = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise NoteError("the root hash line is not base64") from None
    if len(digest) != 32:
        raise NoteError("the root hash is not 32 bytes (SHA-256)")
    head = Head(origin, int(size), digest)
    if head.text() != body + "\n":
        raise NoteError("the checkpoint is not in its canonical form")
    found = tuple(_line(line) for line in signatures[:-1].split("\n"))
    return SignedNote(head, found)
