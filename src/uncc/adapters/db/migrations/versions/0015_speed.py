"""Escalation over one indexed column: when each open request next needs a look.

Revision ID: 0015_speed
Revises: 0014_pictures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_speed"
down_revision = "0014_pictures"


def upgrade() -> None:
    """Add ``conversations.escalate_at`` (indexed), the earliest deadline still to watch.

    Filled for every open request with its earlier deadline: an early value only costs
    one look (the escalation pass moves it on), a late one would miss an escalation.
    """
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_conversations_escalate_at", ["escalate_at"])
    op.execute(
        "UPDATE conversations SET escalate_at = CASE WHEN acknowledge_by < answer_by "
        "THEN acknowledge_by ELSE answer_by END "
        "WHERE status NOT IN ('answered', 'refused')"
    )


def downgrade() -> None:
    """Drop the column."""
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_escalate_at")
        batch.drop_column("escalate_at")
