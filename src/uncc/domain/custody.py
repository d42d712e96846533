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
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from json.scanner import make_scanner
from typing import Any, NamedTuple, cast

import rfc8785

from uncc.domain import merkle

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
_SCAN = make_scanner(
    cast(Any, json.JSONDecoder())
)  # the C scanner: no whitespace around the document


def read_entry(data: bytes) -> Entry:
    """The entry of a leaf (either format), checked as :meth:`CustodyEvent.from_leaf` does.

    Raises:
        ValueError, KeyError, TypeError: not a readable custody leaf.
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


@dataclass
class LogReport:
    """What checking the log found: its breaks, its events (None when unreadable), its tree."""

    breaks: list[Break]
    events: list[Entry | None]
    tree: merkle.Tree


def check_log(
    leaves: Sequence[bytes],
    stored_hashes: Sequence[bytes],
    checkpoints: Sequence[Checkpoint],
    signature_holds: CheckpointVerifier,
    *,
    every_entry: bool = False,
) -> LogReport:
    """Every break in the log, its events and its Merkle tree.

    Leaves that no longer match their recorded hash, unreadable leaves, entries out of
    sequence; no checkpoint although there are entries; a newest checkpoint that does
    not cover every entry; checkpoints whose signature fails, whose root the log no
    longer reproduces, or that are not consistent with the one before (an RFC 9162
    consistency proof is computed from the log and checked against both signed roots).
    With ``every_entry`` (the node signs a head after every append) a size without its
    checkpoint is a break too: one deleted from the middle is found.
    """
    breaks: list[Break] = []
    hashes: list[bytes] = []
    events: list[Entry | None] = []
    keep, read = hashes.append, events.append
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
                    BreakKind.ENTRY_CHANGED,
                )
            )
        try:
            event = read_entry(data)
        except (ValueError, KeyError, TypeError):
            read(None)
            breaks.append(
                Break(
                    f"entry {index}",
                    "the entry is not a readable custody event",
                    BreakKind.ENTRY_UNREADABLE,
                )
            )
            continue
        read(event)
        if event.seq != index:
            breaks.append(
                Break(
                    f"entry {index}",
                    f"the entry says it is number {event.seq}",
                    BreakKind.ENTRY_MISPLACED,
                    event.evidence,
                )
            )
    tree = merkle.Tree(hashes)
    breaks += _check_points(tree, checkpoints, signature_holds)
    if every_entry:
        breaks += _gaps(tree.size, checkpoints)
    return LogReport(breaks, events, tree)


def _gaps(size: int, checkpoints: Sequence[Checkpoint]) -> list[Break]:
    """A break for every run of sizes 1…size that has no checkpoint."""
    have = {c.size for c in checkpoints}
    breaks: list[Break] = []
    start = None
    for n in range(1, size + 2):
        if n <= size and n not in have:
            start = n if start is None else start
        elif start is not None:
            span = f"{start}" if start == n - 1 else f"{start}–{n - 1}"
            breaks.append(
                Break(
                    f"checkpoints of size {span}",
                    "the node signs a checkpoint after every entry; these are gone",
                    BreakKind.CHECKPOINT_MISSING,
                )
            )
            start = None
    return breaks


def _check_points(
    tree: merkle.Tree, checkpoints: Sequence[Checkpoint], signature_holds: CheckpointVerifier
) -> list[Break]:
    breaks: list[Break] = []
    size = tree.size
    if size and not checkpoints:
        breaks.append(
            Break(
                "log",
                f"the log has {size} entries and no signed checkpoint",
                BreakKind.NO_CHECKPOINT,
            )
        )
    previous: Checkpoint | None = None
    for number, checkpoint in enumerate(checkpoints):
        where = f"checkpoint {number}"
        if not signature_holds(checkpoint):
            breaks.append(
                Break(
                    where,
                    f"the signature does not verify with the node's key {checkpoint.key_id}",
                    BreakKind.CHECKPOINT_SIGNATURE,
                )
            )
        if checkpoint.size > size:
            breaks.append(
                Break(
                    where,
                    f"it covers {checkpoint.size} entries but the log has {size}",
                    BreakKind.CHECKPOINT_ROOT,
                )
            )
        elif tree.root(checkpoint.size).hex() != checkpoint.root:
            breaks.append(
                Break(
                    where,
                    f"the first {checkpoint.size} entries no longer give the signed root",
                    BreakKind.CHECKPOINT_ROOT,
                )
            )
        if previous is not None:
            breaks += _consistent(tree, previous, checkpoint, where)
        previous = checkpoint
    if previous is not None and previous.size != size:
        breaks.append(
            Break(
                f"checkpoint {len(checkpoints) - 1}",
                f"the newest checkpoint covers {previous.size} entries, the log has {size}",
                BreakKind.CHECKPOINT_BEHIND,
            )
        )
    return breaks


def _consistent(
    tree: merkle.Tree, before: Checkpoint, after: Checkpoint, where: str
) -> list[Break]:
    """A break unless an RFC 9162 proof from the log shows ``before`` is a prefix of ``after``."""
    if after.size < before.size:
        return [
            Break(
                where,
                "it covers fewer entries than the checkpoint before it",
                BreakKind.CHECKPOINT_INCONSISTENT,
            )
        ]
    if before.size == 0 or after.size > tree.size:
        return []
    proof = tree.consistency_proof(before.size, after.size)
    try:
        holds = merkle.verify_consistency(
            before.size,
            after.size,
            proof,
            bytes.fromhex(before.root),
            bytes.fromhex(after.root),
        )
    except ValueError:
        holds = False
    if holds:
        return []
    return [
        Break(
            where,
            f"no consistency proof leads from the checkpoint before it (size {before.size}) to it",
            BreakKind.CHECKPOINT_INCONSISTENT,
        )
    ]


def verify_log(
    leaves: Sequence[bytes],
    stored_hashes: Sequence[bytes],
    checkpoints: Sequence[Checkpoint],
    signature_holds: CheckpointVerifier,
) -> list[Break]:
    """Every break in the log, as data (see :func:`check_log`)."""
    return check_log(leaves, stored_hashes, checkpoints, signature_holds).breaks
