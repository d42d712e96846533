"""The chain of custody as an append-only Merkle log (RFC 9162), with signed checkpoints.

Each custody event is a leaf whose bytes carry the event time inside them, so that a
checkpoint signed by the node commits to what happened and when. Leaves are written in
``uncc-custody/2``: RFC 8785 canonical JSON naming the item's case as well; leaves of
``uncc-custody/1`` (sorted-key JSON, no case) written before keep verifying.
Verification returns every break it finds (which entry or checkpoint, what is wrong)
as data.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from json.scanner import make_scanner
from typing import Any, NamedTuple, cast

import rfc8785

LEAF_FORMAT_V1 = "uncc-custody/1"
LEAF_FORMAT = "uncc-custody/2"
LEAF_FORMATS = (LEAF_FORMAT_V1, LEAF_FORMAT)
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
    TAGGED = "tagged"
    """A reviewer put a tag on the item (``details.tag``)."""
    UNTAGGED = "untagged"
    """A reviewer took a tag off (``details.tag``)."""
    ANNOTATED = "annotated"
    """A reviewer wrote a note on the item (``details.text``)."""


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
    case: str | None = None
    """The item's case (``uncc-custody/2``); None in a leaf of format 1, which has none."""
    format: str = LEAF_FORMAT

    def leaf_bytes(self) -> bytes:
        """The leaf entry, with the time inside: RFC 8785 JSON (format 1: sorted-key JSON)."""
        body: dict[str, Any] = {
            "format": self.format,
            "seq": self.seq,
            "kind": self.kind.value,
            "evidence": self.evidence,
            "sha256": self.sha256,
            "actor": self.actor,
            "at": self.at.astimezone(dt.UTC).isoformat(),
            "details": self.details,
        }
        if self.format == LEAF_FORMAT_V1:
            return json.dumps(
                body, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
        return rfc8785.dumps({**body, "case": self.case or ""})

    @classmethod
    def from_leaf(cls, data: bytes) -> CustodyEvent:
        """Read an event back from its leaf bytes (either format).

        Raises:
            ValueError: not a custody leaf of a known format.
        """
        body = json.loads(data)
        if not isinstance(body, dict) or body.get("format") not in LEAF_FORMATS:
            msg = "not a custody leaf of a known format"
            raise ValueError(msg)
        v1 = body["format"] == LEAF_FORMAT_V1
        if not isinstance(body["details"], dict) or not isinstance(body["seq"], int):
            msg = "a custody leaf has a number and a details object"
            raise ValueError(msg)
        return cls(
            seq=body["seq"],
            kind=CustodyKind(body["kind"]),
            evidence=str(body["evidence"]),
            sha256=str(body["sha256"]),
            actor=str(body["actor"]),
            at=dt.datetime.fromisoformat(body["at"]),
            details=body["details"],
            case=None if v1 else str(body["case"]),
            format=body["format"],
        )


class Entry(NamedTuple):
    """What verification reads from a leaf: enough to replay it (lighter than an event)."""

    seq: int
    kind: CustodyKind
    evidence: str
    sha256: str
    case: str | None
    details: dict[str, Any]


_KINDS = {k.value: k for k in CustodyKind}
# the C scanner of the json module: one document, no whitespace around it
_SCAN = make_scanner(cast(Any, json.JSONDecoder()))


def read_entry(data: bytes) -> Entry:
    """The entry of a leaf (either format), checked as :meth:`CustodyEvent.from_leaf` does.

    Raises:
        ValueError, KeyError, TypeError, RecursionError: not a readable custody leaf.
    """
    text = data.decode()
    try:
        body, end = _SCAN(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        msg = "not one JSON document"
        raise ValueError(msg)
    fmt = body["format"]
    if fmt == LEAF_FORMAT:
        case = body["case"]
    elif fmt == LEAF_FORMAT_V1:
        case = None
    else:
        msg = "not a custody leaf of a known format"
        raise ValueError(msg)
    entry = Entry(
        body["seq"], _KINDS[body["kind"]], body["evidence"], body["sha256"], case, body["details"]
    )
    if (
        type(entry.seq) is not int
        or type(entry.evidence) is not str
        or type(entry.sha256) is not str
        or type(entry.details) is not dict
        or type(body["actor"]) is not str
        or (case is not None and type(case) is not str)
    ):
        msg = "a custody leaf has a number, strings and a details object"
        raise TypeError(msg)
    dt.datetime.fromisoformat(body["at"])
    return entry


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


class BreakKind(StrEnum):
    """What kind of break verification found."""

    BLOB_MISSING = "blob-missing"
    BLOB_CHANGED = "blob-changed"
    ENTRY_CHANGED = "entry-changed"
    ENTRY_UNREADABLE = "entry-unreadable"
    ENTRY_MISPLACED = "entry-misplaced"
    ROW_WITHOUT_EVENT = "row-without-acquisition"
    EVENT_WITHOUT_ROW = "row-missing"
    ROW_DIFFERS = "row-differs-from-log"
    EVENT_INCONSISTENT = "event-inconsistent"
    NO_CHECKPOINT = "no-checkpoint"
    CHECKPOINT_SIGNATURE = "checkpoint-signature"
    CHECKPOINT_ROOT = "checkpoint-root"
    CHECKPOINT_BEHIND = "newest-checkpoint-behind"
    CHECKPOINT_MISSING = "checkpoint-missing"
    CHECKPOINT_INCONSISTENT = "checkpoints-inconsistent"
    SNAPSHOT_INVALID = "state-snapshot-invalid"
    ROLLBACK = "rollback"
    FORK = "fork"
    HEAD_INVALID = "head-invalid"


@dataclass(frozen=True)
class Break:
    """Something wrong found by verification."""

    where: str
    """``entry 12``, ``checkpoint 3``, ``blob E-…``, ``item E-…``, ``head …``."""
    problem: str
    kind: str = ""
    """A :class:`BreakKind` value."""
    item: str = ""
    """The evidence item concerned, when there is one."""


Verifier = Callable[[bytes, bytes], bool]
"""(message, signature) → valid, with the node's pinned public key."""

CheckpointVerifier = Callable[["Checkpoint"], bool]
"""Checkpoint → its signature holds for the node key it names (keys rotate)."""
