"""The history an item received from another State brought with it (Arts. 49, 56).

When an item is taken in (services/network/transfer.py), its first custody event in
our signed log records the sender's State, its evidence id, its signed checkpoint and
the hashes of its custody leaves. The transfer message itself (kept in the request's
thread) holds those leaves, their inclusion proofs and the sender's order. This module
puts them back together for the admissibility report, checking each link again: every
leaf must hash to what our log recorded and be included in the sender's checkpoint, and
the checkpoint's signature must hold for the sender's key in the directory.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, select

from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.custody import Checkpoint, CustodyEvent
from uncc.errors import NotFoundError
from uncc.services.network import directory as network_directory


def _offer(conn: Connection, details: dict[str, Any]) -> dict[str, Any] | None:
    """The transfer message that brought the item (by its id, else by item and checkpoint)."""
    query = select(schema.thread.c.message, schema.thread.c.body).where(
        schema.thread.c.type == "evidence_transfer", schema.thread.c.direction == "in"
    )
    if details.get("sender_message"):
        query = query.where(schema.thread.c.message == details["sender_message"])
    root = details["sender_checkpoint"]["root"]
    for row in conn.execute(query.order_by(schema.thread.c.id)):
        body = row.body
        custody = body.get("custody", {})
        if custody.get("root") == root and details["sender_item"] in custody.get("leaves", {}):
            return {"message": row.message, **body}
    return None


def _signature_holds(conn: Connection, sender: str, checkpoint: dict[str, Any]) -> bool | None:
    """Whether the sender's checkpoint signature holds for its key in the directory.

    None when it cannot be checked here (no directory, or the key is not in it).
    """
    try:
        member = network_directory.directory(conn).member(sender)
    except NotFoundError:
        return None
    key = next((k for k in member.keys if k.kid == checkpoint["key_id"]), None) if member else None
    if key is None:
        return None
    message = Checkpoint.message(
        checkpoint["size"],
        checkpoint["root"],
        dt.datetime.fromisoformat(checkpoint["at"]),
        checkpoint["key_id"],
    )
    return bool(verifier(key.public_key)(message, bytes.fromhex(checkpoint["signature"])))


def received_history(conn: Connection, details: dict[str, Any]) -> dict[str, Any] | None:
    """The sender's order and custody chain for an item we received; None for our own items.

    ``details`` are those of the item's first custody event here.
    """
    if not details.get("received_from") or not isinstance(details.get("sender_checkpoint"), dict):
        return None
    checkpoint = details["sender_checkpoint"]
    recorded = list(details.get("sender_leaves", []))
    offer = _offer(conn, details)
    leaves = offer["custody"]["leaves"][details["sender_item"]] if offer else []
    root = bytes.fromhex(checkpoint["root"])
    chain = []
    for position, leaf in enumerate(leaves):
        entry = leaf["entry"].encode()
        leaf_hash = merkle.leaf_hash(entry)
        event = CustodyEvent.from_leaf(entry)
        chain.append(
            {
                "index": leaf["index"],
                "kind": event.kind.value,
                "actor": event.actor,
                "at": event.at.isoformat(),
                "details": event.details,
                "leaf_hash": leaf_hash.hex(),
                "proof": leaf["proof"],
                "recorded": position < len(recorded) and recorded[position] == leaf_hash.hex(),
                "included": merkle.verify_inclusion(
                    leaf["index"],
                    checkpoint["size"],
                    leaf_hash,
                    [bytes.fromhex(p) for p in leaf["proof"]],
                    root,
                ),
            }
        )
    orders = offer.get("orders", {}) if offer else {}
    return {
        "from": details["received_from"],
        "sender_item": details["sender_item"],
        "message": offer["message"] if offer else None,
        "reference": offer.get("reference") if offer else None,
        "checkpoint": {
            **checkpoint,
            "signature_valid": _signature_holds(conn, details["received_from"], checkpoint),
        },
        "order": orders.get(details["sender_item"]),
        "custody": chain,
        "complete": bool(chain) and len(chain) == len(recorded),
    }
