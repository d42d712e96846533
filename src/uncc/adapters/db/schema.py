"""The node's tables (SQLAlchemy Core). The Alembic migrations create exactly these."""

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
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

metadata = MetaData()

node = Table(
    "node",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("state", String(2), nullable=False),
    Column("name", String(200), nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("profile", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

node_keys = Table(
    "node_keys",
    metadata,
    Column("kid", String(16), primary_key=True),
    Column("public_key", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("retired_at", DateTime(timezone=True)),
)

users = Table(
    "users",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("roles", JSON, nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("totp_secret", LargeBinary),
    Column("totp_confirmed", Boolean, nullable=False, server_default=false()),
    Column("totp_step", BigInteger),
    Column("time_zone", String(64)),
    Column("email", String(254)),
    Column("language", String(16)),
)

tokens = Table(
    "tokens",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(10), nullable=False, server_default="api"),
    Column("last_used_at", DateTime(timezone=True)),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("last_failure_at", DateTime(timezone=True), nullable=False),
    Column("locked_until", DateTime(timezone=True)),
)

role_grants = Table(
    "role_grants",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", String(64), ForeignKey("users.id"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("status", String(12), nullable=False),
    Column("requested_by", String(64), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(64)),
    Column("decided_at", DateTime(timezone=True)),
)

cases = Table(
    "cases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", String(300), nullable=False),
    Column("status", String(20), nullable=False),
    Column("facts", JSON, nullable=False),
    Column("analysis", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

case_notes = Table(
    "case_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("author", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("power", String(60), nullable=False),
    Column("state", String(20), nullable=False),
    Column("offences", JSON, nullable=False),
    Column("targets", JSON, nullable=False),
    Column("grounds", Text, nullable=False),
    Column("scope", Text, nullable=False),
    Column("necessity", Text, nullable=False),
    Column("proportionality", Text, nullable=False),
    Column("duration_days", Integer),
    Column("confidential", String(40)),
    Column("requires_authorisation", Boolean, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("issued_at", DateTime(timezone=True)),
    Column("expires_at", DateTime(timezone=True)),
    Column("renewals", Integer, nullable=False, default=0),
    Column("authorised_by", String(64)),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("order_id", String(32), ForeignKey("orders.id"), nullable=False),
    Column("command", String(20), nullable=False),
    Column("from_state", String(20), nullable=False),
    Column("to_state", String(20), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

evidence = Table(
    "evidence",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("filename", String(500), nullable=False),
    Column("acquisition", JSON, nullable=False),
    Column("sealed", Boolean, nullable=False, default=False),
)

custody = Table(
    "custody",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("evidence_id", String(32), nullable=False),
    Column("leaf", LargeBinary, nullable=False),
    Column("leaf_hash", LargeBinary(32), nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("frontier", JSON),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("text", Text, nullable=False),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("user_id", String(64), index=True),
    Column("role", String(20), index=True),
    Column("kind", String(40), nullable=False),
    Column("object", String(80), nullable=False),
    Column("order_id", String(32)),
    Column("text", Text, nullable=False),
    Column("link", String(200), nullable=False),
    Column("mailed_at", DateTime(timezone=True)),
)

notification_reads = Table(
    "notification_reads",
    metadata,
    Column("notification_id", Integer, ForeignKey("notifications.id"), primary_key=True),
    Column("user_id", String(64), primary_key=True),
    Column("read_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object", String(80), nullable=False, default=""),
    Column("outcome", String(20), nullable=False),
    Column("details", JSON, nullable=False),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("value", Integer, nullable=False),
    UniqueConstraint("name"),
)

protected = Table(
    "protected_persons",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("pseudonym", String(40), nullable=False),
    Column("identity", LargeBinary, nullable=False),
    Column("views", Text, nullable=False, default=""),
    Column("claims", JSON, nullable=False),
    Column("measures", Text, nullable=False, default=""),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

property_items = Table(
    "property_items",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False),
    Column("account", String(200), nullable=False),
    Column("location", String(2)),
    Column("assessed", String(60), nullable=False),
    Column("model", String(20), nullable=False),
    Column("basis", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(20), nullable=False, server_default="traced"),
    Column("derived_from", String(32)),
    Column("held", String(60)),
    Column("description", String(500)),
)

# --- the I-24/7 network (Art. 56) -------------------------------------------------------

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

jit_teams = Table(
    "jit_teams",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("agreement", JSON, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("status", String(12), nullable=False),
    Column("case_id", String(40)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("agreed_at", DateTime(timezone=True)),
)
"""Joint investigation teams this node's State proposed or was invited to (CETS 224 Art. 12):
the agreement as signed, and this State's own case for it (never shared)."""

jit_signatures = Table(
    "jit_signatures",
    metadata,
    Column("team", String(40), ForeignKey("jit_teams.id"), primary_key=True),
    Column("state", String(2), primary_key=True),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
"""Each member's signature of its team's agreement."""

jit_entries = Table(
    "jit_entries",
    metadata,
    Column("team", String(40), ForeignKey("jit_teams.id"), primary_key=True),
    Column("author", String(2), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("entry", JSON, nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
"""The shared team log: each entry as its author signed it, chained per author."""

jit_pending = Table(
    "jit_pending",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team", String(40), nullable=False, index=True),
    Column("sender", String(2), nullable=False),
    Column("type", String(20), nullable=False),
    Column("body", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
"""Team messages that arrived before what they need (their team, a signature, an item);
taken up when it is kept, never part of the team log until then."""
