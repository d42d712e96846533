"""Art. 44 path tracing: a request may follow an earlier one (the previous hop it disclosed).

Revision ID: 0012_pathtrace
Revises: 0011_queue
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_pathtrace"
down_revision = "0011_queue"


def upgrade() -> None:
    """Add ``conversations.follows``: the request whose traffic disclosure this one follows.

    Unique: one follow-up request per disclosed hop, even when two desks click at once.
    """
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("follows", sa.String(length=36), nullable=True))
        batch.create_index("ix_conversations_follows", ["follows"], unique=True)


def downgrade() -> None:
    """Drop the link."""
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_follows")
        batch.drop_column("follows")
