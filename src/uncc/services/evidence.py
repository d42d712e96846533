"""The evidence vault: streaming ingest into the blob store, custody log, seal, verify."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, insert, select, update

from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.blobs import Source
from uncc.domain.custody import Break, Checkpoint, CustodyEvent, CustodyKind
from uncc.domain.evidence import Acquisition, EvidenceItem
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.context import (
    NodeContext,
    Principal,
    audit,
    audit_now,
    next_id,
    require_case,
    serialise,
    stored_id,
)
from uncc.services.need_to_know import Hidden, hidden_orders, may_see_order


@dataclass(frozen=True)
class CustodyEntry:
    """One custody event with its proof of inclusion in the latest signed checkpoint."""

    event: CustodyEvent
    leaf_hash: str
    proof: list[str]
    checkpoint: Checkpoint


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _item(row: Any) -> EvidenceItem:
    acq = dict(row["acquisition"])
    acq["at"] = dt.datetime.fromisoformat(acq["at"])
    return EvidenceItem(
        row["id"],
        row["case_id"],
        row["sha256"],
        row["size"],
        row["filename"],
        Acquisition(**acq),
        row["sealed"],
    )


def _append(
    ctx: NodeContext,
    conn: Connection,
    *,
    kind: CustodyKind,
    item: EvidenceItem,
    actor: str,
    at: dt.datetime,
    **details: Any,
) -> CustodyEvent:
    """Append a custody event and sign the new tree head, inside the caller's transaction.

    The new head comes from the last checkpoint's frontier in O(log n); a log without
    one (written before frontiers were kept) is read once in full to rebuild it. Appends
    to the log are serialised: the next ``seq`` is read under the log's lock.
    """
    serialise(conn, "custody")
    last = conn.execute(
        select(schema.custody.c.seq).order_by(schema.custody.c.seq.desc()).limit(1)
    ).scalar()
    seq = 0 if last is None else last + 1
    event = CustodyEvent(seq, kind, item.id, item.sha256, actor, at, details, item.case_id)
    leaf = event.leaf_bytes()
    leaf_hash = merkle.leaf_hash(leaf)
    previous = (
        conn.execute(
            select(schema.checkpoints.c.size, schema.checkpoints.c.frontier)
            .order_by(schema.checkpoints.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )
    if previous is not None and previous["frontier"] is not None and previous["size"] == seq:
        frontier = [bytes.fromhex(h) for h in previous["frontier"]]
    else:
        frontier = []
        for size, stored in enumerate(
            conn.execute(
                select(schema.custody.c.leaf_hash).order_by(schema.custody.c.seq)
            ).scalars()
        ):
            frontier = merkle.frontier_append(frontier, size, bytes(stored))
    conn.execute(
        insert(schema.custody).values(seq=seq, evidence_id=item.id, leaf=leaf, leaf_hash=leaf_hash)
    )
    frontier = merkle.frontier_append(frontier, seq, leaf_hash)
    key = ctx.key(conn)
    head = merkle.frontier_root(frontier).hex()
    signature = key.sign(Checkpoint.message(seq + 1, head, at, key.key_id)).hex()
    conn.execute(
        insert(schema.checkpoints).values(
            size=seq + 1,
            root=head,
            at=at,
            key_id=key.key_id,
            signature=signature,
            frontier=[h.hex() for h in frontier],
        )
    )
    return event


def check_intake(
    ctx: NodeContext, who: Principal, case_id: str, order_id: str | None = None
) -> None:
    """Refuse an intake before its first byte is stored: the role, the case, the order.

    Raises:
        PermissionDeniedError: the role may not add evidence.
        NotFoundError: no such case, no such order in it, or a confidential order the
            uploader has no need to know (the same words; the refusal is audited).
    """
    require(who.roles, Action.EVIDENCE_ADD)
    with ctx.engine.connect() as conn:
        require_case(conn, case_id)
        refusal = None if order_id is None else _order_refusal(conn, who, case_id, order_id)
    if refusal is not None:
        audit_now(
            ctx,
            who.user,
            "evidence.add",
            obj=case_id,
            outcome="refused",
            order=order_id,
            reason=refusal,
        )
        raise NotFoundError(f"no order {order_id} in case {case_id}")


def add_evidence(
    ctx: NodeContext,
    who: Principal,
    case_id: str,
    *,
    source: Source,
    filename: str,
    acquisition: dict[str, str],
    order_id: str | None = None,
    progress: Callable[[int], None] | None = None,
    custody_details: dict[str, Any] | None = None,
    expected_sha256: str | None = None,
    also: Callable[[Connection, EvidenceItem], None] | None = None,
) -> EvidenceItem:
    """Ingest a file: hash it while writing it to the vault, then record it and its custody.

    ``custody_details`` go into the first custody event (e.g. the sender's signed
    checkpoint, for evidence received from another State). With ``expected_sha256``
    nothing is recorded unless the bytes hash to it. ``also`` runs in the transaction
    that records the item (a marker written with it, or an exception that undoes it).

    Raises:
        NotFoundError: no such order in the case, or a confidential one the uploader has
            no need to know (the same words; the refusal is audited, nothing is stored).
        ConflictError: the bytes do not match ``expected_sha256``.
    """
    check_intake(ctx, who, case_id, order_id)
    if not filename.strip() or any(ord(c) < 32 for c in filename):
        raise UserInputError("filename: give a name without control characters")
    sha, size = ctx.blobs.put(source, progress)
    if expected_sha256 is not None and sha != expected_sha256:
        raise ConflictError(f"{filename}: the bytes hash to {sha}, expected {expected_sha256}")
    with ctx.engine.begin() as conn:
        now = ctx.clock()
        evidence_id = next_id(conn, "E", now)
        acq = Acquisition(by=who.user, at=now, order_id=order_id, **acquisition)
        item = EvidenceItem(evidence_id, case_id, sha, size, filename, acq)
        stored = {**acq.__dict__, "at": now.isoformat()}
        conn.execute(
            insert(schema.evidence).values(
                id=evidence_id,
                case_id=case_id,
                sha256=sha,
                size=size,
                filename=filename,
                acquisition=stored,
                sealed=False,
            )
        )
        _append(
            ctx,
            conn,
            kind=CustodyKind.ACQUIRED,
            item=item,
            actor=who.user,
            at=now,
            filename=filename,
            size=size,
            order=order_id or "",
            **(custody_details or {}),
        )
        audit(
            conn,
            now,
            who.user,
            "evidence.add",
            obj=evidence_id,
            outcome="ok",
            sha256=sha,
            size=size,
        )
        if also is not None:
            also(conn, item)
    return item


def _order_refusal(conn: Connection, who: Principal, case_id: str, order_id: str) -> str | None:
    """Why evidence may not be attached to the order (None when it may).

    The order must be in the case, and the uploader must have need to know of it.
    """
    row = conn.execute(
        select(
            schema.orders.c.case_id, schema.orders.c.confidential, schema.orders.c.created_by
        ).where(schema.orders.c.id == order_id)
    ).first()
    if row is None or row.case_id != case_id:
        return "no such order in the case"
    if not may_see_order(who, confidential=row.confidential, created_by=row.created_by):
        return "confidential order: no need to know"
    return None


def _visible(item: EvidenceItem, hidden: Hidden) -> EvidenceItem:
    """The item as the reader may see it: an order they may not see is not named."""
    if item.acquisition.order_id in hidden:
        return replace(item, acquisition=replace(item.acquisition, order_id=None))
    return item


def _get(conn: Connection, evidence_id: str, *, lock: bool = False) -> EvidenceItem:
    query = select(schema.evidence).where(stored_id(conn, schema.evidence.c.id, evidence_id))
    row = conn.execute(query.with_for_update() if lock else query).mappings().first()
    if row is None:
        raise NotFoundError(f"no evidence item {evidence_id}")
    return _item(row)


def set_sealed(
    ctx: NodeContext, who: Principal, evidence_id: str, sealed: bool, note: str = ""
) -> EvidenceItem:
    """Seal (render inaccessible, Art. 46(3)(d)) or release an item; a custody event."""
    require(who.roles, Action.EVIDENCE_SEAL)
    with ctx.engine.begin() as conn:
        item = _get(conn, evidence_id, lock=True)
        if item.sealed == sealed:
            raise ConflictError(f"{evidence_id} is already {'sealed' if sealed else 'released'}")
        now = ctx.clock()
        changed = conn.execute(
            update(schema.evidence)
            .where(schema.evidence.c.id == evidence_id, schema.evidence.c.sealed == item.sealed)
            .values(sealed=sealed)
        ).rowcount
        if changed != 1:  # someone else sealed or released it since we read it
            raise ConflictError(f"{evidence_id} changed meanwhile: try again")
        kind = CustodyKind.SEALED if sealed else CustodyKind.RELEASED
        _append(
            ctx,
            conn,
            kind=kind,
            item=item,
            actor=who.user,
            at=now,
            note=note,
            provision="art_46__para_3__point_d",
        )
        audit(conn, now, who.user, f"evidence.{kind.value}", obj=evidence_id, outcome="ok")
    return replace(item, sealed=sealed)


def list_evidence(
    ctx: NodeContext, who: Principal, case_id: str | None = None
) -> list[EvidenceItem]:
    """Evidence items (of a case)."""
    require(who.roles, Action.EVIDENCE_READ)
    with ctx.engine.connect() as conn:
        query = select(schema.evidence).order_by(schema.evidence.c.id)
        if case_id is not None:
            query = query.where(schema.evidence.c.case_id == case_id)
        hidden = hidden_orders(conn, who)
        items = [_visible(_item(r), hidden) for r in conn.execute(query).mappings()]
    audit_now(ctx, who.user, "evidence.list", obj=case_id or "", outcome="ok", count=len(items))
    return items


def verify_vault(ctx: NodeContext, who: Principal, case_id: str | None = None) -> list[Break]:
    """Verify the whole vault (see :func:`uncc.services.vault.check`); every break."""
    from uncc.services import vault  # noqa: PLC0415 - not imported by an ingest's start

    return vault.check(ctx, who, case_id).breaks


def custody_of(ctx: NodeContext, who: Principal, evidence_id: str) -> list[CustodyEntry]:
    """The custody chain of an item, each event with its inclusion proof."""
    require(who.roles, Action.CUSTODY_READ)
    with ctx.engine.connect() as conn:
        _get(conn, evidence_id)
        rows = conn.execute(select(schema.custody).order_by(schema.custody.c.seq)).mappings().all()
        last = (
            conn.execute(
                select(schema.checkpoints).order_by(schema.checkpoints.c.id.desc()).limit(1)
            )
            .mappings()
            .first()
        )
        hidden = hidden_orders(conn, who)
    audit_now(ctx, who.user, "custody.read", obj=evidence_id, outcome="ok")
    if last is None:
        return []
    checkpoint = Checkpoint(
        last["size"], last["root"], _aware(last["at"]), last["key_id"], last["signature"]
    )
    hashes = [bytes(r["leaf_hash"]) for r in rows][: checkpoint.size]
    tree = merkle.Tree(hashes)
    return [
        CustodyEntry(
            _event_visible(CustodyEvent.from_leaf(bytes(r["leaf"])), hidden),
            hashes[i].hex(),
            [p.hex() for p in tree.inclusion_proof(i)],
            checkpoint,
        )
        for i, r in enumerate(rows[: checkpoint.size])
        if r["evidence_id"] == evidence_id
    ]


def _event_visible(event: CustodyEvent, hidden: Hidden) -> CustodyEvent:
    """A custody event as the reader may see it (the leaf hash and proof still hold)."""
    return replace(event, details=hidden.details(event.details)) if hidden else event
