"""The signed state snapshot: verify replays only the entries after it, and trusts nothing else.

A clean full verification signs the items' state; later ones check it (signature by a
key the node holds, bound to the log's own root at its size, no rollback below it) and
replay from it. A snapshot forged, of another log, or left above a rolled-back log is a
break and the log is replayed in full; a stale one is used (the entries after it are
replayed); one signed with the node's key that disagrees with the log (a key holder, or
a bug) is caught by ``verify --full``, which replays from the start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, update

from tests.service import vault_kit as kit
from tests.service.conftest import Node
from tests.service.test_vault_tamper import PRESERVE
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain import vault_state
from uncc.domain.custody import BreakKind as K
from uncc.domain.vault_state import Snapshot
from uncc.services import custody_log, evidence, vault


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes verification replayed from a snapshot (one per use)."""
    used: list[int] = []
    real = vault_state.replay_since

    def counted(snapshot: Snapshot, *args: Any) -> Any:
        used.append(snapshot.size)
        return real(snapshot, *args)

    monkeypatch.setattr(vault_state, "replay_since", counted)
    return used


def newest(node: Node) -> Snapshot:
    with node.ctx.engine.connect() as conn:
        found = custody_log.newest_state(conn)
    assert found is not None
    return found


def put(node: Node, snapshot: Snapshot) -> None:
    """An insider writes the snapshot row (as if stored by the node)."""
    with node.ctx.engine.begin() as conn:
        conn.execute(
            update(schema.custody_states).values(
                size=snapshot.size,
                root=snapshot.root,
                digest=snapshot.digest,
                at=snapshot.at,
                key_id=snapshot.key_id,
                signature=snapshot.signature,
            )
        )


def signed(snapshot: Snapshot, key: NodeKey) -> Snapshot:
    unsigned = replace(snapshot, key_id=key.key_id)
    return replace(unsigned, signature=key.sign(unsigned.signed_bytes()).hex())


def entries(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return len(conn.execute(select(schema.custody.c.seq)).all())


def test_a_clean_full_verify_signs_the_state_and_later_ones_replay_from_it(
    node: Node, replays: list[int]
) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    size = entries(node)
    assert (newest(node).size, replays) == (size, [])
    evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)  # appended after it
    assert vault.check(node.ctx, node.aud).breaks == []
    # used, and nothing found: the state at the head is signed (ADR 0040, addendum)
    assert (replays, newest(node).size) == ([size], size + 1)
    kit.flip_sealed(v)  # a row changed after the snapshot is still found
    (found,) = vault.check(node.ctx, node.aud).breaks
    assert (found.kind, found.item) == (K.ROW_DIFFERS, v.sealed)
    assert newest(node).size == size + 1  # nothing signed over the break
    evidence.set_sealed(node.ctx, node.pia, v.sealed, sealed=True)  # the row sealed again
    assert vault.check(node.ctx, node.aud, full=True).breaks == []  # in full: a new one
    assert (newest(node).size, replays) == (size + 2, [size, size + 1])


def test_a_snapshot_signed_by_a_key_the_node_does_not_hold_is_a_break(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    kit.flip_sealed(v)
    mallory = NodeKey(Ed25519PrivateKey.generate())
    hidden = kit.unsealed_digest(v, v.sealed)
    put(node, signed(replace(newest(node), digest=hidden), mallory))
    found = {(b.kind, b.item) for b in vault.check(node.ctx, node.aud).breaks}
    assert found == {(K.SNAPSHOT_INVALID, ""), (K.ROW_DIFFERS, v.sealed)}


def test_a_snapshot_of_another_log_is_a_break(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    kit.flip_sealed(v)
    key = node.ctx.key()  # even signed with the node's own key: its root is not this log's
    other = replace(newest(node), root="00" * 32, digest=kit.unsealed_digest(v, v.sealed))
    put(node, signed(other, key))
    found = vault.check(node.ctx, node.aud).breaks
    assert {(b.kind, b.item) for b in found} == {
        (K.SNAPSHOT_INVALID, ""),
        (K.ROW_DIFFERS, v.sealed),
    }
    assert "not this log" in next(b.problem for b in found if b.kind == K.SNAPSHOT_INVALID)


def test_a_snapshot_that_disagrees_with_the_log_is_caught_in_full(
    node: Node, replays: list[int]
) -> None:
    """Signed with the node key (a key holder, or a bug): only the full replay sees it."""
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    kit.flip_sealed(v)
    wrong = replace(newest(node), digest=kit.unsealed_digest(v, v.sealed))
    put(node, signed(replace(wrong, at=dt.datetime.now(dt.UTC)), node.ctx.key()))
    assert vault.check(node.ctx, node.aud).breaks == []  # the snapshot's word
    assert replays == [newest(node).size]
    (found,) = vault.check(node.ctx, node.aud, full=True).breaks
    assert (found.kind, found.item) == (K.ROW_DIFFERS, v.sealed)


def test_a_tampered_log_is_replayed_in_full_despite_the_snapshot(
    node: Node, replays: list[int]
) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    kit.delete_middle_leaf(v)
    found = {(b.kind, b.item) for b in vault.check(node.ctx, node.aud).breaks}
    assert {(K.ENTRY_MISPLACED, v.other), (K.ROW_WITHOUT_EVENT, v.plain)} <= found
    assert replays == []


def test_one_case_is_replayed_in_full(node: Node, replays: list[int]) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    kit.flip_sealed(v)
    (found,) = vault.check(node.ctx, node.aud, v.cases[0]).breaks
    assert (found.kind, found.item, replays) == (K.ROW_DIFFERS, v.sealed, [])
