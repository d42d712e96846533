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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.adapters.db.notify import OUTBOX, notify
from uncc.domain import messages
from uncc.domain.envelope import Envelope, EnvelopeError, Handling
from uncc.domain.messages import Receipt, Urgency
from uncc.domain.policy import Action, Role, require
from uncc.domain.service_levels import MESSAGE_TTL
from uncc.errors import NotFoundError, TransportError, UserInputError
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import sealing
from uncc.services.network.envelopes import open_envelope, seal
from uncc.services.network.transport import Transport

INBOX_PATH = "/network/v1/inbox"
BASE_DELAY = dt.timedelta(seconds=2)
MAX_DELAY = dt.timedelta(minutes=10)
CLAIM_LEASE = NodeContext.outbox_lease
"""How long a claimed message is left to its sender before another may take it, unless
the node's settings say otherwise (``UNCC_OUTBOX_LEASE_SECONDS``, ``ctx.outbox_lease``)."""
RETRYABLE = {"unknown_sender", "not_yet_valid", "cannot_decrypt"}
"""Rejections that a directory refresh or a clock catching up can cure: keep trying."""


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> dt.timedelta:
    """Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 10 min, times 0.5–1.0."""
    ceiling = min(MAX_DELAY.total_seconds(), BASE_DELAY.total_seconds() * 2 ** min(attempts, 20))
    return dt.timedelta(seconds=ceiling * (0.5 + rng() / 2))


def alert(conn: Connection, now: dt.datetime, text: str) -> None:
    """A notice for every contact point and administrator of the node."""
    for row in conn.execute(select(schema.users.c.id, schema.users.c.roles)):
        if {Role.CONTACT_POINT.value, Role.ADMIN.value} & set(row.roles):
            conn.execute(insert(schema.notices).values(user_id=row.id, at=now, text=text))


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
    seq = (
        conn.execute(
            select(func.max(schema.outbox.c.seq)).where(
                schema.outbox.c.conversation == conversation,
                schema.outbox.c.recipient == recipient,
            )
        ).scalar()
        or 0
    ) + 1
    now = ctx.clock()
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
    conn.execute(
        insert(schema.outbox).values(
            id=envelope.id,
            conversation=conversation,
            seq=seq,
            recipient=recipient,
            type=kind,
            token=seal(ctx, envelope),
            created_at=now,
            expires_at=envelope.expires,
            status="pending",
            attempts=0,
            next_attempt_at=now,
        )
    )
    notify(conn, OUTBOX)  # a waiting worker sends it when this transaction commits
    conn.execute(
        insert(schema.thread).values(
            conversation=conversation,
            message=envelope.id,
            sender=me,
            direction="out",
            type=kind,
            at=now,
            body=envelope.body,
        )
    )
    return envelope


@dataclass
class DeliveryReport:
    """What one pass of the sender did."""

    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)


def claim_due(ctx: NodeContext, now: dt.datetime, limit: int) -> list[Any]:
    """Take up to ``limit`` due messages for this process to deliver.

    The rows are read ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite's transactions take
    the write lock) and their next attempt moved a lease ahead in the same transaction,
    so another sender (a second server, another worker) neither waits for them nor takes
    them. Delivery records the outcome; if this process dies first, the lease runs out
    and another sender tries again (the receiver answers a repeat as a duplicate).
    """
    due = (schema.outbox.c.status == "pending", schema.outbox.c.next_attempt_at <= now)
    with ctx.engine.connect() as conn:  # a read first: an idle pass takes no write lock
        if conn.execute(select(schema.outbox.c.id).where(*due).limit(1)).first() is None:
            return []
    with ctx.engine.begin() as conn:
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


def deliver_due(
    ctx: NodeContext,
    transport: Transport,
    *,
    limit: int = 200,
    rng: Callable[[], float] = random.random,
) -> DeliveryReport:
    """Post every message that is due; record receipts, retries and dead letters."""
    report = DeliveryReport()
    now = ctx.clock()
    rows = claim_due(ctx, now, limit)
    with ctx.engine.connect() as conn:
        directory = network_directory.directory(conn) if rows else None
        me = node_info(conn).state
    stale = False  # a recipient's encryption key is missing or changed: refresh after the pass
    for row in rows:
        if _aware(row["expires_at"]) <= now:
            _dead(ctx, row, "expired before delivery")
            report.dead.append(row["id"])
            continue
        assert directory is not None
        member = directory.member(row["recipient"])
        if member is None:
            _retry(ctx, row, f"{row['recipient']} is not in the directory", rng)
            report.retrying.append(row["id"])
            continue
        try:
            wire = sealing.wire(ctx, row["token"], directory, now)
        except sealing.NoEncryptionKeyError as exc:
            _retry(ctx, row, str(exc), rng)
            report.retrying.append(row["id"])
            stale = True
            continue
        try:
            status, text = transport.post(member.endpoint + INBOX_PATH, wire)
        except TransportError as exc:
            _retry(ctx, row, str(exc), rng)
            report.retrying.append(row["id"])
            continue
        outcome = _receipt(text, row["id"], directory, me, ctx.clock())
        if outcome is None and _unknown_signer(text, directory, ctx.clock()):
            directory = _refreshed(ctx, transport) or directory  # the receiver rotated its key
            outcome = _receipt(text, row["id"], directory, me, ctx.clock())
        if outcome is None:
            _retry(ctx, row, f"HTTP {status}: no valid signed receipt", rng)
            report.retrying.append(row["id"])
        elif outcome.outcome in ("accepted", "duplicate"):
            _delivered(ctx, row, text)
            report.delivered.append(row["id"])
        elif outcome.reason in RETRYABLE:
            _retry(ctx, row, f"rejected ({outcome.reason}): {outcome.detail}", rng)
            report.retrying.append(row["id"])
            stale = stale or outcome.reason == "cannot_decrypt"
        else:
            _rejected(ctx, row, text, outcome)
            report.rejected.append(row["id"])
    if stale:
        _refreshed(ctx, transport)
    return report


def _unknown_signer(text: str, directory: Any, now: dt.datetime) -> bool:
    try:
        return directory.key(str(jws.header(text.strip())["kid"]), now) is None
    except jws.SignatureError:
        return False


def _refreshed(ctx: NodeContext, transport: Transport) -> Any:
    try:
        return network_directory.refresh(ctx, transport)
    except (TransportError, UserInputError):
        return None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _receipt(
    text: str, message_id: str, directory: Any, me: str, now: dt.datetime
) -> Receipt | None:
    try:
        envelope = open_envelope(text.strip(), directory=directory, me=me, now=now)
    except EnvelopeError:
        return None
    if envelope.type != "receipt":
        return None
    receipt = Receipt.model_validate(envelope.body)
    return receipt if receipt.message == message_id else None


def _delivered(ctx: NodeContext, row: Any, receipt: str) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.outbox)
            .where(schema.outbox.c.id == row["id"])
            .values(
                status="delivered",
                receipt=receipt,
                delivered_at=ctx.clock(),
                attempts=row["attempts"] + 1,
                last_error=None,
            )
        )


def _retry(ctx: NodeContext, row: Any, error: str, rng: Callable[[], float]) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.outbox)
            .where(schema.outbox.c.id == row["id"])
            .values(
                attempts=row["attempts"] + 1,
                next_attempt_at=ctx.clock() + backoff(row["attempts"], rng),
                last_error=error[:2000],
            )
        )


def _rejected(ctx: NodeContext, row: Any, receipt: str, outcome: Receipt) -> None:
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.outbox)
            .where(schema.outbox.c.id == row["id"])
            .values(
                status="rejected",
                receipt=receipt,
                attempts=row["attempts"] + 1,
                last_error=f"{outcome.reason}: {outcome.detail}",
            )
        )
        alert(
            conn,
            now,
            f"{row['recipient']} rejected {row['type']} {row['id']}: {outcome.reason} ({outcome.detail})",
        )
        audit(
            conn,
            now,
            "network",
            "network.rejected",
            obj=row["id"],
            outcome="refused",
            reason=outcome.reason,
        )


def _dead(ctx: NodeContext, row: Any, why: str) -> None:
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.outbox)
            .where(schema.outbox.c.id == row["id"])
            .values(status="dead", last_error=why)
        )
        alert(
            conn,
            now,
            f"dead letter: {row['type']} {row['id']} to {row['recipient']} was not delivered ({why}; last error: {row['last_error']})",
        )
        audit(
            conn, now, "network", "network.dead_letter", obj=row["id"], outcome="failed", reason=why
        )


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
            r["id"],
            r["recipient"],
            r["type"],
            r["conversation"],
            r["seq"],
            r["status"],
            r["attempts"],
            _aware(r["created_at"]),
            _aware(r["next_attempt_at"]),
            r["last_error"],
        )
        for r in rows
    ]
