"""The tamper matrix: an insider with write access to the database and the blob folder.

Each change of issue 12 ("Why"), and combinations, on SQLite and PostgreSQL, must be
reported by ``verify`` as a break naming the item (or the checkpoint) and its kind.
Undoing a seal consistently (the last event and its checkpoint deleted, ``sealed``
cleared) leaves a log that is consistent in itself: only a head kept outside the node
catches it — here the head exported before (``verify --since``); the witness test
shows the same through the network.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.service import vault_kit as kit
from tests.service.conftest import Node
from tests.service.test_node_flow import PRESERVE as BASE
from uncc.domain.custody import BreakKind as K
from uncc.services import admissibility, evidence, vault
from uncc.services.orders import DraftRequest

PRESERVE = DraftRequest(**{**BASE.__dict__, "offences": ("ict_theft",)})


Expected = set[tuple[str, str]]
"""(kind, item) pairs that must be among the breaks; item "" for log-level breaks."""


def cases(v: kit.Vault) -> list[tuple[str, list[kit.Tamper], Expected, Expected]]:
    """(name, tampers, found by verify, found by verify --since)."""
    s, p, o = v.sealed, v.plain, v.other
    rollback = {(K.ROLLBACK, "")}
    return [
        ("item deleted (row and blob)", [kit.delete_item], {(K.EVENT_WITHOUT_ROW, p)}, set()),
        (
            "newest checkpoint deleted",
            [kit.delete_newest_checkpoint],
            {(K.CHECKPOINT_BEHIND, "")},
            set(),
        ),
        ("all checkpoints deleted", [kit.delete_all_checkpoints], {(K.NO_CHECKPOINT, "")}, set()),
        (
            "a checkpoint in the middle deleted",
            [kit.delete_middle_checkpoint],
            {(K.CHECKPOINT_MISSING, "")},
            set(),
        ),
        ("seal undone (event, checkpoint, flag)", [kit.undo_seal], set(), rollback),
        (
            "seal undone, the state snapshot left",
            [kit.undo_seal_leaving_state],
            {(K.SNAPSHOT_INVALID, "")},
            rollback,
        ),
        ("sealed flipped alone", [kit.flip_sealed], {(K.ROW_DIFFERS, s)}, set()),
        (
            "sealed flipped, in the state snapshot too",
            [kit.hide_seal_in_state],
            {(K.SNAPSHOT_INVALID, ""), (K.ROW_DIFFERS, s)},
            set(),
        ),
        ("sha256 pointed at another blob", [kit.point_at_other_blob], {(K.ROW_DIFFERS, p)}, set()),
        ("item moved to another case", [kit.move_to_other_case], {(K.ROW_DIFFERS, p)}, set()),
        ("blob bytes changed", [kit.change_blob], {(K.BLOB_CHANGED, o)}, set()),
        (
            "middle leaf deleted",
            [kit.delete_middle_leaf],
            {(K.ENTRY_MISPLACED, o), (K.CHECKPOINT_ROOT, ""), (K.ROW_WITHOUT_EVENT, p)},
            rollback,
        ),
        (
            "last leaf deleted",
            [kit.delete_last_leaf],
            {(K.CHECKPOINT_ROOT, ""), (K.ROW_DIFFERS, s)},
            rollback,
        ),
        (
            "row forged outside the log",
            [kit.forge_row],
            {(K.ROW_WITHOUT_EVENT, "E-2026-9999")},
            set(),
        ),
        ("size changed", [kit.change_size], {(K.ROW_DIFFERS, o)}, set()),
        ("order removed from the acquisition", [kit.drop_order], {(K.ROW_DIFFERS, s)}, set()),
        (
            "item deleted and sealed flipped",
            [kit.delete_item, kit.flip_sealed],
            {(K.EVENT_WITHOUT_ROW, p), (K.ROW_DIFFERS, s)},
            set(),
        ),
        (
            "newest checkpoint deleted and item moved",
            [kit.delete_newest_checkpoint, kit.move_to_other_case],
            {(K.CHECKPOINT_BEHIND, ""), (K.ROW_DIFFERS, p)},
            set(),
        ),
        (
            "all checkpoints deleted, hash repointed, blob changed",
            [kit.delete_all_checkpoints, kit.point_at_other_blob, kit.change_blob],
            {(K.NO_CHECKPOINT, ""), (K.ROW_DIFFERS, p), (K.BLOB_CHANGED, o), (K.BLOB_CHANGED, p)},
            set(),
        ),
        (
            "a key planted in the database, an item's bytes swapped, the log re-signed",
            [kit.plant_key_and_swap_bytes],
            {(K.CHECKPOINT_SIGNATURE, "")},
            {(K.FORK, "")},
        ),
        (
            "seal undone and item deleted",
            [kit.undo_seal, kit.delete_item],
            {(K.EVENT_WITHOUT_ROW, p)},
            rollback,
        ),
    ]


BLOBS_ONLY = {kit.change_blob}
"""Tampers that leave the log, the state snapshot and the rows as they were (a row that
differs from the snapshot's state sends verify to the full replay, docs/adr/0040)."""


def test_every_tamper_is_a_break_naming_the_item(node: Node) -> None:
    """Each verified from the signed state snapshot, and in full: the same breaks."""
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud, since=v.head).breaks == []  # signs the snapshot
    snapshot = kit.Snapshot(v)
    failures = []
    from_snapshot: list[str] = []
    for name, tampers, by_verify, by_since in cases(v):
        for tamper in tampers:
            tamper(v)
        quick = vault.check(node.ctx, node.aud)
        breaks = quick.breaks
        if quick.replayed_from:
            from_snapshot.append(name)
        found = {(b.kind, b.item) for b in breaks}
        replayed = vault.check(node.ctx, node.aud, full=True).breaks  # from the log's start
        if replayed != breaks:
            failures.append(f"{name}: the snapshot's verify found {breaks}, in full {replayed}")
        with_head = {(b.kind, b.item) for b in vault.check(node.ctx, node.aud, since=v.head).breaks}
        if not by_verify <= found:
            failures.append(f"{name}: verify missed {by_verify - found} (found {found})")
        if not (by_verify | by_since) <= with_head:
            failures.append(f"{name}: verify --since missed {by_since - with_head}")
        if not with_head:
            failures.append(f"{name}: nothing detected")
        if not by_verify and found:  # the honest limit: consistent in itself
            failures.append(f"{name}: expected only a head kept elsewhere to see it, not {found}")
        snapshot.restore()
        assert vault.check(node.ctx, node.aud, since=v.head).breaks == [], name
    assert failures == []
    # both ways for real: with the log and the snapshot untouched, the quick verify used it
    assert set(from_snapshot) >= {
        name for name, tampers, *_ in cases(v) if set(tampers) <= BLOBS_ONLY
    }
    # a head that is not this node's is itself a break, never a pass
    other = "uncc.int/xb/custody\n1\n" + "A" * 43 + "=\n\n\u2014 uncc.int/xb/custody AAAAAAAA\n"
    for text, problem in [("not a note", "not a checkpoint note"), (other, "log")]:
        (found_head,) = vault.check(node.ctx, node.aud, since=text).breaks
        assert (found_head.kind, problem in found_head.problem) == (K.HEAD_INVALID, True)


def test_verifying_while_others_append_finds_no_false_break(node: Node) -> None:
    """Rows, leaves and checkpoints are read as of one moment (a snapshot), not one by one."""
    v = kit.build_vault(node, PRESERVE)
    stop = threading.Event()

    def append() -> int:
        done = 0
        while not stop.is_set() and done < 40:
            evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=done % 2 == 0)
            done += 1
        return done

    with ThreadPoolExecutor(max_workers=1) as pool:
        appending = pool.submit(append)
        found = [vault.check(node.ctx, node.aud).breaks for _ in range(8)]
        stop.set()
        assert appending.result() > 0
    assert found == [[]] * 8


def test_a_key_planted_in_the_database_is_not_the_nodes_in_verify_or_the_report(
    node: Node,
) -> None:
    """The insider with the database alone: their key signs nothing a court is told is valid."""
    v = kit.build_vault(node, PRESERVE)
    assert admissibility.admissibility(node.ctx, node.pia, v.other)["checkpoint"]["signature_valid"]
    kit.plant_key_and_swap_bytes(v)
    report = admissibility.admissibility(node.ctx, node.pia, v.other)
    assert (report["item"]["intact"], report["checkpoint"]["signature_valid"]) == (True, False)
    (planted,) = [b for b in vault.check(node.ctx, node.aud).breaks if b.where.startswith("key ")]
    assert "no key file of the node holds" in planted.problem
