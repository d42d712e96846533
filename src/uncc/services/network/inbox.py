"""Receiving: verify, refuse or accept, apply each message's effect exactly once and in order.

A message is stored in the inbox and its effect applied in one transaction, keyed by the
message id: however often it arrives, the effect happens once, and every arrival gets a
signed receipt (``accepted``, ``duplicate`` or ``rejected`` with a reason code). Within a
conversation, messages from one sender take effect in ``seq`` order; one that arrives
early is held until the gap is filled. The effect of each message type is looked up in
``ctx.handlers``, the table the composition root builds (``uncc.bootstrap``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Connection, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain.directory import Directory
from uncc.domain.envelope import Envelope, EnvelopeError, Rejection, parse
from uncc.domain.messages import Receipt
from uncc.errors import UnccError
from uncc.services.context import NodeContext, audit, serialise
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import traffic
from uncc.services.network.binding import bind
from uncc.services.network.envelopes import claimed, digest, payload_of, seal
from uncc.services.network.handoff import HandOff, handing_off
from uncc.services.network.sealing import open_message

STATUS = {
    Rejection.MALFORMED: 400,
    Rejection.UNKNOWN_SENDER: 401,
    Rejection.BAD_SIGNATURE: 401,
    Rejection.SENDER_MISMATCH: 401,
    Rejection.MISADDRESSED: 421,
    Rejection.EXPIRED: 422,
    Rejection.NOT_YET_VALID: 422,
    Rejection.REPLAY: 409,
    Rejection.UNKNOWN_TYPE: 422,
    Rejection.INVALID_BODY: 422,
    Rejection.CONVERSATION_EXISTS: 409,
    Rejection.UNKNOWN_CONVERSATION: 404,
    Rejection.NOT_A_PARTY: 403,
    Rejection.WRONG_DIRECTION: 403,
    Rejection.UNFIT_ANSWER: 422,
    Rejection.NOT_ENCRYPTED: 422,
    Rejection.CANNOT_DECRYPT: 422,
    Rejection.ROUTING_MISMATCH: 401,
}
RECEIPT_TTL = dt.timedelta(days=1)
log = logging.getLogger("uncc.network")


def receive(
    ctx: NodeContext,
    token: str,
    *,
    refresh: Callable[[], object] | None = None,
    hand_off: HandOff | None = None,
) -> tuple[int, str]:
    """Take a message in; the HTTP status and the signed receipt.

    ``refresh`` fetches a newer directory; it is called once when the signing key is
    unknown (a new member, or a key just rotated), before the message is refused.
    ``hand_off``: this process's running sender; what the message's effect queues (an
    acknowledgment) is claimed for it at birth and handed to it as soon as the effect
    is committed, before the receipt is signed (``handoff``).
    """
    token = token.strip()
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        directory = network_directory.directory(conn)
    try:
        signed, envelope = open_checked(ctx, token, directory, me, refresh)
    except EnvelopeError as exc:
        return refuse(ctx, me, token, exc)
    try:  # the inner signed message is kept: the sender's word, in the clear, for the record
        return _accept(ctx, me, signed, envelope, hand_off)
    except IntegrityError:  # the same message arrived twice at the same moment
        return _accept(ctx, me, signed, envelope, hand_off)


def open_checked(
    ctx: NodeContext,
    token: str,
    directory: Directory,
    me: str,
    refresh: Callable[[], object] | None,
) -> tuple[str, Envelope]:
    """(the inner signed token, its envelope) of a posted message, every check made.

    An unknown signing key makes one directory refresh (``refresh``, when given and
    allowed now) before the message is refused.

    Raises:
        EnvelopeError: the message is refused (the reason says why).
    """
    try:
        return open_message(ctx, token, directory=directory, me=me, now=ctx.clock())
    except EnvelopeError as exc:
        if exc.reason is not Rejection.UNKNOWN_SENDER or refresh is None:
            raise
        if not _refreshed(ctx, refresh):
            raise
    with ctx.engine.connect() as conn:
        directory = network_directory.directory(conn)
    return open_message(ctx, token, directory=directory, me=me, now=ctx.clock())


def _refreshed(ctx: NodeContext, refresh: Callable[[], object]) -> bool:
    """Fetch the directory for an unknown key id, at most once per interval; True if done."""
    if not traffic.may_refresh(ctx):
        return False
    try:
        refresh()
    except UnccError as exc:  # the hub is down or sent a directory we refuse
        log.warning("directory refresh for an unknown key id failed: %s", exc)
        return False
    return True


def _accept(
    ctx: NodeContext, me: str, token: str, envelope: Envelope, hand_off: HandOff | None
) -> tuple[int, str]:
    with (
        ctx.engine.begin() as conn,
        handing_off(conn, enabled=hand_off is not None) as handed,
    ):
        outcome, error = store(ctx, conn, token, envelope)
        key = ctx.key(conn)  # for the receipt: no connection of its own after the commit
    if hand_off is not None and handed:  # committed: posted while the receipt is signed
        hand_off(handed)
    return answer(ctx, me, envelope, outcome, error, key=key)


def answer(
    ctx: NodeContext,
    me: str,
    envelope: Envelope,
    outcome: str,
    error: EnvelopeError | None,
    *,
    key: NodeKey | None = None,
) -> tuple[int, str]:
    """The HTTP status and the signed receipt for a message stored (or refused) by ``store``.

    ``key``: the node's signing key when the caller already read it.
    """
    status = 200 if error is None else STATUS[error.reason]
    return status, _receipt(ctx, me, envelope.sender, envelope, outcome, error=error, key=key)


def store(
    ctx: NodeContext, conn: Connection, token: str, envelope: Envelope
) -> tuple[str, EnvelopeError | None]:
    """Store a verified message and apply what is ready, in the caller's transaction.

    The outcome ('accepted', 'duplicate' or 'rejected') and, for a rejection, why (it
    is audited under the sender, whose signature held).
    """
    payload_digest = digest(token)
    now = ctx.clock()
    existing = conn.execute(_DIGEST, {"message_id": envelope.id}).first()
    if existing is not None:
        if existing.digest == payload_digest:
            return "duplicate", None
        error = EnvelopeError(
            Rejection.REPLAY, f"message id {envelope.id} was already used for another message"
        )
        audit(
            conn,
            now,
            f"network:{envelope.sender}",
            "network.receive",
            obj=envelope.id,
            outcome="refused",
            reason="replay",
        )
        return "rejected", error
    try:
        bind(conn, envelope)
    except EnvelopeError as error:
        audit(
            conn,
            now,
            f"network:{envelope.sender}",
            "network.receive",
            obj=envelope.id,
            outcome="refused",
            reason=error.reason.value,
            conversation=envelope.conversation,
            detail=error.detail[:500],
        )
        return "rejected", error
    conn.execute(
        _STORE,
        {
            "id": envelope.id,
            "sender": envelope.sender,
            "conversation": envelope.conversation,
            "seq": envelope.seq,
            "type": envelope.type,
            "digest": payload_digest,
            "token": token,
            "received_at": now,
            "status": "held",
        },
    )
    _apply_ready(ctx, conn, envelope.sender, envelope.conversation)
    return "accepted", None


def _apply_ready(ctx: NodeContext, conn: Connection, sender: str, conversation: str) -> None:
    """Apply held messages of the conversation, in seq order, while there is no gap.

    One transaction at a time per conversation, so that a message committed by another
    transaction meanwhile is seen (and applied) by the next one.
    """
    serialise(conn, f"inbox:{sender}:{conversation}")
    key = {"from_state": sender, "in_conversation": conversation}
    applied = conn.execute(_APPLIED, key).scalar() or 0
    while True:
        row = conn.execute(_HELD, {**key, "next_seq": applied + 1}).first()
        if row is None:
            return
        envelope = parse(payload_of(row.token))
        conn.execute(
            _THREAD,
            {
                "conversation": envelope.conversation,
                "message": envelope.id,
                "sender": envelope.sender,
                "direction": "in",
                "type": envelope.type,
                "at": ctx.clock(),
                "body": envelope.body,
            },
        )
        handler = ctx.handlers.get(envelope.type)
        if handler is not None:
            handler(ctx, conn, envelope)
        conn.execute(_APPLY, {"message_id": row.id, "status": "applied", "applied_at": ctx.clock()})
        applied += 1


# Statements of the receiving path, built once: building one costs more than running it.
_DIGEST = select(schema.inbox.c.digest).where(schema.inbox.c.id == bindparam("message_id"))
_STORE = insert(schema.inbox)
_THREAD = insert(schema.thread)
_SAME_TALK = (
    schema.inbox.c.sender == bindparam("from_state"),
    schema.inbox.c.conversation == bindparam("in_conversation"),
)
_APPLIED = select(func.max(schema.inbox.c.seq)).where(
    *_SAME_TALK, schema.inbox.c.status == "applied"
)
_HELD = select(schema.inbox.c.id, schema.inbox.c.token).where(
    *_SAME_TALK, schema.inbox.c.seq == bindparam("next_seq"), schema.inbox.c.status == "held"
)
_APPLY = update(schema.inbox).where(schema.inbox.c.id == bindparam("message_id"))


def refuse(ctx: NodeContext, me: str, token: str, exc: EnvelopeError) -> tuple[int, str]:
    """Refuse a message: audited under its verified signer, only counted without one."""
    data = exc.envelope or claimed(token)
    if exc.signer is None:
        traffic.count_refused(ctx, exc.reason.value)
        sender = str(data.get("sender") or "unknown")
    else:
        sender = exc.signer
        with ctx.engine.begin() as conn:
            audit(
                conn,
                ctx.clock(),
                f"network:{exc.signer}",
                "network.receive",
                obj=str(data.get("id") or "?")[:80],
                outcome="refused",
                reason=exc.reason.value,
                detail=exc.detail[:500],
            )
    reply = Envelope(
        type="receipt",
        sender=me,
        recipient=sender[:40],
        body=Receipt(
            message=str(data.get("id") or "unknown"),
            outcome="rejected",
            reason=exc.reason.value,
            detail=exc.detail[:1000],
        ).model_dump(),
        created=ctx.clock(),
        expires=ctx.clock() + RECEIPT_TTL,
        conversation=str(data.get("conversation") or "none"),
        in_reply_to=str(data.get("id")) if data.get("id") else None,
    )
    return STATUS[exc.reason], seal(ctx, reply)


def _receipt(
    ctx: NodeContext,
    me: str,
    to: str,
    envelope: Envelope,
    outcome: str,
    *,
    error: EnvelopeError | None = None,
    key: NodeKey | None = None,
) -> str:
    body = Receipt(
        message=envelope.id,
        outcome=outcome,
        reason=error.reason.value if error else None,
        detail=error.detail if error else "",
    )
    reply = Envelope(
        type="receipt",
        sender=me,
        recipient=to,
        body=body.model_dump(exclude_none=True),
        created=ctx.clock(),
        expires=ctx.clock() + RECEIPT_TTL,
        conversation=envelope.conversation,
        in_reply_to=envelope.id,
    )
    return seal(ctx, reply, key)
