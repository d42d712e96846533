"""A verification from the snapshot that finds nothing wrong signs the state at the head.

Docs/adr/0040, addendum: the rows were then found to be the snapshot's state with every
entry after it replayed — the state at the log's head, which a new snapshot states. It
is signed with the node's key as a full replay's is, and never over a break: a forged
or rolled-back log, a changed row, a snapshot left above a rollback, an exported head
the log no longer extends. The next verification replays only what came after it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update

from tests.service import vault_kit as kit
from tests.service.conftest import Node
from tests.service.test_vault_snapshot_attacks import states
from tests.service.test_vault_tamper import PRESERVE
from uncc.adapters.db import schema
from uncc.domain.custody import BreakKind as K
from uncc.services import custody_log, evidence, vault


def newest(node: Node) -> dict[str, Any]:
    (state,) = states(node)
    return state


def signed_by_the_node(node: Node) -> bool:
    with node.ctx.engine.connect() as conn:
        keys = custody_log.held_keys(node.ctx, conn)
        snapshot = custody_log.newest_state(conn)
    assert snapshot is not None
    return custody_log.state_verifier(keys)(snapshot)


def test_a_clean_quick_verify_signs_the_head_and_the_next_replays_from_there(
    node: Node,
) -> None:
    v = kit.build_vault(node, PRESERVE)
    first = vault.check(node.ctx, node.aud)  # no snapshot yet: replayed in full, signed
    assert (first.breaks, first.replayed_from, newest(node)["size"]) == ([], 0, first.entries)
    evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)
    evidence.set_sealed(node.ctx, node.pia, v.other, sealed=True)
    quick = vault.check(node.ctx, node.aud)
    assert (quick.breaks, quick.replayed_from) == ([], first.entries)
    assert newest(node)["size"] == quick.entries == first.entries + 2
    assert signed_by_the_node(node)
    again = vault.check(node.ctx, node.aud)
    assert (again.breaks, again.replayed_from) == ([], quick.entries)  # nothing to replay
    assert newest(node)["size"] == quick.entries
    kit.flip_sealed(v)  # a row changed before every snapshot is still found
    found = vault.check(node.ctx, node.aud).breaks
    assert [(b.kind, b.item) for b in found] == [(K.ROW_DIFFERS, v.sealed)]
    assert vault.check(node.ctx, node.aud, full=True).breaks == found


def test_a_forged_log_or_row_is_never_signed_over(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    signed = newest(node)
    for tamper in (kit.delete_last_leaf, kit.forge_row, kit.change_size):
        saved = kit.Snapshot(v)
        evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)  # after the snapshot
        tamper(v)
        report = vault.check(node.ctx, node.aud)
        assert report.breaks, tamper.__name__
        assert newest(node) == signed, tamper.__name__
        saved.restore()


def _roll_back_the_last_event(v: kit.Vault, item: str, *, sealed: bool) -> None:
    """The newest entry and its checkpoint deleted, the item's row put back as before it."""
    kit.delete_newest_checkpoint(v)
    kit.sql(v, delete(schema.custody).where(schema.custody.c.seq == kit.last_seq(v)))
    kit.sql(v, update(schema.evidence).where(schema.evidence.c.id == item).values(sealed=sealed))


def test_a_rolled_back_log_is_never_signed_over(node: Node) -> None:
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []
    evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)
    assert vault.check(node.ctx, node.aud).breaks == []  # signed at the head
    above = newest(node)
    _roll_back_the_last_event(v, v.plain, sealed=False)  # the snapshot left above the log
    found = vault.check(node.ctx, node.aud).breaks
    assert [b.kind for b in found] == [K.SNAPSHOT_INVALID]
    assert newest(node) == above
    kit.sql(v, delete(schema.custody_states))  # a careful insider; a head kept elsewhere
    evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)
    assert vault.check(node.ctx, node.aud).breaks == []
    below = newest(node)
    evidence.set_sealed(node.ctx, node.pia, v.other, sealed=True)
    evidence.set_sealed(node.ctx, node.pia, v.other, sealed=False)
    head = custody_log.current_head(node.ctx)["note"]
    _roll_back_the_last_event(v, v.other, sealed=True)  # the snapshot below the rolled-back log
    report = vault.check(node.ctx, node.aud, since=head)
    assert [b.kind for b in report.breaks] == [K.ROLLBACK]
    assert report.replayed_from == below["size"]
    assert newest(node) == below  # the log checked against the head: nothing signed
