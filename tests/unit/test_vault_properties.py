"""Property: after any appends, any deletion or alteration is detected — and by what.

The vault is modelled as the node stores it: evidence rows, custody leaves with their
recorded hashes, one signed checkpoint per entry, and a head exported at the end (the
same head a witness cosigns). Then one change is made:

- a row deleted or one of its fields altered; a leaf deleted or its bytes altered; a
  checkpoint deleted or its size, root or signature altered — detected by ``verify``
  itself (the replayed rows, the leaf hashes, the checkpoints);
- the newest entries removed consistently (their checkpoints too, the rows put back as
  the shorter log says): a rollback — ``verify`` cannot see it, ``verify --since`` with
  the exported head (and a witness holding that head) does;
- an entry rewritten by an insider holding the signing key (every hash and checkpoint
  recomputed and re-signed): a fork — only ``verify --since`` / a witness detect it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from unittest.mock import patch

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.garbage import unreachable_from
from uncc.adapters.crypto import NodeKey
from uncc.domain import merkle, note
from uncc.domain.custody import LEAF_FORMAT_V1, Checkpoint, CustodyEvent, CustodyKind
from uncc.domain.log_check import check_log
from uncc.domain.vault import Row, match_rows, replay
from uncc.services.custody_log import check_head, checkpoint_verifier

KEY = NodeKey(Ed25519PrivateKey.generate())
KEYS = {KEY.key_id: KEY.public_hex}
ORIGIN = note.origin_of("XA")
START = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@dataclass
class Stored:
    rows: list[Row]
    leaves: list[bytes]
    hashes: list[bytes]
    checkpoints: list[Checkpoint]


def _sign(hashes: list[bytes], upto: int) -> list[Checkpoint]:
    tree = merkle.Tree(hashes)
    points = []
    for size in range(1, upto + 1):
        at = START + dt.timedelta(minutes=size)
        root = tree.root(size).hex()
        signature = KEY.sign(Checkpoint.message(size, root, at, KEY.key_id)).hex()
        points.append(Checkpoint(size, root, at, KEY.key_id, signature))
    return points


def _rows_for(events: list[CustodyEvent]) -> list[Row]:
    held, _ = replay(events)
    return [
        Row(i.id, str(i.case), i.sha256, int(str(i.size)), str(i.filename), i.order, i.sealed)
        for i in held.values()
    ]


def build(ops: list[int]) -> tuple[Stored, str]:
    """Appends: op n acquires a new item, or seals / releases item n % items."""
    events: list[CustodyEvent] = []
    sealed: dict[str, bool] = {}
    for op in ops:
        seq = len(events)
        if op == 0 or not sealed:
            item = f"E-2026-{len(sealed):04d}"
            sealed[item] = False
            kind = CustodyKind.ACQUIRED
            details = {"size": 10 + seq, "filename": f"f{seq}", "order": "O-1" if seq % 2 else ""}
        else:
            item = sorted(sealed)[op % len(sealed)]
            kind = CustodyKind.RELEASED if sealed[item] else CustodyKind.SEALED
            sealed[item] = not sealed[item]
            details = {"note": f"n{seq}"}
        case = f"C-{int(item[-4:]) % 2}"
        sha = f"{int(item[-4:]):064x}"
        at = START + dt.timedelta(minutes=seq)
        events.append(CustodyEvent(seq, kind, item, sha, "ivan", at, details, case))
    leaves = [e.leaf_bytes() for e in events]
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    stored = Stored(_rows_for(events), leaves, hashes, _sign(hashes, len(hashes)))
    head = note.Head(ORIGIN, len(hashes), merkle.Tree(hashes).root())
    exported = note.sign_head(head, ORIGIN, bytes.fromhex(KEY.public_hex), KEY.sign).text()
    return stored, exported


def found_by_verify(s: Stored) -> bool:
    log = check_log(s.leaves, s.hashes, s.checkpoints, checkpoint_verifier(KEYS), every_entry=True)
    held, misfits = replay(log.events)
    return bool(log.breaks or misfits or match_rows(s.rows, held))


def found_by_since(s: Stored, exported: str) -> bool:
    tree = merkle.Tree([merkle.leaf_hash(leaf) for leaf in s.leaves])
    return bool(check_head(exported, name=ORIGIN, keys=KEYS, tree=tree, where="head"))


FIELDS = ("id", "case", "sha256", "size", "filename", "order", "sealed")


def alter_row(s: Stored, index: int, field: str) -> None:
    row = s.rows[index % len(s.rows)]
    value = getattr(row, field)
    changed = (
        not value
        if isinstance(value, bool)
        else value + 1
        if isinstance(value, int)
        else (value or "") + "x"
    )
    s.rows[s.rows.index(row)] = replace(row, **{field: changed})


def alter_checkpoint(s: Stored, index: int, part: int) -> None:
    cp = s.checkpoints[index % len(s.checkpoints)]
    forged = [
        replace(cp, size=cp.size + 1),
        replace(cp, root=("0" if cp.root[0] != "0" else "1") + cp.root[1:]),
        replace(cp, signature=("0" if cp.signature[0] != "0" else "1") + cp.signature[1:]),
    ][part % 3]
    s.checkpoints[s.checkpoints.index(cp)] = forged


def rollback(s: Stored, count: int) -> None:
    keep = len(s.leaves) - 1 - count % len(s.leaves)
    events = [CustodyEvent.from_leaf(leaf) for leaf in s.leaves[:keep]]
    s.leaves, s.hashes = s.leaves[:keep], s.hashes[:keep]
    s.checkpoints = s.checkpoints[:keep]
    s.rows = _rows_for(events)


def rewrite(s: Stored, index: int) -> None:
    """An insider with the signing key rewrites entry ``index`` and re-signs everything."""
    at = index % len(s.leaves)
    event = CustodyEvent.from_leaf(s.leaves[at])
    s.leaves[at] = replace(event, actor="mallory").leaf_bytes()
    s.hashes = [merkle.leaf_hash(leaf) for leaf in s.leaves]
    s.checkpoints = _sign(s.hashes, len(s.hashes))


CHANGES = st.one_of(
    st.tuples(st.just("delete row"), st.integers(0, 50)),
    st.tuples(st.just("alter row"), st.integers(0, 50), st.sampled_from(FIELDS)),
    st.tuples(st.just("delete leaf"), st.integers(0, 50)),
    st.tuples(st.just("alter leaf"), st.integers(0, 50), st.integers(0, 400)),
    st.tuples(st.just("delete checkpoint"), st.integers(0, 50)),
    st.tuples(st.just("alter checkpoint"), st.integers(0, 50), st.integers(0, 2)),
    st.tuples(st.just("rollback"), st.integers(0, 50)),
    st.tuples(st.just("rewrite"), st.integers(0, 50)),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 5), min_size=2, max_size=14), CHANGES)
def test_any_change_is_detected_by_verify_or_by_a_head_kept_elsewhere(
    ops: list[int], change: tuple[object, ...]
) -> None:
    stored, exported = build(ops)
    assert not found_by_verify(stored)
    assert not found_by_since(stored, exported)
    what, where = str(change[0]), int(str(change[1]))
    if what == "delete row":
        del stored.rows[where % len(stored.rows)]
    elif what == "alter row":
        alter_row(stored, where, str(change[2]))
    elif what == "delete leaf":
        del stored.leaves[where % len(stored.leaves)]
        del stored.hashes[where % len(stored.hashes)]
    elif what == "alter leaf":
        index = where % len(stored.leaves)
        leaf = bytearray(stored.leaves[index])
        leaf[int(str(change[2])) % len(leaf)] ^= 0x01
        stored.leaves[index] = bytes(leaf)
    elif what == "delete checkpoint":
        del stored.checkpoints[where % len(stored.checkpoints)]
    elif what == "alter checkpoint":
        alter_checkpoint(stored, where, int(str(change[2])))
    elif what == "rollback":
        rollback(stored, where)
        assert not found_by_verify(stored)  # consistent in itself: only a head kept elsewhere
        assert found_by_since(stored, exported)
        return
    else:
        rewrite(stored, where)
        assert not found_by_verify(stored)  # the key holder re-signed it all
        assert found_by_since(stored, exported)
        return
    assert found_by_verify(stored)


def test_a_log_written_in_format_1_keeps_verifying_and_mixes_with_format_2() -> None:
    """Leaves written before (sorted-key JSON, no case) verify; a later event pins the case."""
    old = CustodyEvent(
        0,
        CustodyKind.ACQUIRED,
        "E-1",
        "a" * 64,
        "ivan",
        START,
        {"size": 3, "filename": "f", "order": ""},
    )
    v1 = replace(old, format=LEAF_FORMAT_V1)
    assert b'"format":"uncc-custody/1"' in v1.leaf_bytes()
    assert b'"case"' not in v1.leaf_bytes()
    assert CustodyEvent.from_leaf(v1.leaf_bytes()) == replace(v1, case=None)
    sealed = CustodyEvent(1, CustodyKind.SEALED, "E-1", "a" * 64, "pia", START, {}, "C-9")
    leaves = [v1.leaf_bytes(), sealed.leaf_bytes()]
    hashes = [merkle.leaf_hash(leaf) for leaf in leaves]
    row = Row("E-1", "C-9", "a" * 64, 3, "f", None, True)
    alone = Stored(
        [replace(row, case="C-7", sealed=False)], leaves[:1], hashes[:1], _sign(hashes, 1)
    )
    assert not found_by_verify(alone)  # a format-1 acquisition does not name the case
    stored = Stored([row], leaves, hashes, _sign(hashes, 2))
    assert not found_by_verify(stored)
    for changed in (replace(row, sealed=False), replace(row, case="C-7")):
        assert found_by_verify(replace(stored, rows=[changed]))  # pinned by the later event


@given(
    st.lists(st.binary(min_size=0, max_size=2), max_size=8),
    st.lists(st.binary(min_size=0, max_size=2), max_size=8),
    st.booleans(),
)
def test_the_recorded_hashes_compare_as_one_by_one(
    stored: list[bytes], computed: list[bytes], as_tuple: bool
) -> None:
    """The log's in-place comparison of recorded and computed hashes gives the simple answer."""
    from uncc.domain.log_check import _differ  # noqa: PLC0415

    recorded = min(len(stored), len(computed))
    reference = any(stored[i] != computed[i] for i in range(recorded))
    given_as = tuple(stored) if as_tuple else stored
    assert _differ(given_as, computed, recorded) == reference


@given(
    st.integers(min_value=1, max_value=40),
    st.lists(st.tuples(st.integers(0, 45), st.booleans(), st.booleans()), max_size=8),
)
def test_checkpoints_whose_roots_reproduce_need_no_proof_built(
    n: int, points: list[tuple[int, bool, bool]]
) -> None:
    """The checkpoints' breaks are those found when every consistency proof is built."""
    from uncc.domain import log_check  # noqa: PLC0415

    tree = merkle.Tree([merkle.leaf_hash(bytes([i])) for i in range(n)])
    checkpoints = [
        Checkpoint(
            size,
            "ab" * 32 if wrong_root or not 0 < size <= n else tree.root(size).hex(),
            START,
            KEY.key_id,
            "00" if bad_signature else "",
        )
        for size, wrong_root, bad_signature in points
    ]

    def holds(checkpoint: Checkpoint) -> bool:
        return checkpoint.signature == ""

    built = log_check._consistent

    def every_proof_built(*args: Any, both_reproduced: bool = False) -> list[object]:
        return built(*args)

    found = log_check._check_points(tree, checkpoints, holds)
    with patch.object(log_check, "_consistent", every_proof_built):
        assert found == log_check._check_points(tree, checkpoints, holds)


def test_the_log_check_puts_the_collector_back_and_leaves_no_cycles() -> None:
    """The cyclic collector is paused while the log is checked, and put back as it was."""
    import gc  # noqa: PLC0415

    from uncc.domain.vault_state import check_vault  # noqa: PLC0415

    stored, _ = build([0, 1, 0, 2, 1])
    holds = checkpoint_verifier(KEYS)
    state = (None, lambda _: True, lambda _items, _size: [])
    for running in (True, False):
        gc.enable() if running else gc.disable()
        try:
            gc.collect()
            check_log(stored.leaves, stored.hashes, stored.checkpoints, holds)
            assert gc.isenabled() is running
            checked = check_vault(
                stored.leaves, stored.hashes, stored.checkpoints, holds, stored.rows, state
            )
            assert (checked.breaks, gc.isenabled()) == ([], running)
            modules = ("uncc.domain.log_check", "uncc.domain.vault_state", "uncc.domain.merkle")
            assert unreachable_from(*modules) == []  # nothing it made needs the collector
        finally:
            gc.enable()
