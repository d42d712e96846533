"""The chain of custody as an append-only Merkle log (RFC 9162), with signed checkpoints.

Each custody event is a leaf whose bytes carry the event time inside them, so that a
checkpoint signed by the node commits to what happened and when. Verification returns
every break it finds (which entry or checkpoint, what is wrong) as data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from uncc.domain import merkle

LEAF_FORMAT = "uncc-custody/1"
CHECKPOINT_FORMAT = "uncc-custody-checkpoint/1"


class CustodyKind(StrEnum):
    """What happened to an evidence item."""

    ACQUIRED = "acquired"
    TRANSFERRED = "transferred"
    EXAMINED = "examined"
    COPIED = "copied"
    SEALED = "sealed"
    RELEASED = "released"
    EXPORTED = "exported"
    VERIFIED = "verified"


@dataclass(frozen=True)
class CustodyEvent:
    """One custody event, the content of one leaf."""

    seq: int
    kind: CustodyKind
    evidence: str
    sha256: str
    actor: str
    at: dt.datetime
    details: dict[str, Any] = field(default_factory=dict)

    def leaf_bytes(self) -> bytes:
        """The leaf entry: canonical JSON (sorted keys, no spaces, UTF-8) with the time inside."""
        body = {
            "format": LEAF_FORMAT,
            "seq": self.seq,
            "kind": self.kind.value,
            "evidence": self.evidence,
            "sha256": self.sha256,
            "actor": self.actor,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "details": self.details,
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_leaf(cls, data: bytes) -> CustodyEvent:
        """Read an event back from its leaf bytes."""
        body = json.loads(data)
        return cls(
            seq=body["seq"],
            kind=CustodyKind(body["kind"]),
            evidence=body["evidence"],
            sha256=body["sha256"],
            actor=body["actor"],
            at=dt.datetime.fromisoformat(body["at"]),
            details=body["details"],
        )


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head: the log had ``size`` leaves with root ``root`` at ``at``."""

    size: int
    root: str
    at: dt.datetime
    key_id: str
    signature: str

    @staticmethod
    def message(size: int, root: str, at: dt.datetime, key_id: str) -> bytes:
        """The bytes the node signs."""
        return f"{CHECKPOINT_FORMAT}\n{key_id}\n{size}\n{root}\n{at.astimezone(dt.UTC).isoformat()}\n".encode()

    def signed_bytes(self) -> bytes:
        """The bytes this checkpoint's signature covers."""
        return self.message(self.size, self.root, self.at, self.key_id)


@dataclass(frozen=True)
class Break:
    """Something wrong found by verification."""

    where: str
    """``entry 12``, ``checkpoint 3``, ``blob <sha256>``."""
    problem: str


Verifier = Callable[[bytes, bytes], bool]
"""(message, signature) → valid, with the node's pinned public key."""

CheckpointVerifier = Callable[["Checkpoint"], bool]
"""Checkpoint → its signature holds for the node key it names (keys rotate)."""


def verify_log(
    leaves: Sequence[bytes],
    stored_hashes: Sequence[bytes],
    checkpoints: Sequence[Checkpoint],
    signature_holds: CheckpointVerifier,
) -> list[Break]:
    """Every break in the log, as data.

    Leaves that no longer match their recorded hash, entries out of sequence,
    checkpoints whose signature fails or whose root the log no longer reproduces.
    A leaf whose canonical bytes name its own place (``"seq":N``) is not parsed again
    (its bytes are bound to the signed heads by its hash); any other leaf is parsed in
    full to report what is wrong with it.
    """
    breaks: list[Break] = []
    hashes: list[bytes] = []
    keep = hashes.append
    sha = hashlib.sha256
    stored = len(stored_hashes)
    for index, data in enumerate(leaves):
        computed = sha(b"\x00" + data).digest()
        keep(computed)
        if index < stored and stored_hashes[index] != computed:
            breaks.append(
                Break(
                    f"entry {index}",
                    "the entry does not match its recorded leaf hash (changed after it was logged)",
                )
            )
        if b',"seq":%d,"sha256":"' % index in data:  # the canonical form names its own place
            continue
        try:
            seq = CustodyEvent.from_leaf(data).seq
        except (ValueError, KeyError, TypeError):
            breaks.append(Break(f"entry {index}", "the entry is not a readable custody event"))
            continue
        breaks.append(Break(f"entry {index}", f"the entry says it is number {seq}"))
    tree = merkle.Tree(hashes)
    previous: Checkpoint | None = None
    for number, checkpoint in enumerate(checkpoints):
        where = f"checkpoint {number}"
        if not signature_holds(checkpoint):
            breaks.append(
                Break(
                    where, f"the signature does not verify with the node's key {checkpoint.key_id}"
                )
            )
        if checkpoint.size > len(hashes):
            breaks.append(
                Break(where, f"it covers {checkpoint.size} entries but the log has {len(hashes)}")
            )
        elif tree.root(checkpoint.size).hex() != checkpoint.root:
            breaks.append(
                Break(where, f"the first {checkpoint.size} entries no longer give the signed root")
            )
        if previous is not None and checkpoint.size < previous.size:
            breaks.append(Break(where, "it covers fewer entries than the checkpoint before it"))
        previous = checkpoint
    return breaks
