"""Whole-vault verification: blobs, custody log, checkpoints, rows, heads kept elsewhere.

What it proves (docs/node.md, "What verify proves"): every blob hashes to its row;
every leaf matches its recorded hash and reads as the event of its place; there is a
signed checkpoint as soon as there is an event, the newest covers the whole log, each
is signed by a key of the node and consistent with the one before (RFC 9162 proofs);
every evidence row equals what its custody events say and every event's item has its
row; and, when given, a head exported earlier and the heads the network's witnesses
cosigned are extended by today's log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.custody import Break, BreakKind
from uncc.domain.policy import Action, require
from uncc.domain.vault import Logged, Row
from uncc.domain.vault_state import Snapshot, check_vault, rows_digest
from uncc.services import custody_log
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.identity import key_history
from uncc.services.network import witnessing
from uncc.services.network.transport import Transport


@dataclass
class VaultReport:
    """The result of verifying the vault."""

    breaks: list[Break]
    entries: int = 0
    items: int = 0
    witnesses: list[str] = field(default_factory=list)
    """The witnesses whose cosigned head was checked."""
    unreached: list[str] = field(default_factory=list)
    """The witnesses that could not be asked (verification did not wait for them)."""
    replayed_from: int = 0
    """The events were replayed from the signed state snapshot at this entry (0: the start)."""

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.breaks

    def as_json(self) -> dict[str, Any]:
        """The report as data (API, web)."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "items": self.items,
            "breaks": [b.__dict__ for b in self.breaks],
            "witnesses": self.witnesses,
            "unreached": self.unreached,
            "replayed_from": self.replayed_from,
        }


def _row(r: Any) -> Row:
    order = (r.acquisition or {}).get("order_id")
    return Row(r.id, r.case_id, r.sha256, r.size, r.filename, order or None, bool(r.sealed))


def _unheld(listed: set[str], held: dict[str, str], used: set[str]) -> list[Break]:
    """A break for each key the checkpoints use that the database lists but no key file holds."""
    return [
        Break(
            f"key {kid}",
            "checkpoints are signed with a key the database lists but no key file of the "
            "node holds: the node did not make it, its signatures are not trusted",
            BreakKind.CHECKPOINT_SIGNATURE,
        )
        for kid in sorted((used & listed) - held.keys())
    ]


def _sign_state(  # noqa: PLR0917
    ctx: NodeContext,
    report: VaultReport,
    tree: merkle.Tree,
    held: dict[str, Logged] | None,
    rows: list[Row],
    snapshot: Snapshot | None,
) -> None:
    """Sign the items' state at the log's head when the whole vault was found clean.

    Nothing is signed over any break (the exported head's and the witnesses' included),
    for one case, or when the newest snapshot is already at the head. After a full replay
    the replayed state is signed; after a replay from the snapshot, the rows' state: they
    were found to be the snapshot's state with every entry after it replayed (ADR 0040).
    """
    if report.breaks or (snapshot is not None and snapshot.size == tree.size):
        return
    if held is not None:
        custody_log.record_state(ctx, tree, held)
    elif snapshot is not None and report.replayed_from == snapshot.size:
        custody_log.record_digest(ctx, tree, rows_digest(rows))


def check(
    ctx: NodeContext,
    who: Principal,
    case_id: str | None = None,
    *,
    since: str | None = None,
    transport: Transport | None = None,
    full: bool = False,
) -> VaultReport:
    """Verify the whole vault (one case's items with ``case_id``); every break as data.

    ``since`` is a head exported earlier (``uncc evidence head``): today's log must
    extend it. With ``transport`` the witnesses' cosigned heads are fetched and checked
    too; a witness that does not answer is listed, not waited for. The whole vault is
    replayed from the newest signed state snapshot when it holds (docs/adr/0040); in
    full with ``full`` (the snapshot still checked), for one case, or without one. A
    verification of the whole vault that finds nothing wrong signs a snapshot at the
    log's head (after the witnesses were asked: a break they show prevents it).
    """
    require(who.roles, Action.EVIDENCE_VERIFY)
    with ctx.engine.connect() as conn:  # a read: no write lock, one snapshot
        if conn.dialect.name == "postgresql":  # rows, leaves and checkpoints as of one moment
            conn.execution_options(isolation_level="REPEATABLE READ")
        listed = set(key_history(conn))
        keys = custody_log.held_keys(ctx, conn)
        name = custody_log.origin(conn)
        rows = [
            _row(r) for r in conn.execute(select(schema.evidence).order_by(schema.evidence.c.id))
        ]
        stored = custody_log.load(conn)
        snapshot = None if case_id is not None else custody_log.newest_state(conn)
    if case_id is not None:
        rows = [r for r in rows if r.case == case_id]
    breaks = _unheld(listed, keys, {c.key_id for c in stored.checkpoints})
    hashed: dict[str, str | None] = {}  # items with the same bytes share one blob: read it once
    for row in rows:
        if row.sha256 not in hashed:
            hashed[row.sha256] = ctx.blobs.rehash(row.sha256)
        now_hash = hashed[row.sha256]
        if now_hash is None:
            breaks.append(
                Break(
                    f"blob {row.id}",
                    "the file is missing from the vault",
                    BreakKind.BLOB_MISSING,
                    row.id,
                )
            )
        elif now_hash != row.sha256:
            breaks.append(
                Break(
                    f"blob {row.id}",
                    f"the file's SHA-256 is now {now_hash}, not {row.sha256}",
                    BreakKind.BLOB_CHANGED,
                    row.id,
                )
            )
    checked = check_vault(
        stored.leaves,
        stored.hashes,
        stored.checkpoints,
        custody_log.checkpoint_verifier(keys),
        rows,
        (snapshot, custody_log.state_verifier(keys), custody_log.entries_of(ctx)),
        full=full,
        case=case_id,
    )
    breaks += checked.breaks
    tree, held = checked.tree, checked.held
    if since is not None:
        breaks += custody_log.check_head(
            since, name=name, keys=keys, tree=tree, where="exported head"
        )
    report = VaultReport(breaks, tree.size, len(rows))
    if snapshot is not None and held is None and case_id is None:  # replayed from the snapshot
        report.replayed_from = snapshot.size
    if transport is not None:
        seen = witnessing.check_witnesses(ctx, transport, tree, name, keys)
        report.breaks += seen.breaks
        report.witnesses, report.unreached = seen.reached, seen.unreached
    _sign_state(ctx, report, tree, held, rows, snapshot if case_id is None else None)
    audit_now(
        ctx,
        who.user,
        "evidence.verify",
        obj=case_id or "",
        outcome="ok" if report.ok else "breaks",
        breaks=len(report.breaks),
        since=since is not None,
        unreached=report.unreached,
    )
    return report
