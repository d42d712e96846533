"""Case work: cases, orders, evidence and its custody log, protected persons and property.

With each: cases' notes, orders' events and the signed custody checkpoints.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from uncc.adapters.db.schema.base import metadata

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
    Column("request_id", String(36), ForeignKey("conversations.id"), index=True),
)
"""Orders; ``request_id``: the request received from another State that the order answers."""

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
    Column("evidence_id", String(32), nullable=False, index=True),
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

custody_states = Table(
    "custody_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("format", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("root", String(64), nullable=False),
    Column("digest", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("key_id", String(16), nullable=False),
    Column("signature", String(128), nullable=False),
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

proceeds_flows = Table(
    "proceeds_flows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("cases.id"), nullable=False, index=True),
    Column("basis", String(200), nullable=False),
    Column("model", String(20), nullable=False),
    Column("items", JSON, nullable=False),
    Column("flow", JSON, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
"""Each ledger traced for a case: its accounts, transfers and proceeds per model (the picture),
the currency, and the property items registered from it."""

documents = Table(
    "documents",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("object", String(64), nullable=False, index=True),
    Column("format", String(8), nullable=False),
    Column("file_sha256", String(64), nullable=False, index=True),
    Column("content", JSON, nullable=False),
    Column("confidential", Boolean, nullable=False, default=False),
    Column("issued_by", String(64), nullable=False),
    Column("issued_at", DateTime(timezone=True), nullable=False),
)
"""Every document printed (an order, a request, an admissibility report): its
verification code (the SHA-256 of its canonical content), the file's SHA-256, and the
content itself, so that a receiver can check a printed copy against what was issued."""
