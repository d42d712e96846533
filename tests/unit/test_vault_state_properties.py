"""Property: replaying from a state snapshot finds exactly what replaying the whole log finds.

For any log whose first ``N`` entries replay without a break (what a snapshot is signed
after), any later events (acquisitions twice, events of items never acquired, changed
hashes and cases, leaves of format 1) and any rows (deleted, altered, forged, with
sizes of other types): :func:`replay_since` from the snapshot of the state at ``N``
returns the same breaks, in the same order, as :func:`replay` of every entry and
:func:`match_rows` — the reference it replaces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from uncc.domain.custody import LEAF_FORMAT, LEAF_FORMAT_V1, CustodyEvent, CustodyKind
from uncc.domain.log_check import read_events
from uncc.domain.vault import Row, match_rows, replay
from uncc.domain.vault_state import Snapshot, held_of, replay_since, state_of

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


@settings(max_examples=300, deadline=None)
@given(
    st.lists(EVENT, max_size=14),
    st.lists(EVENT, max_size=10),
    st.lists(ROW_CHANGE, max_size=3),
)
def test_replaying_from_a_snapshot_equals_replaying_the_whole_log(
    before: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    after: list[tuple[CustodyKind, int, int, str, object, str, bool]],
    changes: list[tuple[str, int]],
) -> None:
    leaves = _events(before + after)
    size = len(before)
    held_before, misfits_before = replay(read_events(leaves[:size])[0])
    if misfits_before:  # a snapshot is only signed after a replay without a break
        before = []
        size = 0
        held_before = {}
    rows = _rows(leaves, changes)
    events, _ = read_events(leaves)
    held, misfits = replay(events)
    expected = misfits + match_rows(rows, held)
    items, seqs = state_of(held_before)
    snapshot = Snapshot(size, "", items, seqs, START, "", "")
    assert list(held_of(snapshot).items()) == list(held_before.items())
    assert replay_since(snapshot, read_events(leaves, size)[0], rows) == expected
