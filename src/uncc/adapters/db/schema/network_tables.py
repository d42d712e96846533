"""The I-24/7 network (Art. 56): members, messages, conversations, experts and witnesses.

The outbox and inbox, threads, deconfliction filters and hits, custody witnessing.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from uncc.adapters.db.schema.base import metadata

network = Table(
    "network",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("role", String(10), nullable=False),
    Column("endpoint", String(300), nullable=False),
    Column("hub_state", String(2), nullable=False),
    Column("hub_endpoint", String(300), nullable=False),
    Column("hub_key", String(64), nullable=False),
    Column("directory_token", Text),
    Column("directory_version", Integer, nullable=False, default=0),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

members = Table(
    "members",
    metadata,
    Column("state", String(2), primary_key=True),
    Column("entry", JSON, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("conversation", String(36), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("recipient", String(2), nullable=False),
    Column("type", String(40), nullable=False),
    Column("token", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False, index=True),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text),
    Column("receipt", Text),
    Column("delivered_at", DateTime(timezone=True)),
    UniqueConstraint("conversation", "recipient", "seq"),
)

inbox = Table(
    "inbox",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("sender", String(2), nullable=False),
    Column("conversation", String(36), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("type", String(40), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("token", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),
    Column("applied_at", DateTime(timezone=True)),
    Index("ix_inbox_order", "sender", "conversation", "status", "seq"),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("peer", String(2), nullable=False),
    Column("direction", String(3), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("urgency", String(20), nullable=False),
    Column("reference", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("case_id", String(32)),
    Column("order_id", String(32)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("acknowledge_by", DateTime(timezone=True), nullable=False),
    Column("answer_by", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("answered_at", DateTime(timezone=True)),
    Column("escalated", JSON, nullable=False),
    Column("request", JSON, nullable=False),
    Column("confidential", Boolean, nullable=False),
    Column("follows", String(36), index=True, unique=True),
    # the request whose traffic disclosure revealed the hop this one asks about (Art. 44)
    Column("escalate_at", DateTime(timezone=True), index=True),
    # the earliest deadline still to watch (None: nothing left to escalate)
)

thread = Table(
    "thread",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation", String(36), nullable=False, index=True),
    Column("message", String(36), nullable=False),
    Column("sender", String(2)),
    Column("direction", String(3), nullable=False),
    Column("type", String(40), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("body", JSON, nullable=False),
)

hub_rotations = Table(
    "hub_rotations",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("statement", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

fetch_nonces = Table(
    "fetch_nonces",
    metadata,
    Column("nonce", String(64), primary_key=True),
    Column("requester", String(2), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
)

network_counters = Table(
    "network_counters",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("at", DateTime(timezone=True)),
)

experts = Table(
    "experts",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("state", String(2), nullable=False),
    Column("name", String(200), nullable=False),
    Column("expertise", JSON, nullable=False),
    Column("languages", JSON, nullable=False),
    Column("time_zone", String(60), nullable=False),
    Column("schedule", JSON, nullable=False),
    Column("channel", String(300), nullable=False),
    Column("clearance", String(40), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

selectors = Table(
    "selectors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("value", String(300), nullable=False),
    UniqueConstraint("case_id", "kind", "value"),
)

filters = Table(
    "filters",
    metadata,
    Column("state", String(2), primary_key=True),
    Column("epoch", Integer, nullable=False),
    Column("filter", LargeBinary, nullable=False),
    Column("hashes", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

hits = Table(
    "hits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), nullable=False),
    Column("state", String(2), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("tag", String(64), nullable=False),
    Column("conversation", String(36), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("case_id", "state", "tag"),
)

deconfliction_keys = Table(
    "deconfliction_keys",
    metadata,
    Column("epoch", Integer, primary_key=True),
    Column("sealed_key", LargeBinary, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)

witnessed = Table(
    "witnessed",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(2), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("root", String(64), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_witnessed_state_size", "state", "size"),
)
"""At a witness: every custody head of a member it cosigned (the note with its cosignature)."""

witness_conflicts = Table(
    "witness_conflicts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(2), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("reported_by", String(2), nullable=False),
    Column("held", Text, nullable=False),
    Column("offered", Text, nullable=False),
    Column("proof", JSON, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("hub_alerted", Boolean, nullable=False, default=False),
)
"""At a witness or the hub: the evidence of a member's rollback or fork (two signed heads)."""

custody_witnesses = Table(
    "custody_witnesses",
    metadata,
    Column("witness", String(2), primary_key=True),
    Column("note", Text),
    Column("size", BigInteger),
    Column("cosigned_at", DateTime(timezone=True)),
    Column("attempted_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)
"""At a member: the witnesses it sends its heads to, and the newest head each cosigned."""
