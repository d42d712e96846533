"""Pictures and review: the flow of each traced ledger; custody entries found by item.

Revision ID: 0014_pictures
Revises: 0013_locale
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_pictures"
down_revision = "0013_locale"


def upgrade() -> None:
    """Add ``proceeds_flows`` and an index of the custody log by evidence item.

    The index serves an item's tags and annotations, replayed from its custody events.
    """
    op.create_table(
        "proceeds_flows",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("model", sa.String(length=20), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("flow", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_proceeds_flows_case_id"), "proceeds_flows", ["case_id"])
    op.create_index(op.f("ix_custody_evidence_id"), "custody", ["evidence_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index(op.f("ix_custody_evidence_id"), table_name="custody")
    op.drop_index(op.f("ix_proceeds_flows_case_id"), table_name="proceeds_flows")
    op.drop_table("proceeds_flows")
