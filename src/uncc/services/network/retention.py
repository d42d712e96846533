"""Retention of received messages (handling.retention_days): flagged when it ends, then decided.

A received message may be kept ``retention_days`` after it was created. Past that, it is
flagged for deletion; an administrator decides, with a reason, either to delete its
content (the message stays as a trace — who sent what kind of message when — but its
body, and the request copy of its conversation, are erased) or to keep it for a stated
number of days more. Each decision is in the audit trail. Evidence taken into the vault
from a flagged transfer is named in the flag; its disposal follows the vault's own rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from uncc.adapters.db import schema
from uncc.domain.envelope import MAX_RETENTION_DAYS, RETENTION_DAYS
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, serialise
from uncc.services.network.envelopes import payload_of
from uncc.services.network.onward import ERASED
from uncc.services.network.outbox import alert

DECISION = "network.retention"
FLAGGED = "network.retention_flagged"


@dataclass(frozen=True)
class Flag:
    """A received message past its retention, waiting for a decision."""

    message: str
    sender: str
    type: str
    conversation: str
    created: dt.datetime
    retain_until: dt.datetime
    evidence: list[str]


def _kept_until(conn: Connection) -> dict[str, dt.datetime]:
    """Message → the latest 'keep until' decided for it."""
    kept: dict[str, dt.datetime] = {}
    for row in conn.execute(
        select(schema.audit.c.object, schema.audit.c.details)
        .where(schema.audit.c.action == DECISION, schema.audit.c.outcome == "kept")
        .order_by(schema.audit.c.seq)
    ):
        kept[row.object] = dt.datetime.fromisoformat(str((row.details or {})["until"]))
    return kept


def _evidence_from(conn: Connection, message: str) -> list[str]:
    return [
        str((row.details or {}).get("evidence"))
        for row in conn.execute(
            select(schema.audit.c.details).where(
                schema.audit.c.action == "network.evidence_accepted",
                schema.audit.c.outcome == "ok",
            )
        )
        if str((row.details or {}).get("message_item", "")).startswith(message + "/")
    ]


def _flags(conn: Connection, now: dt.datetime) -> list[Flag]:
    kept = _kept_until(conn)
    found: list[Flag] = []
    rows = conn.execute(
        select(schema.inbox)
        .where(schema.inbox.c.status == "applied")
        .order_by(schema.inbox.c.received_at)
    ).mappings()
    for row in rows:
        if row["token"] == ERASED:
            continue
        data = payload_of(row["token"])
        created = dt.datetime.fromisoformat(str(data["created"]).replace("Z", "+00:00"))
        days = (data.get("handling") or {}).get("retention_days", RETENTION_DAYS)
        until = max(created + dt.timedelta(days=days), kept.get(row["id"], created))
        if until <= now:
            found.append(
                Flag(
                    row["id"],
                    row["sender"],
                    row["type"],
                    row["conversation"],
                    created,
                    until,
                    _evidence_from(conn, row["id"]),
                )
            )
    return found


def flagged(ctx: NodeContext, who: Principal) -> list[Flag]:
    """Received messages past their retention, oldest first."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        return _flags(conn, ctx.clock())


def notify(ctx: NodeContext) -> int:
    """Tell the desk once about each message newly past its retention; how many were new."""
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        told = {
            (row.object, (row.details or {}).get("until"))
            for row in conn.execute(
                select(schema.audit.c.object, schema.audit.c.details).where(
                    schema.audit.c.action == FLAGGED
                )
            )
        }
        new = [f for f in _flags(conn, now) if (f.message, f.retain_until.isoformat()) not in told]
        for flag in new:
            alert(
                conn,
                now,
                f"{flag.type} {flag.message} from {flag.sender} is past its retention ({flag.retain_until.date()}): "
                f"decide with 'uncc handling decide {flag.message} --delete|--keep-days N --reason …'",
            )
            audit(
                conn,
                now,
                "network",
                FLAGGED,
                obj=flag.message,
                outcome="flagged",
                until=flag.retain_until.isoformat(),
            )
    return len(new)


def decide(
    ctx: NodeContext,
    who: Principal,
    message: str,
    *,
    delete: bool,
    reason: str,
    keep_days: int | None = None,
) -> str:
    """Delete a flagged message's content, or keep it ``keep_days`` more; audited. The outcome.

    Raises:
        UserInputError: no reason, or keeping without a valid number of days.
        NotFoundError: no such received message.
        ConflictError: the message is not past its retention.
    """
    require(who.roles, Action.NETWORK_ADMIN)
    if not reason.strip():
        raise UserInputError("--reason: say why (the decision is audited)")
    if not delete and (keep_days is None or not 1 <= keep_days <= MAX_RETENTION_DAYS):
        raise UserInputError(f"--keep-days: a whole number of days from 1 to {MAX_RETENTION_DAYS}")
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        serialise(conn, f"retention:{message}")  # two decisions on one message: one after the other
        if (
            conn.execute(select(schema.inbox.c.id).where(schema.inbox.c.id == message)).first()
            is None
        ):
            raise NotFoundError(f"no received message {message}")
        flag = next((f for f in _flags(conn, now) if f.message == message), None)
        if flag is None:
            raise ConflictError(f"{message} is not past its retention: nothing to decide")
        if delete:
            _erase(conn, flag, f"erased at the end of its retention ({now.date()}): {reason}")
            outcome, details = "deleted", {"evidence_in_vault": ", ".join(flag.evidence)}
        else:
            until = now + dt.timedelta(days=keep_days or 0)  # checked above: 1 to 3650
            outcome, details = "kept", {"until": until.isoformat()}
        audit(
            conn,
            now,
            who.user,
            DECISION,
            obj=message,
            outcome=outcome,
            reason=reason,
            sender=flag.sender,
            type=flag.type,
            retain_until=flag.retain_until.isoformat(),
            **details,
        )
    return outcome


def _erase(conn: Connection, flag: Flag, note: str) -> None:
    """The message's content goes; its trace (id, sender, type, digest, times) stays."""
    conn.execute(update(schema.inbox).where(schema.inbox.c.id == flag.message).values(token=ERASED))
    conn.execute(
        update(schema.thread)
        .where(schema.thread.c.message == flag.message)
        .values(body={"erased": note})
    )
    first = conn.execute(
        select(schema.inbox.c.id)
        .where(
            schema.inbox.c.conversation == flag.conversation,
            schema.inbox.c.sender == flag.sender,
        )
        .order_by(schema.inbox.c.seq)
        .limit(1)
    ).scalar()
    if first == flag.message:  # the request itself: its copy on the conversation goes too
        conn.execute(
            update(schema.conversations)
            .where(schema.conversations.c.id == flag.conversation)
            .values(request={"erased": note})
        )
