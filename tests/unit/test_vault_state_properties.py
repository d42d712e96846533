"""Property: verifying from a state snapshot finds exactly what replaying the whole log finds.

For any log whose first ``N`` entries replay without a break (what a snapshot is signed
after), any later events (acquisitions twice, events of items never acquired, changed
hashes and cases, leaves of format 1), any rows (deleted, altered, forged, with sizes
of other types) and an index of entries by item that is right or lies: verifying from
the signed snapshot of the state at ``N`` returns the same breaks, in the same order,
as :func:`replay` of every entry and :func:`match_rows` — the reference it replaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from uncc.adapters.crypto import NodeKey, verifier
from uncc.domain import merkle
from uncc.domain.custody import LEAF_FORMAT, LEAF_FORMAT_V1, Checkpoint, CustodyEvent, CustodyKind
from uncc.domain.log_check import read_events
from uncc.domain.vault import Logged, Row, match_rows, replay
from uncc.domain.vault_state import EntriesOf, Snapshot, check_vault, digest_of, rows_digest

START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
KINDS = [CustodyKind.ACQUIRED, CustodyKind.SEALED, CustodyKind.RELEASED, CustodyKind.EXAMINED]
SIZES = st.one_of(st.integers(0, 3), st.just("2"), st.none(), st.just(True), st.just(1.0))
EVENT = st.tuples(
    st.sampled_from(KINDS),
    st.integers(0, 5),  # the item
    st.integers(0, 1),  # its hash (1: another)
    st.sampled_from(["C-1", "C-2"]),
    SIZES,
    st.sampled_from(["", "O-1", "O-2"]),
    st.booleans(),  # format 1
)
ROW_CHANGE = st.tuples(
    st.sampled_from(["delete", "forge", "sha256", "case", "size", "filename", "order", "sealed"]),
    st.integers(0, 10),
)


def _events(spec: list[tuple[CustodyKind, int, int, str, object, str, bool]]) -> list[bytes]:
    leaves = []
    for seq, (kind, item, other, case, size, order, v1) in enumerate(spec):
        details = {"size": size, "filename": f"f{item}", "order": order}
        if size is None:
            del details["size"]
        event = CustodyEvent(
            seq,
            kind,
            f"E-{item}",
            f"{item + 10 * other:064x}",
            "ivan",
            START + dt.timedelta(minutes=seq),
            details if kind is CustodyKind.ACQUIRED else {},
            case,
            LEAF_FORMAT_V1 if v1 else LEAF_FORMAT,
        )
        leaves.append(event.leaf_bytes())
    return leaves


def _rows(leaves: list[bytes], changes: list[tuple[str, int]]) -> list[Row]:
    held, _ = replay(read_events(leaves)[0])
    rows = [
        Row(i.id, str(i.case), i.sha256, 2, str(i.filename), i.order, i.sealed)
        for i in held.values()
    ]
    for change, at in changes:
        if change == "forge":
            rows.append(Row(f"E-9{at}", "C-1", "0" * 64, 1, "x", None, False))
        elif rows:
            index = at % len(rows)
            row = rows[index]
            if change == "delete":
                del rows[index]
            else:
                value = getattr(row, change)
                new = not value if isinstance(value, bool) else f"{value}x"
                rows[index] = replace(row, **{change: 3 if change == "size" else new})
    unique = {r.id: r for r in rows}
    return sorted(unique.values(), key=lambda r: r.id)


KEY = NodeKey(Ed25519PrivateKey.generate())


def _sign(
    leaves: list[bytes], size: int, held: dict[str, Logged]
) -> tuple[list[bytes], list[Checkpoint], Snapshot]:
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    tree = merkle.Tree(hashes)
    points = []
    for n in range(1, len(leaves) + 1):
        message = Checkpoint.message(n, tree.root(n).hex(), START, KEY.key_id)
        points.append(Checkpoint(n, tree.root(n).hex(), START, KEY.key_id, KEY.sign(message).hex()))
    unsigned = Snapshot(size, tree.root(size).hex(), digest_of(held), START, KEY.key_id, "")
    snapshot = replace(unsigned, signature=KEY.sign(unsigned.signed_bytes()).hex())
    return hashes, points, snapshot


def _index(leaves: list[bytes], lies: int) -> EntriesOf:
    """The entries of each item; with ``lies``, one entry left out or one named wrongly."""
    by_item: dict[str, list[int]] = {}
    for seq, leaf in enumerate(leaves):
        by_item.setdefault(CustodyEvent.from_leaf(leaf).evidence, []).append(seq)

    def numbers(items: Collection[str], size: int) -> list[int]:
        found = [seq for item in items for seq in by_item.get(item, []) if seq < size]
        if lies == 1 and found:
            found.pop(0)
        if lies == 2:
            found.append(0)
        return found

    return numbers


def _holds(snapshot: Snapshot) -> bool:
    return bool(
        verifier(KEY.public_hex)(snapshot.signed_bytes(), bytes.fromhex(snapshot.signature))
    )


def _checkpoint_holds(checkpoint: Checkpoint) -> bool:
    signature = bytes.fromhex(checkpoint.signature)
    return bool(verifier(KEY.public_hex)(checkpoint.signed_bytes(), signature))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(EVENT, max_size=14),
    st.lists(EVENT, max_size=10),
    st.lists(ROW_CHANGE, max_size=3),
    st.integers(0, 2),
)
def test_verifying_from_a_snapshot_finds_what_the_full_replay_finds(
    before: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    after: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    changes: list[tuple[str, int]],
    lies: int,
) -> None:
    leaves = _events(before + after)
    size = len(before)
    held_before, misfits_before = replay(read_events(leaves[:size])[0])
    if misfits_before:  # a snapshot is only signed after a replay without a break
        size, held_before = 0, {}
    rows = _rows(leaves, changes)
    hashes, points, snapshot = _sign(leaves, size, held_before)
    state = (snapshot, _holds, _index(leaves, lies))
    from_snapshot = check_vault(leaves, hashes, points, _checkpoint_holds, rows, state)
    in_full = check_vault(leaves, hashes, points, _checkpoint_holds, rows, state, full=True)
    events, _ = read_events(leaves)
    held, misfits = replay(events)
    assert in_full.breaks == misfits + match_rows(rows, held)  # the reference
    assert from_snapshot.breaks == in_full.breaks


@settings(max_examples=150, deadline=None)
@given(
    st.lists(EVENT, max_size=10),
    st.lists(EVENT, max_size=6),
    st.lists(EVENT, max_size=6),
    st.lists(ROW_CHANGE, max_size=3),
)
def test_a_snapshot_signed_after_a_clean_verification_from_one_holds_like_a_full_replays(
    before: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    between: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    after: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    changes: list[tuple[str, int]],
) -> None:
    """The rows' digest signed at the head (ADR 0040, addendum) is the replayed state's.

    When verifying from a snapshot finds nothing, the rows are the state at the head: their
    digest is the full replay's, and a later verification from a snapshot of it finds
    exactly what the full replay finds, whatever happens after.
    """
    kept: list[tuple[CustodyKind, int, int, str, object, str, bool]] = []
    for spec in before + between:  # a log that replays without a break (most real ones)
        if not replay(read_events(_events([*kept, spec]))[0])[1]:
            kept.append(spec)
    before, between = kept[: len(before)], kept[len(before) :]
    first = _events(before + between)
    held_before, misfits_before = replay(read_events(first[: len(before)])[0])
    size = 0 if misfits_before else len(before)
    held, _ = replay(read_events(first)[0])
    rows = sorted(  # the rows as the log says (any types: the replay's)
        (Row(i.id, i.case, i.sha256, i.size, i.filename, i.order, i.sealed) for i in held.values()),  # type: ignore[arg-type]
        key=lambda r: r.id,
    )
    hashes, points, snapshot = _sign(first, size, {} if misfits_before else held_before)
    state = (snapshot, _holds, _index(first, 0))
    checked = check_vault(first, hashes, points, _checkpoint_holds, rows, state)
    if checked.breaks or checked.held is not None:
        return  # not clean from the snapshot: nothing is signed from the rows
    assert rows_digest(rows) == digest_of(held)
    leaves = _events(before + between + after)
    later = _rows(leaves, changes)
    hashes, points, _ = _sign(leaves, 0, {})
    unsigned = Snapshot(len(first), merkle.Tree(hashes).root(len(first)).hex(), "", START, "", "")
    signed = replace(unsigned, digest=rows_digest(rows), key_id=KEY.key_id)
    signed = replace(signed, signature=KEY.sign(signed.signed_bytes()).hex())
    state = (signed, _holds, _index(leaves, 0))
    from_it = check_vault(leaves, hashes, points, _checkpoint_holds, later, state)
    in_full = check_vault(leaves, hashes, points, _checkpoint_holds, later, state, full=True)
    assert from_it.breaks == in_full.breaks
