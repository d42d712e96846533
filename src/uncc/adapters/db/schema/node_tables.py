"""The node itself: its keys, users, sessions, role grants, notices and the audit trail.

Also the notifications, their reads and the id counters.
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
    UniqueConstraint,
    false,
)

from uncc.adapters.db.schema.base import metadata

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
