"""Whole-vault verification of up to 1,000,000 custody entries, and a witness's cosignature.

Two figures, against the same floor: hashing every leaf's bytes with hashlib in a tight
loop, the least any verifier must do. The log's integrity (``check_chain``): every leaf
re-hashed and compared with its recorded hash, the RFC 9162 tree built, the signed
checkpoints verified, their roots reproduced and consistency proofs checked between
successive ones — goal ≤ 2.5 × the floor. The whole vault, what ``uncc evidence
verify`` does after reading the tables: the same, the newest signed state snapshot
checked (its signature over the state's SHA-256, its root against the log's at its
size), the entries after it (1 %) read in place and replayed from its state, and every
evidence row (one per three events) matched with the state — goal ≤ 3 × the floor
(issue 12). ``verify --full`` instead reads and replays every leaf (RFC 8785 JSON)
from the start: its figure is given too, without a goal. Blobs are not re-hashed
here (that is the ingest benchmark's floor). One inclusion proof: ≤ 1 ms.

Cosign round trip: a member sends its new signed head (a C2SP checkpoint note, with a
consistency proof from the last cosigned one) to the hub, a server process on loopback,
which verifies the request and the proof, cosigns, stores it and answers; the member
verifies the cosignature and records it. Goal: < 100 ms.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
import tempfile
import time
from collections.abc import Callable, Collection
from dataclasses import replace as with_signature
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import MIN_RUNS, Row, Stats, percentile, ratio_row, timed
from bench.nodes import PASSWORD, free_port, make_node, uncc_server
from uncc.adapters.crypto import NodeKey, verifier
from uncc.domain import merkle
from uncc.domain.custody import Checkpoint, CheckpointVerifier, CustodyEvent, CustodyKind
from uncc.domain.log_check import check_chain, read_events
from uncc.domain.vault import Row as EvidenceRow
from uncc.domain.vault import match_rows, replay
from uncc.domain.vault_state import EntriesOf, Snapshot, check_vault, digest_of

if TYPE_CHECKING:
    from uncc.services.context import NodeContext

SIZES = {"small": 20_000, "full": 1_000_000}
TRIPS = {"small": 10, "full": 100}
CHECKPOINT_EVERY = 1_000


STORY = (CustodyKind.ACQUIRED, CustodyKind.SEALED, CustodyKind.EXAMINED)
"""Each item: acquired, sealed, examined."""


def log(
    count: int,
) -> tuple[list[bytes], list[bytes], list[Checkpoint], NodeKey, list[EvidenceRow]]:
    """A log of ``count`` events with a signed checkpoint every 1,000 entries, and its rows."""
    key = NodeKey.generate(Path(tempfile.mkdtemp()) / "key.pem")
    start = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    events = [
        CustodyEvent(
            n,
            STORY[n % 3],
            f"E-2026-{n // 3:07d}",
            f"{n // 3:064x}",
            "ivan",
            start + dt.timedelta(seconds=n),
            {"order": "O-2026-0001", "size": 1000, "filename": "image.dd"}
            if n % 3 == 0
            else {"note": "court file 12"},
            "C-2026-0001",
        )
        for n in range(count)
    ]
    leaves = [e.leaf_bytes() for e in events]
    held, _ = replay(events)
    rows = [
        EvidenceRow(i.id, "C-2026-0001", i.sha256, 1000, "image.dd", "O-2026-0001", i.sealed)
        for i in held.values()
    ]
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    tree = merkle.Tree(hashes)
    points = []
    for size in [*range(CHECKPOINT_EVERY, count + 1, CHECKPOINT_EVERY), count]:
        at = start + dt.timedelta(seconds=size)
        head = tree.root(size).hex()
        signature = key.sign(Checkpoint.message(size, head, at, key.key_id)).hex()
        points.append(Checkpoint(size, head, at, key.key_id, signature))
    return leaves, hashes, points, key, rows


AFTER_SNAPSHOT = 100
"""The snapshot is taken this many times fewer entries ago than the log holds (1 %)."""


def snapshot(leaves: list[bytes], hashes: list[bytes], key: NodeKey, size: int) -> Snapshot:
    """The items' state after the first ``size`` entries, signed (what a clean full verify does)."""
    events, _ = read_events(leaves[:size])
    held, _ = replay(events)
    root = merkle.Tree(hashes[:size]).root().hex()
    at = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    unsigned = Snapshot(size, root, digest_of(held), at, key.key_id, "")
    return with_signature(unsigned, signature=key.sign(unsigned.signed_bytes()).hex())


def entries_index(count: int) -> EntriesOf:
    """The custody table's index of entries by item (item ``n // 3`` has entries 3n…3n+2)."""

    def numbers(items: Collection[str], size: int) -> list[int]:
        found = []
        for item in items:
            first = int(item.rsplit("-", 1)[1]) * 3
            found += [n for n in range(first, min(first + 3, count)) if n < size]
        return found

    return numbers


def whole_vault(  # noqa: PLR0917
    leaves: list[bytes],
    hashes: list[bytes],
    points: list[Checkpoint],
    holds: CheckpointVerifier,
    rows: list[EvidenceRow],
    state: tuple[Snapshot | None, Callable[[Snapshot], bool], EntriesOf],
) -> list[object]:
    """What ``vault.check`` does once the tables are read: every break."""
    return list(check_vault(leaves, hashes, points, holds, rows, state, every_entry=False).breaks)


def _parts(leaves: list[bytes], rows: list[EvidenceRow]) -> dict[str, float]:
    """Seconds of the whole vault's steps beyond the log (one run each)."""
    began = time.perf_counter()
    events, _ = read_events(leaves)
    read = time.perf_counter()
    held, _ = replay(events)
    replayed = time.perf_counter()
    match_rows(rows, held)
    return {
        "read": read - began,
        "replay": replayed - read,
        "match": time.perf_counter() - replayed,
    }


def floor(leaves: list[bytes]) -> None:
    """Hash every leaf as RFC 9162 does: the least a verifier must do."""
    sha = hashlib.sha256
    for leaf in leaves:
        sha(b"\x00" + leaf).digest()


def run(size: str) -> list[Row]:
    """Verification against the floor, and inclusion proofs."""
    count = SIZES[size]
    leaves, hashes, points, key, items = log(count)
    check = verifier(key.public_hex)

    def holds(cp: Checkpoint) -> bool:
        return bool(check(cp.signed_bytes(), bytes.fromhex(cp.signature)))

    repeat = MIN_RUNS if size == "full" else 3
    base = timed(lambda: floor(leaves), repeat=repeat)
    chained: list[list[object]] = []
    chain = timed(
        lambda: chained.append(check_chain(leaves, hashes, points, holds)[0]), repeat=repeat
    )
    assert chained[-1] == [], chained[-1]

    def state_holds(state: Snapshot) -> bool:
        return bool(check(state.signed_bytes(), bytes.fromhex(state.signature)))

    found: list[object] = []
    in_full = timed(
        lambda: found.append(
            whole_vault(
                leaves, hashes, points, holds, items, (None, state_holds, entries_index(count))
            )
        ),
        repeat=repeat,
    )
    assert found[-1] == [], found[-1]
    state = snapshot(leaves, hashes, key, count - count // AFTER_SNAPSHOT)
    used = check_vault(
        leaves,
        hashes,
        points,
        holds,
        items,
        (state, state_holds, entries_index(count)),
        every_entry=False,
    )
    assert used.held is None, "the snapshot was not used"  # a full replay returns the items
    verified = timed(
        lambda: found.append(
            whole_vault(
                leaves, hashes, points, holds, items, (state, state_holds, entries_index(count))
            )
        ),
        repeat=repeat,
    )
    assert found[-1] == [], found[-1]
    parts = _parts(leaves, items)
    rows = [
        ratio_row(
            "custody",
            f"verify the log: {count:,} entries against their recorded hashes, the tree, {len(points):,} signed checkpoints with consistency proofs",
            chain,
            "hash every leaf (floor)",
            base,
            goal="≤ 2.5 × floor",
            limit=2.5,
            note="The node signs a checkpoint after every append; with one per entry, verifying the signatures (≈ 60 µs each with Ed25519) would dominate. Here: one checkpoint per 1,000 entries.",
        ),
        ratio_row(
            "custody",
            f"verify the whole vault: the log, a signed state snapshot at {state.size:,} entries, the {count - state.size:,} entries after it read in place and replayed, {len(items):,} rows matched",
            verified,
            "hash every leaf (floor)",
            base,
            goal="≤ 3 × floor (issue 12; issue 20's 2.5 × is the log's row above)",
            limit=3.0,
            note="What `uncc evidence verify` does once a clean full verification has signed the items' state (docs/adr/0040): the log as in the row above, the snapshot's signature over the state's SHA-256 and its root against the log's own at its size, the entries after it read and replayed from its state, every row matched with the state (a row changed at any time is found). Here the snapshot is 1 % of the log old.",
        ),
        ratio_row(
            "custody",
            f"verify the whole vault in full (`--full`): the log, and {count:,} entries read in place, replayed and matched with {len(items):,} rows",
            in_full,
            "hash every leaf (floor)",
            base,
            note=f"Beyond the log: reading every leaf (RFC 8785 JSON, the C scanner) {parts['read']:.2f} s, replaying the events {parts['replay']:.2f} s, matching the rows {parts['match']:.2f} s (single runs). Each costs more than the leaf hash itself: no verification in Python that reads every entry comes near 3 × the floor. Done periodically (`verify --full`), it signs the snapshot the row above replays from.",
        ),
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
    rows.append(cosign_row(TRIPS[size]))
    return rows


def _network(folder: Path, port: int) -> tuple[NodeContext, str]:
    """A hub (served from ``folder/xh``) and a member XA with a case; XA's context and case."""
    from uncc.bootstrap import build  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.domain.messages import Contact  # noqa: PLC0415
    from uncc.domain.policy import Role  # noqa: PLC0415
    from uncc.entrypoints.cli.demo_nodes import HUB_PROFILE  # noqa: PLC0415
    from uncc.parties.catalogue import parse_profile  # noqa: PLC0415
    from uncc.services import identity  # noqa: PLC0415
    from uncc.services.context import Principal  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    admin = Principal("admin", frozenset({Role.ADMIN}))
    desk = Contact(name="desk", phone="+00 555 0100", office_hours="24/7", time_zone="UTC")
    hub = build(Settings(data_dir=folder / "xh", database_url=None))
    identity.init_node(hub, parse_profile(HUB_PROFILE), "hub", "admin", PASSWORD)
    url = f"http://127.0.0.1:{port}"
    directory.become_hub(hub, admin, url, desk, ["en"])
    case_id, _ = make_node(folder / "xa")
    member = build(Settings(data_dir=folder / "xa", database_url=None))
    directory.join(
        member,
        admin,
        endpoint="http://127.0.0.1:9",
        hub_state="XH",
        hub_endpoint=url,
        hub_key=hub.key().public_hex,
    )
    entry = directory.own_entry(member, "http://127.0.0.1:9", desk, ["en"])
    directory.install(member, directory.admit(hub, admin, entry))
    hub.engine.dispose()
    return member, case_id


def cosign_row(trips: int) -> Row:
    """A member's new head cosigned by the hub over HTTP on loopback: p50 of ``trips``."""
    from uncc.adapters.http_transport import HttpTransport  # noqa: PLC0415
    from uncc.domain.policy import Role  # noqa: PLC0415
    from uncc.services import evidence  # noqa: PLC0415
    from uncc.services.context import Principal  # noqa: PLC0415
    from uncc.services.network import witnessing  # noqa: PLC0415

    folder = Path(tempfile.mkdtemp(prefix="uncc-bench-witness-"))
    port = free_port()
    member, case_id = _network(folder, port)
    pia = Principal("pia", frozenset({Role.PROSECUTOR}))
    ivan = Principal("ivan", frozenset({Role.INVESTIGATOR}))
    item = evidence.add_evidence(
        member, ivan, case_id, source=io.BytesIO(b"image"), filename="i.dd", acquisition={}
    )
    transport = HttpTransport()
    times = []
    with uncc_server(folder / "xh", port):
        for n in range(trips + 1):
            evidence.set_sealed(member, pia, item.id, sealed=n % 2 == 0)
            start = time.perf_counter()
            sent = witnessing.publish(member, transport)
            elapsed = time.perf_counter() - start
            assert sent.cosigned == ["XH"], sent
            if n:  # the first carries no consistency proof: not timed
                times.append(elapsed)
    transport.close()
    member.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    p50 = percentile(times, 50)
    return Row(
        "custody",
        f"cosign round trip on loopback, p50 (p99 {percentile(times, 99) * 1e3:.1f} ms), {trips} heads",
        "s",
        Stats(p50, min(times), max(times), len(times)),
        goal="< 100 ms",
        met=p50 < 0.1,
        note="The member signs its head (C2SP checkpoint note) and a request (JWS) with a consistency proof from the last cosigned head; the hub, a server process, verifies both against the directory and the proof, cosigns (tlog-cosignature), stores it and answers; the member verifies the cosignature and records it.",
    )
