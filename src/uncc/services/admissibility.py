"""The admissibility report of an evidence item (Art. 49), as data.

What a court needs to weigh an item as forensic evidence: the legal basis (case, order,
offences, authorisations), the hashes now and at acquisition, the acquisition record
and tools, the custody chain with inclusion proofs against the latest signed
checkpoint, and, for an item received from another State, the sender's order and
custody chain as the transfer proved them. An order the reader has no need to know is
withheld (services/need_to_know.py). The renderers are in ``uncc.services.reports``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.policy import Action, require
from uncc.services import custody_log
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.custody_log import checkpoint_verifier
from uncc.services.evidence import CustodyEntry, _aware, _get, custody_of
from uncc.services.identity import node_info
from uncc.services.need_to_know import WITHHELD, Hidden, hidden_orders
from uncc.services.received import received_history


def order_summary(conn: Connection, order_id: str, hidden: Hidden) -> dict[str, Any] | None:
    """An order with its authorisations, as a report shows it (None when there is none).

    An order the reader may not see is only ``{"withheld": ...}``.
    """
    if order_id in hidden:
        return {"withheld": WITHHELD}
    row = (
        conn.execute(select(schema.orders).where(schema.orders.c.id == order_id)).mappings().first()
    )
    if row is None:
        return None
    events = conn.execute(
        select(schema.order_events)
        .where(schema.order_events.c.order_id == order_id)
        .order_by(schema.order_events.c.id)
    ).mappings()
    return {
        "id": row["id"],
        "power": row["power"],
        "offences": list(row["offences"]),
        "state": row["state"],
        "confidential": row["confidential"],
        "authorised_by": row["authorised_by"],
        "history": [
            {
                "command": e["command"],
                "actor": e["actor"],
                "at": _aware(e["at"]).isoformat(),
                "note": e["note"],
            }
            for e in events
        ],
    }


def order_for_transfer(conn: Connection, order_id: str) -> dict[str, Any] | None:
    """The order as sent with evidence to another State: the legal basis, not the grounds.

    Notes and grounds stay here (the caller has checked the sender's need to know).
    """
    summary = order_summary(conn, order_id, Hidden(()))
    if summary is None:
        return None
    return {
        "id": summary["id"],
        "power": summary["power"],
        "offences": summary["offences"],
        "state": summary["state"],
        "authorised_by": summary["authorised_by"],
        "history": [
            {"command": e["command"], "actor": e["actor"], "at": e["at"]}
            for e in summary["history"]
        ],
    }


def _custody(chain: list[CustodyEntry]) -> list[dict[str, Any]]:
    return [
        {
            "seq": e.event.seq,
            "kind": e.event.kind.value,
            "actor": e.event.actor,
            "at": e.event.at.isoformat(),
            "details": e.event.details,
            "note": _review_note(e.event.details),
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
    ]


def _review_note(details: dict[str, Any]) -> str:
    """What a review event said: its tag, or its annotation (empty for other events)."""
    return str(details.get("tag") or details.get("text") or "")


def admissibility(ctx: NodeContext, who: Principal, evidence_id: str) -> dict[str, Any]:
    """What a court needs to weigh an item as forensic evidence (Art. 49), as data."""
    require(who.roles, Action.EVIDENCE_READ)
    with ctx.engine.connect() as conn:
        node = node_info(conn)
        hidden = hidden_orders(conn, who)
        item = _get(conn, evidence_id)
        case = conn.execute(
            select(schema.cases.c.id, schema.cases.c.title).where(schema.cases.c.id == item.case_id)
        ).first()
        order_id = item.acquisition.order_id
        order = order_summary(conn, order_id, hidden) if order_id else None
    audit_now(ctx, who.user, "evidence.admissibility", obj=evidence_id, outcome="ok")
    chain = custody_of(ctx, who, evidence_id)
    with ctx.engine.connect() as conn:
        key_check = checkpoint_verifier(custody_log.held_keys(ctx, conn))
        received = received_history(conn, chain[0].event.details) if chain else None
    checkpoint = chain[-1].checkpoint if chain else None
    now_hash = ctx.blobs.rehash(item.sha256)
    acquisition = {**item.acquisition.__dict__, "at": item.acquisition.at.isoformat()}
    if order_id in hidden:
        acquisition["order_id"] = WITHHELD
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
        "acquisition": acquisition,
        "order": order,
        "received": received,
        "custody": _custody(chain),
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
