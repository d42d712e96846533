"""Joint investigation teams: agreements, signatures, the shared log and held messages."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from uncc.adapters.db.schema.base import metadata

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
