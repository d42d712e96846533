"""The durable outbox: a message is stored with its signature, then delivered until it lands.

A message is written to the outbox in the same transaction as the change that caused
it, so nothing is sent that did not happen and nothing that happened goes unsent. The
sender posts due messages, verifies the signed receipt, and on failure waits with
exponential backoff and jitter; a message still undelivered when it expires goes to the
dead letters and the contact points are alerted.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.adapters.db.lease import lease_transaction
from uncc.adapters.db.notify import OUTBOX, notify
from uncc.domain import messages
from uncc.domain.envelope import Envelope, Handling
from uncc.domain.messages import Urgency
from uncc.domain.policy import Action, require
from uncc.domain.service_levels import MESSAGE_TTL
from uncc.errors import NotFoundError, UserInputError
from uncc.services.context import NodeContext, Principal
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import posting, sealing
from uncc.services.network.envelopes import seal
from uncc.services.network.handoff import handed_list
from uncc.services.network.outcomes import (
    DeliveryReport,
    Pass,
    alert,
    backoff,
    refreshed_directory,
)
from uncc.services.network.transport import Transport

__all__ = [  # alert and backoff live in ``outcomes``; their callers import them from here
    "CLAIM_LEASE",
    "INBOX_PATH",
    "DeliveryReport",
    "OutboxEntry",
    "alert",
    "backoff",
    "claim_due",
    "deliver_due",
    "enqueue",
    "list_outbox",
    "release",
]

INBOX_PATH = posting.INBOX_PATH
CLAIM_LEASE = NodeContext.outbox_lease
"""How long a claimed message is left to its sender before another may take it, unless
the node's settings say otherwise (``UNCC_OUTBOX_LEASE_SECONDS``, ``ctx.outbox_lease``)."""


def enqueue(
    ctx: NodeContext,
    conn: Connection,
    *,
    kind: str,
    recipient: str,
    body: dict[str, Any],
    conversation: str,
    urgency: Urgency = Urgency.ROUTINE,
    in_reply_to: str | None = None,
    handling: Handling | None = None,
) -> Envelope:
    """Validate, sign and store a message for delivery, in the caller's transaction.

    Raises:
        UserInputError: the body is not a complete message of that type (every problem).
        NotFoundError: the recipient is not in the directory.
    """
    found = messages.problems(kind, 1, body)
    if found:
        raise UserInputError(f"{kind} is not complete: " + "; ".join(found))
    me = node_info(conn).state
    if network_directory.directory(conn).member(recipient) is None:
        raise NotFoundError(f"{recipient} is not in the network directory")
    seq = (conn.execute(_LAST_SEQ, {"talk": conversation, "to": recipient}).scalar() or 0) + 1
    now = ctx.clock()
    handed = handed_list(conn)
    envelope = Envelope(
        type=kind,
        sender=me,
        recipient=recipient,
        body=messages.validate(kind, 1, body).model_dump(mode="json", exclude_none=True),
        created=now,
        expires=now + MESSAGE_TTL[urgency],
        conversation=conversation,
        seq=seq,
        in_reply_to=in_reply_to,
        handling=handling or Handling(),
    )
    row = {
        "id": envelope.id,
        "conversation": conversation,
        "seq": seq,
        "recipient": recipient,
        "type": kind,
        "token": seal(ctx, envelope, ctx.key(conn)),  # the key id read in this transaction
        "created_at": now,
        "expires_at": envelope.expires,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now if handed is None else now + ctx.outbox_lease,
    }
    conn.execute(_QUEUE, row)
    if handed is not None:  # claimed at birth: this process's sender posts it after the commit
        handed.append({**row, "last_error": None})
    notify(conn, OUTBOX)  # a waiting worker sends it when this transaction commits
    conn.execute(
        _THREAD,
        {
            "conversation": conversation,
            "message": envelope.id,
            "sender": me,
            "direction": "out",
            "type": kind,
            "at": now,
            "body": envelope.body,
        },
    )
    return envelope


_LAST_SEQ = select(func.max(schema.outbox.c.seq)).where(
    schema.outbox.c.conversation == bindparam("talk"),
    schema.outbox.c.recipient == bindparam("to"),
)
_QUEUE = insert(schema.outbox)
_THREAD = insert(schema.thread)
"""Statements of every message queued, built once (building costs more than running)."""


def claim_due(ctx: NodeContext, now: dt.datetime, limit: int) -> list[Any]:
    """Take up to ``limit`` due messages for this process to deliver.

    The rows are read ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite's transactions take
    the write lock) and their next attempt moved a lease ahead in the same transaction,
    so another sender (a second server, another worker) neither waits for them nor takes
    them. Delivery records the outcome; if this process dies first, the lease runs out
    and another sender tries again (the receiver answers a repeat as a duplicate). For
    the same reason the claim is committed without waiting for the disk (``lease``).
    """
    due = (schema.outbox.c.status == "pending", schema.outbox.c.next_attempt_at <= now)
    with ctx.engine.connect() as conn:  # a read first: an idle pass takes no write lock
        if conn.execute(select(schema.outbox.c.id).where(*due).limit(1)).first() is None:
            return []
    with lease_transaction(ctx.engine) as conn:  # a lost lease costs a repeat: no flush
        rows = (
            conn.execute(
                select(schema.outbox)
                .where(*due)
                .order_by(schema.outbox.c.created_at, schema.outbox.c.seq)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            .mappings()
            .all()
        )
        if rows:
            conn.execute(
                update(schema.outbox)
                .where(schema.outbox.c.id.in_([r["id"] for r in rows]))
                .values(next_attempt_at=now + ctx.outbox_lease)
            )
    return list(rows)


def release(ctx: NodeContext, ids: Sequence[str]) -> None:
    """Messages claimed by this process and not posted: due at once for any sender."""
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.outbox)
            .where(schema.outbox.c.id.in_(list(ids)), schema.outbox.c.status == "pending")
            .values(next_attempt_at=ctx.clock())
        )


def deliver_due(
    ctx: NodeContext,
    transport: Transport,
    *,
    limit: int = 200,
    rng: Callable[[], float] = random.random,
    handed: Sequence[Mapping[str, Any]] = (),
) -> DeliveryReport:
    """Post every message that is due; record receipts, retries and dead letters.

    The messages for one receiver go in batches (``posting``), and what came back for a
    batch is recorded in one transaction. ``handed``: messages claimed at birth for
    this process (``handing_off``); when given, only they are posted, without a claim.
    """
    now = ctx.clock()
    rows = list(handed) or claim_due(ctx, now, limit)
    if not rows:
        return DeliveryReport()
    with ctx.engine.connect() as conn:
        run = Pass(ctx, transport, network_directory.directory(conn), node_info(conn).state, rng)
    ready: dict[str, list[Any]] = {}
    for row in rows:
        if _aware(row["expires_at"]) <= now:
            run.dead(row, "expired before delivery")
            continue
        member = run.directory.member(row["recipient"])
        if member is None:
            run.retry(row, f"{row['recipient']} is not in the directory")
            continue
        ready.setdefault(member.endpoint, []).append(row)
    run.record()
    key = ctx.key()  # read once: every message of the pass is sealed with it
    for endpoint, waiting in ready.items():
        _post_all(
            run,
            endpoint,
            _wired(run, waiting, now, key),
            pipelined=len(waiting) > posting.MAX_BATCH,
        )
    run.record()  # messages that could not be sealed
    if run.stale:  # a recipient's encryption key is missing or changed: refresh after the pass
        refreshed_directory(ctx, transport)
    return run.report


def _wired(run: Pass, rows: list[Any], now: dt.datetime, key: NodeKey) -> Iterator[tuple[Any, str]]:
    """(row, what goes on the wire) for each message, sealed as it is needed."""
    for row in rows:
        try:
            yield row, sealing.wire(run.ctx, row["token"], run.directory, now, key)
        except sealing.NoEncryptionKeyError as exc:
            run.retry(row, str(exc))
            run.stale = True


def _post_all(
    run: Pass, endpoint: str, ready: Iterator[tuple[Any, str]], *, pipelined: bool
) -> None:
    """Post the messages for one endpoint in batches, in order, recording each batch's outcome.

    ``pipelined`` (more than one batch to go): one batch is in flight on a thread of its
    own while this one seals the next and records the last, so the receiver's work on a
    batch overlaps the sender's on its neighbours. Batches still go one after another.
    """
    batches = posting.batches(ready)
    if not pipelined:
        for batch in batches:
            run.settle_all(posting.post_batch(run.transport, endpoint, batch))
        return
    with ThreadPoolExecutor(1, thread_name_prefix="uncc-post") as poster:
        flight: Future[list[posting.Posted]] | None = None
        for batch in batches:  # the next batch is sealed while ``flight`` is posted
            landed = flight.result() if flight is not None else None
            flight = poster.submit(posting.post_batch, run.transport, endpoint, batch)
            if landed is not None:
                run.settle_all(landed)
        if flight is not None:
            run.settle_all(flight.result())


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class OutboxEntry:
    """A message as the outbox shows it."""

    id: str
    recipient: str
    type: str
    conversation: str
    seq: int
    status: str
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    last_error: str | None


def list_outbox(ctx: NodeContext, who: Principal, status: str | None = None) -> list[OutboxEntry]:
    """The outbox, newest first."""
    require(who.roles, Action.NETWORK_READ)
    query = select(schema.outbox).order_by(schema.outbox.c.created_at.desc())
    if status:
        query = query.where(schema.outbox.c.status == status)
    with ctx.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        OutboxEntry(
            **{name: r[name] for name in _SHOWN},
            created_at=_aware(r["created_at"]),
            next_attempt_at=_aware(r["next_attempt_at"]),
        )
        for r in rows
    ]


_SHOWN = ("id", "recipient", "type", "conversation", "seq", "status", "attempts", "last_error")
