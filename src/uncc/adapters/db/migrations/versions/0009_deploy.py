"""The unique constraint on ``counters.name`` on PostgreSQL too.

PostgreSQL drops a UNIQUE that repeats the primary key inside ``CREATE TABLE``, so
migration 0001 left it out there while the schema declares it (SQLite kept it). Added
with ``ALTER TABLE``, PostgreSQL keeps it.

Revision ID: 0009_deploy
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_deploy"
down_revision = "0008"

NAME = "counters_name_key"


def _has_it() -> bool:
    found = sa.inspect(op.get_bind()).get_unique_constraints("counters")
    return any(c["column_names"] == ["name"] for c in found)


def upgrade() -> None:
    """Create the constraint where the database lacks it (PostgreSQL)."""
    if op.get_bind().dialect.name == "postgresql" and not _has_it():
        op.create_unique_constraint(NAME, "counters", ["name"])


def downgrade() -> None:
    """Drop it again on PostgreSQL (SQLite's came with the table)."""
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(NAME, "counters", type_="unique")
