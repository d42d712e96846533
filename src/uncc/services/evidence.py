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
from uncc.services import custody_log, vault
from uncc.services.context import (
    NodeContext,
    Principal,
    audit,
    audit_now,
    next_id,
    require_case,
    serialise,
)
from uncc.services.custody_log import checkpoint_verifier
from uncc.services.identity import key_history, node_info


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
        NotFoundError: no such case, or no such order in it.
    """
    require(who.roles, Action.EVIDENCE_ADD)
    with ctx.engine.connect() as conn:
        require_case(conn, case_id)
        if order_id is not None:
            row = conn.execute(
                select(schema.orders.c.case_id).where(schema.orders.c.id == order_id)
            ).first()
            if row is None or row.case_id != case_id:
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


def _get(conn: Connection, evidence_id: str, *, lock: bool = False) -> EvidenceItem:
    query = select(schema.evidence).where(schema.evidence.c.id == evidence_id)
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
        items = [_item(r) for r in conn.execute(query).mappings()]
    audit_now(ctx, who.user, "evidence.list", obj=case_id or "", outcome="ok", count=len(items))
    return items


def verify_vault(ctx: NodeContext, who: Principal, case_id: str | None = None) -> list[Break]:
    """Verify the whole vault (see :func:`uncc.services.vault.check`); every break."""
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
            CustodyEvent.from_leaf(bytes(r["leaf"])),
            hashes[i].hex(),
            [p.hex() for p in tree.inclusion_proof(i)],
            checkpoint,
        )
        for i, r in enumerate(rows[: checkpoint.size])
        if r["evidence_id"] == evidence_id
    ]


def admissibility(ctx: NodeContext, who: Principal, evidence_id: str) -> dict[str, Any]:
    """What a court needs to weigh an item as forensic evidence (Art. 49), as data.

    The legal basis (case, order, offences, authorisations), the hashes now and at
    acquisition, the acquisition record and tools, the custody chain with inclusion
    proofs against the latest signed checkpoint, and the result of verifying it all.
    """
    require(who.roles, Action.EVIDENCE_READ)
    with ctx.engine.connect() as conn:
        node = node_info(conn)
        item = _get(conn, evidence_id)
        case = conn.execute(
            select(schema.cases.c.id, schema.cases.c.title).where(schema.cases.c.id == item.case_id)
        ).first()
        order_row = None
        events: list[Any] = []
        if item.acquisition.order_id:
            order_row = (
                conn.execute(
                    select(schema.orders).where(schema.orders.c.id == item.acquisition.order_id)
                )
                .mappings()
                .first()
            )
            events = list(
                conn.execute(
                    select(schema.order_events)
                    .where(schema.order_events.c.order_id == item.acquisition.order_id)
                    .order_by(schema.order_events.c.id)
                ).mappings()
            )
    audit_now(ctx, who.user, "evidence.admissibility", obj=evidence_id, outcome="ok")
    chain = custody_of(ctx, who, evidence_id)
    with ctx.engine.connect() as conn:
        key_check = checkpoint_verifier(key_history(conn))
    checkpoint = chain[-1].checkpoint if chain else None
    now_hash = ctx.blobs.rehash(item.sha256)
    return {
        "provision": "art_49__para_1",
        "node": {
            "state": node.state,
            "name": node.name,
            "key_id": node.key_id,
            "public_key": node.public_key,
        },
        "item": {
            "id": item.id,
            "filename": item.filename,
            "size": item.size,
            "sha256": item.sha256,
            "sha256_now": now_hash,
            "intact": now_hash == item.sha256,
            "sealed": item.sealed,
        },
        "case": {"id": case.id, "title": case.title} if case else None,
        "acquisition": {**item.acquisition.__dict__, "at": item.acquisition.at.isoformat()},
        "order": None
        if order_row is None
        else {
            "id": order_row["id"],
            "power": order_row["power"],
            "offences": order_row["offences"],
            "state": order_row["state"],
            "authorised_by": order_row["authorised_by"],
            "history": [
                {
                    "command": e["command"],
                    "actor": e["actor"],
                    "at": _aware(e["at"]).isoformat(),
                    "note": e["note"],
                }
                for e in events
            ],
        },
        "custody": [
            {
                "seq": e.event.seq,
                "kind": e.event.kind.value,
                "actor": e.event.actor,
                "at": e.event.at.isoformat(),
                "details": e.event.details,
                "leaf_hash": e.leaf_hash,
                "proof": e.proof,
                "included": merkle.verify_inclusion(
                    e.event.seq,
                    e.checkpoint.size,
                    bytes.fromhex(e.leaf_hash),
                    [bytes.fromhex(p) for p in e.proof],
                    bytes.fromhex(e.checkpoint.root),
                ),
            }
            for e in chain
        ],
        "checkpoint": None
        if checkpoint is None
        else {
            "size": checkpoint.size,
            "root": checkpoint.root,
            "at": checkpoint.at.isoformat(),
            "key_id": checkpoint.key_id,
            "signature": checkpoint.signature,
            "signature_valid": key_check(checkpoint),
        },
        "head": custody_log.current_head(ctx),
    }
