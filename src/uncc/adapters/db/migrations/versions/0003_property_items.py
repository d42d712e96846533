"""The proceeds register: property items traced to offences (Art. 50).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    """Create the register."""
    op.create_table(
        "property_items",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("account", sa.String(200), nullable=False),
        sa.Column("location", sa.String(2)),
        sa.Column("assessed", sa.String(60), nullable=False),
        sa.Column("model", sa.String(20), nullable=False),
        sa.Column("basis", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("property_items")
