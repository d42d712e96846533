"""What the receiver knows of a conversation id, to bind each message to its parties."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select

from uncc.adapters.db import schema
from uncc.domain.conversations import Seen, check_binding
from uncc.domain.envelope import Envelope


def seen(conn: Connection, envelope: Envelope) -> Seen:
    """The conversation as this node has it: tracked request, or who else used the id."""
    talk = {"talk": envelope.conversation}
    row = conn.execute(_TRACKED, talk).first()
    if row is not None:
        return Seen(row.kind, row.direction, row.peer, used=True)
    sent = conn.execute(_SENT, talk).first()
    if sent is not None:
        return Seen(peer=sent.recipient, used=True)
    earlier = conn.execute(_EARLIER, {**talk, "message_id": envelope.id}).first()
    if earlier is None:
        return Seen()
    # the sender's own earlier messages (e.g. a follow-up overtaking its request) do not
    # use the id up for it; anyone else's do
    return Seen(peer=earlier.sender, used=earlier.sender != envelope.sender)


_TRACKED = select(
    schema.conversations.c.kind, schema.conversations.c.direction, schema.conversations.c.peer
).where(schema.conversations.c.id == bindparam("talk"))
"""The tracked request of a conversation id (statements built once: building costs more than running)."""
_SENT = (
    select(schema.outbox.c.recipient)
    .where(schema.outbox.c.conversation == bindparam("talk"))
    .limit(1)
)
_EARLIER = (
    select(schema.inbox.c.sender)
    .where(
        schema.inbox.c.conversation == bindparam("talk"),
        schema.inbox.c.id != bindparam("message_id"),
    )
    .order_by(schema.inbox.c.received_at)
    .limit(1)
)


def bind(conn: Connection, envelope: Envelope) -> None:
    """Refuse a message that does not belong in its conversation (before it is stored).

    Raises:
        EnvelopeError: see ``uncc.domain.conversations.check_binding``.
    """
    check_binding(envelope, seen(conn, envelope))
