"""A small vault to tamper with, as an insider with write access to the database and blobs."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, insert, select, update

from tests.service.conftest import Node, facts
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.custody import Checkpoint, CustodyEvent
from uncc.domain.log_check import read_events
from uncc.domain.orders import Command
from uncc.domain.vault import replay
from uncc.domain.vault_state import digest_of
from uncc.services import cases, custody_log, evidence, orders
from uncc.services.orders import DraftRequest

TABLES = (
    schema.evidence,
    schema.custody,
    schema.checkpoints,
    schema.node_keys,
    schema.custody_states,
)


@dataclass
class Vault:
    """Three items in two cases, one acquired under an order and sealed."""

    node: Node
    cases: tuple[str, str]
    sealed: str
    plain: str
    other: str
    order: str
    head: str
    """The head exported after the last event (kept outside the node)."""


def build_vault(node: Node, draft: DraftRequest) -> Vault:
    first = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    second = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    order = orders.draft_order(node.ctx, node.ivan, first, draft)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "sufficient")
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)

    def add(case: str, data: bytes, name: str, order_id: str | None = None) -> str:
        return evidence.add_evidence(
            node.ctx,
            node.ivan,
            case,
            source=io.BytesIO(data),
            filename=name,
            acquisition={"tool": "uncc-test", "tool_version": "1"},
            order_id=order_id,
        ).id

    sealed = add(first, b"repository logs", "logs.txt", order.id)
    plain = add(first, b"laptop image", "laptop.img")
    other = add(second, b"phone dump", "phone.bin")
    evidence.set_sealed(node.ctx, node.pia, sealed, sealed=True, note="pending decision")
    head = custody_log.current_head(node.ctx)["note"]
    return Vault(node, (first, second), sealed, plain, other, order.id, head)


class Snapshot:
    """The vault's rows and blobs as they were, to put back after each tamper."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        ctx = vault.node.ctx
        with ctx.engine.connect() as conn:
            self.rows = {
                t.name: [dict(r) for r in conn.execute(select(t)).mappings()] for t in TABLES
            }
        self.blobs = {p: p.read_bytes() for p in ctx.blobs.root.rglob("*") if p.is_file()}

    def restore(self) -> None:
        ctx = self.vault.node.ctx
        with ctx.engine.begin() as conn:
            for table in TABLES:
                conn.execute(delete(table))
                if self.rows[table.name]:
                    conn.execute(insert(table), self.rows[table.name])
        for path in ctx.blobs.root.rglob("*"):
            if path.is_file() and path not in self.blobs:
                path.unlink()
        for path, data in self.blobs.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.chmod(0o600) if path.exists() else None
            path.write_bytes(data)


Tamper = Callable[[Vault], None]


def sql(vault: Vault, statement: Any) -> None:
    with vault.node.ctx.engine.begin() as conn:
        conn.execute(statement)


def sha_of(vault: Vault, item: str) -> str:
    with vault.node.ctx.engine.connect() as conn:
        return str(
            conn.execute(
                select(schema.evidence.c.sha256).where(schema.evidence.c.id == item)
            ).scalar_one()
        )


def last_seq(vault: Vault) -> int:
    with vault.node.ctx.engine.connect() as conn:
        return int(
            conn.execute(select(schema.custody.c.seq).order_by(schema.custody.c.seq.desc()))
            .scalars()
            .first()
            or 0
        )


def delete_item(vault: Vault) -> None:
    """An evidence item deleted: its row and its blob."""
    sha = sha_of(vault, vault.plain)
    sql(vault, delete(schema.evidence).where(schema.evidence.c.id == vault.plain))
    vault.node.ctx.blobs._path(sha).unlink()


def delete_newest_checkpoint(vault: Vault) -> None:
    with vault.node.ctx.engine.begin() as conn:
        newest = (
            conn.execute(select(schema.checkpoints.c.id).order_by(schema.checkpoints.c.id.desc()))
            .scalars()
            .first()
        )
        conn.execute(delete(schema.checkpoints).where(schema.checkpoints.c.id == newest))


def delete_middle_checkpoint(vault: Vault) -> None:
    sql(vault, delete(schema.checkpoints).where(schema.checkpoints.c.size == 2))


def delete_all_checkpoints(vault: Vault) -> None:
    sql(vault, delete(schema.checkpoints))


def undo_seal(vault: Vault) -> None:
    """The last custody event (the seal) and its checkpoint deleted, ``sealed`` cleared.

    The signed state snapshots, which cover the seal, are deleted too (a careful insider).
    """
    undo_seal_leaving_state(vault)
    sql(vault, delete(schema.custody_states))


def undo_seal_leaving_state(vault: Vault) -> None:
    """:func:`undo_seal`, the signed state snapshot (of the log with the seal) left in place."""
    delete_newest_checkpoint(vault)
    sql(vault, delete(schema.custody).where(schema.custody.c.seq == last_seq(vault)))
    sql(
        vault,
        update(schema.evidence).where(schema.evidence.c.id == vault.sealed).values(sealed=False),
    )


def unsealed_digest(vault: Vault, item: str) -> str:
    """The digest of the state with ``item`` not sealed (the insider knows the format)."""
    with vault.node.ctx.engine.connect() as conn:
        stored = custody_log.load(conn)
    held, _ = replay(read_events(stored.leaves)[0])
    held[item].sealed = False
    return digest_of(held)


def hide_seal_in_state(vault: Vault) -> None:
    """``sealed`` cleared in the row, and the snapshot's digest made to agree."""
    flip_sealed(vault)
    sql(
        vault,
        update(schema.custody_states).values(digest=unsealed_digest(vault, vault.sealed)),
    )


def flip_sealed(vault: Vault) -> None:
    sql(
        vault,
        update(schema.evidence).where(schema.evidence.c.id == vault.sealed).values(sealed=False),
    )


def point_at_other_blob(vault: Vault) -> None:
    """One item's SHA-256 pointed at another item's blob."""
    sql(
        vault,
        update(schema.evidence)
        .where(schema.evidence.c.id == vault.plain)
        .values(sha256=sha_of(vault, vault.other)),
    )


def move_to_other_case(vault: Vault) -> None:
    sql(
        vault,
        update(schema.evidence)
        .where(schema.evidence.c.id == vault.plain)
        .values(case_id=vault.cases[1]),
    )


def change_blob(vault: Vault) -> None:
    path = vault.node.ctx.blobs._path(sha_of(vault, vault.other))
    path.chmod(0o600)
    path.write_bytes(b"X" + path.read_bytes()[1:])


def delete_middle_leaf(vault: Vault) -> None:
    sql(vault, delete(schema.custody).where(schema.custody.c.seq == 1))


def delete_last_leaf(vault: Vault) -> None:
    sql(vault, delete(schema.custody).where(schema.custody.c.seq == last_seq(vault)))


def forge_row(vault: Vault) -> None:
    """An evidence row added outside the log (pointing at an existing blob)."""
    with vault.node.ctx.engine.begin() as conn:
        row = dict(
            conn.execute(select(schema.evidence).where(schema.evidence.c.id == vault.other))
            .mappings()
            .one()
        )
        conn.execute(insert(schema.evidence).values({**row, "id": "E-2026-9999"}))


def change_size(vault: Vault) -> None:
    sql(vault, update(schema.evidence).where(schema.evidence.c.id == vault.other).values(size=1))


def drop_order(vault: Vault) -> None:
    """The order an item was acquired under removed from its acquisition record."""
    with vault.node.ctx.engine.begin() as conn:
        acq = conn.execute(
            select(schema.evidence.c.acquisition).where(schema.evidence.c.id == vault.sealed)
        ).scalar_one()
        conn.execute(
            update(schema.evidence)
            .where(schema.evidence.c.id == vault.sealed)
            .values(acquisition={**acq, "order_id": None})
        )


def plant_key_and_swap_bytes(vault: Vault) -> None:
    """An insider with the database but not the key files: lists a key of their own,
    swaps an item's bytes (blob, leaf, row) and re-signs every checkpoint with that key."""
    ctx = vault.node.ctx
    key = NodeKey(Ed25519PrivateKey.generate())
    fake = b"planted bytes"
    sha, _ = ctx.blobs.put(io.BytesIO(fake))
    with ctx.engine.begin() as conn:
        conn.execute(
            insert(schema.node_keys).values(
                kid=key.key_id, public_key=key.public_hex, created_at=ctx.clock()
            )
        )
        leaves = []
        for row in conn.execute(select(schema.custody).order_by(schema.custody.c.seq)).all():
            leaf = bytes(row.leaf)
            event = CustodyEvent.from_leaf(leaf)
            if event.evidence == vault.other:
                details = {**event.details, "size": len(fake)}
                leaf = dc_replace(event, sha256=sha, details=details).leaf_bytes()
                conn.execute(
                    update(schema.custody)
                    .where(schema.custody.c.seq == row.seq)
                    .values(leaf=leaf, leaf_hash=merkle.leaf_hash(leaf))
                )
            leaves.append(leaf)
        conn.execute(
            update(schema.evidence)
            .where(schema.evidence.c.id == vault.other)
            .values(sha256=sha, size=len(fake))
        )
        tree = merkle.Tree([merkle.leaf_hash(leaf) for leaf in leaves])
        for cp in conn.execute(select(schema.checkpoints)).all():
            root = tree.root(cp.size).hex()
            at = cp.at if cp.at.tzinfo else cp.at.replace(tzinfo=dt.UTC)
            signature = key.sign(Checkpoint.message(cp.size, root, at, key.key_id)).hex()
            conn.execute(
                update(schema.checkpoints)
                .where(schema.checkpoints.c.id == cp.id)
                .values(root=root, key_id=key.key_id, signature=signature, frontier=None)
            )
