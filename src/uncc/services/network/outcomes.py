"""What came back from a delivery pass, and how each outcome is recorded.

A message is delivered (its signed receipt kept), retried after a backoff with jitter,
rejected for good (the contact points alerted, the refusal audited) or, once expired,
a dead letter. The pass gathers the outcomes of a batch and records them in one
transaction. A batch of deliveries and retries only is committed without a disk flush
(``lease``): lost in a crash, a delivery costs a repeat that the receiver answers as a
duplicate, and a retry an earlier attempt. A rejection or a dead letter (an alert and an
audit entry) is committed durably.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from uncc.adapters.db import schema
from uncc.adapters.db.lease import lease_transaction
from uncc.domain.messages import Receipt
from uncc.domain.policy import Role
from uncc.errors import TransportError, UserInputError
from uncc.services.context import NodeContext, audit
from uncc.services.network import directory as network_directory
from uncc.services.network import posting
from uncc.services.network.transport import Transport

BASE_DELAY = dt.timedelta(seconds=2)
MAX_DELAY = dt.timedelta(minutes=10)
RETRYABLE = {"unknown_sender", "not_yet_valid", "cannot_decrypt"}
"""Rejections that a directory refresh or a clock catching up can cure: keep trying."""


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> dt.timedelta:
    """Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 10 min, times 0.5–1.0."""
    ceiling = min(MAX_DELAY.total_seconds(), BASE_DELAY.total_seconds() * 2 ** min(attempts, 20))
    return dt.timedelta(seconds=ceiling * (0.5 + rng() / 2))


def alert(conn: Connection, now: dt.datetime, text: str) -> None:
    """A notice for every contact point and administrator of the node (one statement)."""
    desk = {Role.CONTACT_POINT.value, Role.ADMIN.value}
    notices = [
        {"user_id": row.id, "at": now, "text": text}
        for row in conn.execute(_USERS)
        if desk & set(row.roles)
    ]
    if notices:
        conn.execute(_NOTICE, notices)


_USERS = select(schema.users.c.id, schema.users.c.roles)
_NOTICE = insert(schema.notices)
_OUTBOX_ROW = update(schema.outbox).where(schema.outbox.c.id == bindparam("message_id"))
"""Statements built once (building one costs more than running it); the outbox row's
update sets the columns named by its parameters besides ``message_id``."""


@dataclass
class DeliveryReport:
    """What one pass of the sender did."""

    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    dead: list[str] = field(default_factory=list)


@dataclass
class Pass:
    """One pass of the sender: what came back, and the outcomes waiting to be recorded."""

    ctx: NodeContext
    transport: Transport
    directory: Any
    me: str
    rng: Callable[[], float]
    report: DeliveryReport = field(default_factory=DeliveryReport)
    stale: bool = False
    refreshed: bool = False
    waiting: list[Callable[[Connection], None]] = field(default_factory=list)
    durable: bool = False
    """Whether an outcome waiting to be recorded must reach the disk (a rejection, a dead letter)."""

    def settle(self, posted: posting.Posted) -> None:
        """Take what came back for one message: delivered, retried or rejected."""
        row = posted.row
        if posted.error is not None:
            self.retry(row, posted.error)
            return
        now = self.ctx.clock()
        outcome = posting.receipt(posted.text, row["id"], self.directory, self.me, now)
        if (
            outcome is None
            and not self.refreshed
            and posting.unknown_signer(posted.text, self.directory, now)
        ):
            self.refreshed = True  # the receiver rotated its key: once per pass
            self.directory = refreshed_directory(self.ctx, self.transport) or self.directory
            outcome = posting.receipt(
                posted.text, row["id"], self.directory, self.me, self.ctx.clock()
            )
        if outcome is None:
            self.retry(row, f"HTTP {posted.status}: no valid signed receipt")
        elif outcome.outcome in ("accepted", "duplicate"):
            self.waiting.append(lambda conn: _delivered(self.ctx, conn, row, posted.text))
            self.report.delivered.append(row["id"])
        elif outcome.reason in RETRYABLE:
            self.retry(row, f"rejected ({outcome.reason}): {outcome.detail}")
            self.stale = self.stale or outcome.reason == "cannot_decrypt"
        else:
            self.waiting.append(lambda conn: _rejected(self.ctx, conn, row, posted.text, outcome))
            self.durable = True
            self.report.rejected.append(row["id"])

    def settle_all(self, batch: list[posting.Posted]) -> None:
        """Take what came back for a batch, and record it in one transaction."""
        for posted in batch:
            self.settle(posted)
        self.record()

    def retry(self, row: Any, error: str) -> None:
        """Try the message again after its backoff."""
        self.waiting.append(lambda conn: _retry(self.ctx, conn, row, error, self.rng))
        self.report.retrying.append(row["id"])

    def dead(self, row: Any, why: str) -> None:
        """A dead letter: never delivered."""
        self.waiting.append(lambda conn: _dead(self.ctx, conn, row, why))
        self.durable = True
        self.report.dead.append(row["id"])

    def record(self) -> None:
        """Record the outcomes waiting, in one transaction.

        Deliveries and retries only: committed without a disk flush (a lost one is a
        repeat, answered as a duplicate). With a rejection or a dead letter: durably.
        """
        if not self.waiting:
            return
        engine = self.ctx.engine
        with engine.begin() if self.durable else lease_transaction(engine) as conn:
            for write in self.waiting:
                write(conn)
        self.waiting.clear()
        self.durable = False


def refreshed_directory(ctx: NodeContext, transport: Transport) -> Any:
    """The directory fetched again from the hub, or None when that failed."""
    try:
        return network_directory.refresh(ctx, transport)
    except (TransportError, UserInputError):
        return None


def _delivered(ctx: NodeContext, conn: Connection, row: Any, receipt: str) -> None:
    conn.execute(
        _OUTBOX_ROW,
        {
            "message_id": row["id"],
            "status": "delivered",
            "receipt": receipt,
            "delivered_at": ctx.clock(),
            "attempts": row["attempts"] + 1,
            "last_error": None,
        },
    )


def _retry(
    ctx: NodeContext, conn: Connection, row: Any, error: str, rng: Callable[[], float]
) -> None:
    conn.execute(
        _OUTBOX_ROW,
        {
            "message_id": row["id"],
            "attempts": row["attempts"] + 1,
            "next_attempt_at": ctx.clock() + backoff(row["attempts"], rng),
            "last_error": error[:2000],
        },
    )


def _rejected(ctx: NodeContext, conn: Connection, row: Any, receipt: str, outcome: Receipt) -> None:
    now = ctx.clock()
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


def _dead(ctx: NodeContext, conn: Connection, row: Any, why: str) -> None:
    now = ctx.clock()
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
    audit(conn, now, "network", "network.dead_letter", obj=row["id"], outcome="failed", reason=why)
