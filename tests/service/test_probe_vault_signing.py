"""Hostile review (issue 20): a verification from the snapshot never signs over a break.

A verification of the whole vault that starts from the signed state snapshot and finds
nothing wrong now signs the state at the log's head. Here every tamper of the matrix
(``test_vault_tamper``) is made while the snapshot is behind the head — an honest event
came after it, so the verification replays from the snapshot and would sign — and:
whatever the full replay reports, the quick verification reports too; over any break no
snapshot is signed (the snapshots stay as the insider left them); and a second verification still
reports the same breaks (nothing was laundered into a fresh snapshot). A head pasted
from elsewhere that the log does not extend, or that is not this node's, prevents
signing as well.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.service import vault_kit as kit
from tests.service.conftest import Node
from tests.service.test_vault_tamper import PRESERVE, cases
from uncc.adapters.db import schema
from uncc.services import evidence, vault


def _snapshots(node: Node) -> list[dict[str, Any]]:
    with node.ctx.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(schema.custody_states)).mappings()]


def _signed_at_most_at_the_head(node: Node, signed: list[dict[str, Any]], head: int) -> bool:
    """The snapshots are those signed before, or one at the head (vault branch: ADR 0040)."""
    now = _snapshots(node)
    return now == signed or [s["size"] for s in now] == [head]


def _behind_the_head(node: Node) -> tuple[kit.Vault, list[dict[str, Any]]]:
    """A vault verified (snapshot signed), then an honest event after the snapshot."""
    v = kit.build_vault(node, PRESERVE)
    assert vault.check(node.ctx, node.aud).breaks == []  # replayed in full, signed
    evidence.set_sealed(node.ctx, node.pia, v.plain, sealed=True)
    signed = _snapshots(node)
    assert [s["size"] for s in signed] == [kit.last_seq(v)]  # one behind the head
    return v, signed


def test_no_tamper_is_signed_over_by_a_verification_from_the_snapshot(node: Node) -> None:
    v, signed = _behind_the_head(node)
    saved = kit.Snapshot(v)
    failures: list[str] = []
    for name, tampers, *_ in cases(v):
        for tamper in tampers:
            tamper(v)
        before = _snapshots(node)  # as the insider left them
        quick = vault.check(node.ctx, node.aud)
        after = _snapshots(node)
        full = vault.check(node.ctx, node.aud, full=True).breaks
        again = vault.check(node.ctx, node.aud).breaks
        if quick.breaks != full:
            failures.append(f"{name}: from the snapshot {quick.breaks}, in full {full}")
        if quick.breaks and after != before:
            failures.append(f"{name}: a snapshot was signed over {quick.breaks}: {after}")
        if quick.breaks and again != quick.breaks:
            failures.append(f"{name}: verified again, {again} instead of {quick.breaks}")
        saved.restore()
    assert failures == []
    clean = vault.check(node.ctx, node.aud)  # untouched: replayed from it, signed at the head
    assert (clean.breaks, clean.replayed_from) == ([], signed[0]["size"])
    assert _signed_at_most_at_the_head(node, signed, clean.entries)


def test_a_head_the_log_does_not_extend_prevents_signing(node: Node) -> None:
    v, signed = _behind_the_head(node)
    foreign = "uncc.int/xb/custody\n1\n" + "A" * 43 + "=\n\n\u2014 uncc.int/xb/custody AAAAAAAA\n"
    for head in ("not a note", foreign):
        report = vault.check(node.ctx, node.aud, since=head)
        assert report.breaks
        assert report.replayed_from == signed[0]["size"]
        assert _snapshots(node) == signed
    assert v.head  # the head exported at build time is extended: no break, signed
    report = vault.check(node.ctx, node.aud, since=v.head)
    assert report.breaks == []
    assert _signed_at_most_at_the_head(node, signed, report.entries)
