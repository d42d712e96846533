"""Signed snapshots (digests) of the custody items' replayed state.

Revision ID: 0017_vault
Revises: 0016_threads
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_vault"
down_revision = "0016_threads"


def upgrade() -> None:
    """Add ``custody_states``: the items' state after a clean full verify, signed (a digest)."""
    op.create_table(
        "custody_states",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("format", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("root", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("custody_states")
