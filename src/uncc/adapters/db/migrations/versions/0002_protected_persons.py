"""Protected witnesses, victims and cooperating offenders (Arts. 52-55).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    """Create the table of protected persons (identities encrypted)."""
    op.create_table(
        "protected_persons",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("identity", sa.LargeBinary, nullable=False),
        sa.Column("views", sa.Text, nullable=False),
        sa.Column("claims", sa.JSON, nullable=False),
        sa.Column("measures", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("protected_persons")
