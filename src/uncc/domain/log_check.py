"""Checking the custody log: leaves, their hashes, and the signed checkpoints over them.

Every break found is returned as data (which entry or checkpoint, what is wrong, its
kind). The successive checkpoints must each reproduce from the leaves and be consistent
with the one before (RFC 9162 consistency proofs); the newest must cover the log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice

from uncc.collector import collector_paused
from uncc.domain import merkle
from uncc.domain.custody import (
    Break,
    BreakKind,
    Checkpoint,
    CheckpointVerifier,
    Entry,
    read_entry,
)


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
    first: int = 0,
) -> LogReport:
    """Every break in the log, its events and its Merkle tree.

    :func:`check_chain` (the leaves against their recorded hashes, the tree, the signed
    checkpoints) and :func:`read_events` (every entry from number ``first`` on read, in
    its place; the events list starts there).
    """
    breaks, tree = check_chain(
        leaves, stored_hashes, checkpoints, signature_holds, every_entry=every_entry
    )
    events, unread = read_events(leaves, first)
    return LogReport(in_order(breaks, unread), events, tree)


def check_chain(
    leaves: Sequence[bytes],
    stored_hashes: Sequence[bytes],
    checkpoints: Sequence[Checkpoint],
    signature_holds: CheckpointVerifier,
    *,
    every_entry: bool = False,
    pause: bool = True,
) -> tuple[list[Break], merkle.Tree]:
    """The breaks of the log's integrity, and its tree: what the signed heads prove.

    Leaves that no longer match their recorded hash; no checkpoint although there are
    entries; a newest checkpoint that does not cover every entry; checkpoints whose
    signature fails, whose root the log no longer reproduces, or that are not consistent
    with the one before (an RFC 9162 consistency proof is computed from the log and
    checked against both signed roots, unless both are the log's own). With
    ``every_entry`` (the node signs a head after every append) a size without its
    checkpoint is a break too: one deleted from the middle is found. The cyclic
    collector is paused meanwhile (``pause``; False: the caller holds a pause of its own,
    so that no collection runs when this returns while the tree is still young).
    """
    paused = collector_paused() if pause else nullcontext()
    with paused:  # collections would walk the young lists of a million hashes
        sha = hashlib.sha256
        hashes = [sha(b"\x00" + data).digest() for data in leaves]
        recorded = min(len(stored_hashes), len(hashes))
        breaks: list[Break] = []
        if _differ(stored_hashes, hashes, recorded):
            breaks += [
                Break(
                    f"entry {index}",
                    "the entry does not match its recorded leaf hash (changed after it was logged)",
                    BreakKind.ENTRY_CHANGED,
                )
                for index in range(recorded)
                if stored_hashes[index] != hashes[index]
            ]
        tree = merkle.Tree(hashes)
        breaks += _check_points(tree, checkpoints, signature_holds)
        if every_entry:
            breaks += _gaps(tree.size, checkpoints)
        return breaks, tree


def _differ(stored: Sequence[bytes], hashes: list[bytes], recorded: int) -> bool:
    """Whether the first ``recorded`` stored hashes differ from the computed ones.

    One C comparison when intact; the lists are compared in place when they are as long
    (copying a million references to slice them cost as much as comparing them).
    """
    if isinstance(stored, list) and len(stored) == len(hashes) == recorded:
        return stored != hashes
    return list(stored[:recorded]) != hashes[:recorded]


def read_events(leaves: Sequence[bytes], first: int = 0) -> tuple[list[Entry | None], list[Break]]:
    """Every entry from number ``first`` on read (None when unreadable), and the breaks.

    The breaks: the entries unreadable or out of place.
    """
    events: list[Entry | None] = []
    read = events.append
    breaks: list[Break] = []
    for index, data in enumerate(islice(leaves, first, None), first):
        try:
            event = read_entry(data)
        except (ValueError, KeyError, TypeError, RecursionError):
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
    return events, breaks


def in_order(chain: list[Break], entries: list[Break]) -> list[Break]:
    """Both lists of breaks, the entries' own by entry number first (as one pass found them)."""

    def entry(b: Break) -> int:
        return int(b.where.split()[1]) if b.where.startswith("entry ") else -1

    per_entry = sorted(
        [b for b in chain if entry(b) >= 0] + entries,
        key=entry,
    )
    return per_entry + [b for b in chain if entry(b) < 0]


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
    previous_reproduced = False
    for number, checkpoint in enumerate(checkpoints):
        where = f"checkpoint {number}"
        reproduced = False
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
        else:
            reproduced = True
        if previous is not None:
            both = previous_reproduced and reproduced
            breaks += _consistent(tree, previous, checkpoint, where, both_reproduced=both)
        previous, previous_reproduced = checkpoint, reproduced
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
    tree: merkle.Tree,
    before: Checkpoint,
    after: Checkpoint,
    where: str,
    *,
    both_reproduced: bool = False,
) -> list[Break]:
    """A break unless an RFC 9162 proof from the log shows ``before`` is a prefix of ``after``.

    ``both_reproduced``: the log's own roots at both sizes are the signed ones, so the
    proof computed from the log verifies against them (RFC 9162's verification accepts
    every proof built from the tree that gives both roots): it is not built again.
    """
    if after.size < before.size:
        return [
            Break(
                where,
                "it covers fewer entries than the checkpoint before it",
                BreakKind.CHECKPOINT_INCONSISTENT,
            )
        ]
    if before.size == 0 or after.size > tree.size or both_reproduced:
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
