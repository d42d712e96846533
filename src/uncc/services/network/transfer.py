"""Evidence across borders with verifiable custody (Arts. 49, 56).

The sender appends a ``transferred`` event to each item's custody, then sends a manifest
(hashes, sizes) and a custody continuation: its latest signed checkpoint and, for each
item, every custody leaf with an RFC 9162 inclusion proof. The receiving side is in
``transfer_in`` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import select

from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.custody import CustodyKind
from uncc.domain.envelope import Handling
from uncc.domain.messages import Urgency
from uncc.domain.policy import Action, require
from uncc.errors import (
    ConflictError,
    UserInputError,
)
from uncc.services import evidence
from uncc.services.admissibility import order_for_transfer
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.need_to_know import hidden_orders
from uncc.services.network.fetch import (
    BLOBS_PATH,
    FETCH_HEADER,
    authorise_fetch,
    fetch_header,
)
from uncc.services.network.onward import check_onward
from uncc.services.network.outbox import enqueue
from uncc.services.network.requests import (
    Conversation,
    conversation_row,
    get_conversation,
    may_send,
)
from uncc.services.network.transfer_in import accept_evidence, check_continuation, offered

__all__ = [
    "BLOBS_PATH",
    "FETCH_HEADER",
    "accept_evidence",
    "authorise_fetch",
    "check_continuation",
    "fetch_header",
    "offered",
    "send_evidence",
]
log = logging.getLogger("uncc.network")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def send_evidence(
    ctx: NodeContext,
    who: Principal,
    conversation_id: str,
    evidence_ids: list[str],
    *,
    handling: Handling | None = None,
) -> Conversation:
    """Send evidence items of the request's case to the other State, custody and all.

    With each item goes the order it was acquired under (its legal basis, not its grounds
    or notes). An item acquired under a confidential order the sender may not see is
    refused: its custody names the order (need to know).

    ``handling``: how the receiver may use, pass on and keep it (default: with consent).

    Raises:
        ConflictError: an item is of another case, sealed, or under such an order; nothing
            is sent or recorded.
    """
    require(who.roles, Action.EVIDENCE_SEND)
    if not evidence_ids:
        raise UserInputError("name at least one evidence item to send")
    with ctx.engine.begin() as conn:
        talk = conversation_row(conn, conversation_id)
        may_send(talk, "evidence_transfer")
        check_onward(conn, to_state=talk["peer"], case_id=None, evidence_ids=evidence_ids)
        now = ctx.clock()
        hidden = hidden_orders(conn, who)
        items = []
        for evidence_id in evidence_ids:
            item = evidence._get(conn, evidence_id)
            if item.acquisition.order_id in hidden:
                raise ConflictError(
                    f"{evidence_id} was acquired under a confidential order you have no need to"
                    " know, which its custody names: its author or a prosecutor may send it"
                )
            if talk["case_id"] is not None and item.case_id != talk["case_id"]:
                raise ConflictError(
                    f"{evidence_id} belongs to case {item.case_id}, not to this request's case {talk['case_id']}"
                )
            if item.sealed:
                raise ConflictError(
                    f"{evidence_id} is sealed (Art. 46(3)(d)); release it before sending"
                )
            evidence._append(
                ctx,
                conn,
                kind=CustodyKind.TRANSFERRED,
                item=item,
                actor=who.user,
                at=now,
                to=talk["peer"],
                conversation=conversation_id,
            )
            items.append(item)
        rows = conn.execute(select(schema.custody).order_by(schema.custody.c.seq)).mappings().all()
        last = (
            conn.execute(
                select(schema.checkpoints).order_by(schema.checkpoints.c.id.desc()).limit(1)
            )
            .mappings()
            .one()
        )
        hashes = [bytes(r["leaf_hash"]) for r in rows][: last["size"]]
        tree = merkle.Tree(hashes)
        wanted = {i.id for i in items}
        leaves: dict[str, list[dict[str, Any]]] = {i.id: [] for i in items}
        for index, row in enumerate(rows[: last["size"]]):
            if row["evidence_id"] in wanted:
                leaves[row["evidence_id"]].append(
                    {
                        "index": index,
                        "entry": bytes(row["leaf"]).decode(),
                        "proof": [p.hex() for p in tree.inclusion_proof(index)],
                    }
                )
        acquired_under = {
            i.id: order_for_transfer(conn, i.acquisition.order_id)
            for i in items
            if i.acquisition.order_id
        }
        body = {
            "reference": talk["reference"],
            "items": [
                {"sha256": i.sha256, "size": i.size, "filename": i.filename, "item": i.id}
                for i in items
            ],
            "custody": {
                "tree_size": last["size"],
                "root": last["root"],
                "signature": last["signature"],
                "key_id": last["key_id"],
                "checkpoint_at": _aware(last["at"]).isoformat(),
                "leaves": leaves,
            },
            "orders": {k: v for k, v in acquired_under.items() if v is not None},
        }
        enqueue(
            ctx,
            conn,
            kind="evidence_transfer",
            recipient=talk["peer"],
            body=body,
            conversation=conversation_id,
            urgency=Urgency(talk["urgency"]),
            handling=handling,
        )
        audit(
            conn,
            now,
            who.user,
            "network.evidence_sent",
            obj=conversation_id,
            outcome="ok",
            items=evidence_ids,
            to=talk["peer"],
        )
    return get_conversation(ctx, who, conversation_id)
