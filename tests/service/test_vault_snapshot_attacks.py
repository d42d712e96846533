"""The state snapshot attacked by an insider with the database but not the key files.

Each forged or replayed snapshot is written through the node's own code (so these tests
do not depend on how a snapshot is stored): signed with a key the database lists but no
key file holds (issue 12's held-keys rule), or an older genuine one put back above a
newer. Verification without ``--full`` must still find the changed row, and trust and
store nothing new.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, insert, select

from tests.service import vault_kit as kit
from tests.service.conftest import Node
from tests.service.test_vault_tamper import PRESERVE
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain.custody import BreakKind as K
from uncc.domain.vault import Logged
from uncc.services import custody_log, evidence, vault


def states(node: Node) -> list[dict[str, Any]]:
    with node.ctx.engine.connect() as conn:
        rows = conn.execute(select(schema.custody_states).order_by(schema.custody_states.c.id))
        return [dict(r._mapping) for r in rows]


def test_a_snapshot_signed_by_a_key_listed_but_not_held_is_not_trusted(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = kit.build_vault(node, PRESERVE)
    mallory = NodeKey(Ed25519PrivateKey.generate())
    with node.ctx.engine.begin() as conn:  # listed in the key history, as the node's own are
        conn.execute(
            insert(schema.node_keys).values(
                kid=mallory.key_id, public_key=mallory.public_hex, created_at=node.ctx.clock()
            )
        )
    real = custody_log.record_state

    def forged(ctx: Any, tree: Any, held: dict[str, Logged]) -> None:
        item = held[v.sealed]
        real(ctx, tree, {**held, v.sealed: replace(item, sealed=False)})

    with monkeypatch.context() as patched:
        patched.setattr(custody_log, "record_state", forged)
        patched.setattr(node.ctx, "key", lambda conn=None: mallory)
        assert vault.check(node.ctx, node.aud).breaks == []
    (stored,) = states(node)
    assert stored["key_id"] == mallory.key_id
    kit.flip_sealed(v)  # the row unsealed, as the forged state says
    report = vault.check(node.ctx, node.aud)
    found = {(b.kind, b.item) for b in report.breaks}
    assert found == {(K.SNAPSHOT_INVALID, ""), (K.ROW_DIFFERS, v.sealed)}
    assert report.replayed_from == 0  # replayed in full
    assert states(node) == [stored]  # nothing signed over the break


def test_an_older_snapshot_put_back_still_finds_a_row_changed_before_it(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    (older,) = states(node)
    evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)
    assert vault.check(node.ctx, node.aud, full=True).breaks == []
    (newer,) = states(node)
    assert newer["size"] > older["size"]
    with node.ctx.engine.begin() as conn:  # the older one again, as the newest row
        top = conn.execute(select(func.max(schema.custody_states.c.id))).scalar_one()
        conn.execute(insert(schema.custody_states).values({**older, "id": top + 1}))
    assert vault.check(node.ctx, node.aud).replayed_from == older["size"]  # used: more replayed
    kit.flip_sealed(v)  # changed long before either snapshot
    report = vault.check(node.ctx, node.aud)
    assert [(b.kind, b.item) for b in report.breaks] == [(K.ROW_DIFFERS, v.sealed)]
    assert report.replayed_from == 0  # a row that differs: the log is replayed in full


def test_snapshots_signed_while_others_append_and_verify_hold_the_log_at_their_size(
    node: Node,
) -> None:
    """Two verifiers sign snapshots while a third appends: each is the log's own state."""
    v = kit.build_vault(node, PRESERVE)
    stop = threading.Event()

    def append() -> int:
        done = 0
        while not stop.is_set() and done < 30:
            evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=done % 2 == 0)
            done += 1
        return done

    def verify() -> list[object]:
        found: list[object] = []
        for _ in range(4):
            found += vault.check(node.ctx, node.aud, full=True).breaks
            found += vault.check(node.ctx, node.aud).breaks
        return found

    with ThreadPoolExecutor(max_workers=3) as pool:
        appending = pool.submit(append)
        verifying = [pool.submit(verify) for _ in range(2)]
        found = [f.result() for f in verifying]
        stop.set()
        assert appending.result() > 0
    assert found == [[], []]
    assert vault.check(node.ctx, node.aud).replayed_from > 0  # whichever is the newest
    kit.flip_sealed(v)  # a changed row is found (the log then replayed in full)
    quick = vault.check(node.ctx, node.aud)
    assert [(b.kind, b.item) for b in quick.breaks] == [(K.ROW_DIFFERS, v.sealed)]
    assert vault.check(node.ctx, node.aud, full=True).breaks == quick.breaks
