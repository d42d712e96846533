"""Custody verification (RFC 9162 log, signed checkpoints) of up to 1,000,000 entries.

Baseline (the floor): hashing the same leaf bytes with hashlib in a tight loop — any
verification must at least do that. Goal: verification ≤ 3 × the floor; one inclusion
proof ≤ 1 ms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from pathlib import Path

from bench.common import Row, Stats, percentile, ratio_row, timed
from uncc.adapters.crypto import NodeKey, verifier
from uncc.domain import merkle
from uncc.domain.custody import Checkpoint, CustodyEvent, CustodyKind, verify_log

SIZES = {"small": 20_000, "full": 1_000_000}
CHECKPOINT_EVERY = 1_000


def log(count: int) -> tuple[list[bytes], list[bytes], list[Checkpoint], NodeKey]:
    """A log of ``count`` events with a signed checkpoint every 1,000 entries."""
    key = NodeKey.generate(Path(tempfile.mkdtemp()) / "key.pem")
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    kinds = list(CustodyKind)
    leaves = [
        CustodyEvent(
            n,
            kinds[n % len(kinds)],
            f"E-2026-{n // 3:07d}",
            f"{n:064x}",
            "ivan",
            start + dt.timedelta(seconds=n),
            {"order": "O-2026-0001"},
        ).leaf_bytes()
        for n in range(count)
    ]
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    tree = merkle.Tree(hashes)
    points = []
    for size in [*range(CHECKPOINT_EVERY, count + 1, CHECKPOINT_EVERY), count]:
        at = start + dt.timedelta(seconds=size)
        head = tree.root(size).hex()
        signature = key.sign(Checkpoint.message(size, head, at, key.key_id)).hex()
        points.append(Checkpoint(size, head, at, key.key_id, signature))
    return leaves, hashes, points, key


def floor(leaves: list[bytes]) -> None:
    """Hash every leaf as RFC 9162 does: the least a verifier must do."""
    sha = hashlib.sha256
    for leaf in leaves:
        sha(b"\x00" + leaf).digest()


def run(size: str) -> list[Row]:
    """Verification against the floor, and inclusion proofs."""
    count = SIZES[size]
    leaves, hashes, points, key = log(count)
    check = verifier(key.public_hex)

    def holds(cp: Checkpoint) -> bool:
        return bool(check(cp.signed_bytes(), bytes.fromhex(cp.signature)))

    base = timed(lambda: floor(leaves), repeat=3)
    found: list[object] = []
    verified = timed(lambda: found.append(verify_log(leaves, hashes, points, holds)), repeat=3)
    assert found[-1] == [], found[-1]
    rows = [
        ratio_row(
            "custody",
            f"verify {count:,} entries, {len(points):,} signed checkpoints",
            verified,
            "hash every leaf (floor)",
            base,
            goal="≤ 3 × floor",
            limit=3.0,
            note="The node signs a checkpoint after every append; with one per entry, verifying the signatures (≈ 60 µs each with Ed25519) would dominate. Here: one checkpoint per 1,000 entries.",
        )
    ]
    build = timed(lambda: merkle.Tree(hashes), repeat=1)
    tree = merkle.Tree(hashes)
    times = []
    for index in range(0, count, max(1, count // 500)):
        start = time.perf_counter()
        proof = tree.inclusion_proof(index)
        times.append(time.perf_counter() - start)
        assert merkle.verify_inclusion(index, count, hashes[index], proof, tree.root())
    p99 = percentile(times, 99)
    rows.append(
        Row(
            "custody",
            f"inclusion proof p99, {count:,} entries (tree cached)",
            "s",
            Stats(p99, min(times), max(times), len(times)),
            goal="≤ 1 ms",
            met=p99 <= 0.001,
        )
    )
    rows.append(
        Row(
            "custody",
            f"build the cached tree of {count:,} entries (once per verification)",
            "s",
            build,
        )
    )
    return rows
