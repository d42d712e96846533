"""Property items record how they hold proceeds: traced, intermingled, converted, income.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    """Add the kind (Art. 50(4)–(6)), the item it derives from, and the balance held."""
    with op.batch_alter_table("property_items") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="traced"))
        batch.add_column(sa.Column("derived_from", sa.String(32)))
        batch.add_column(sa.Column("held", sa.String(60)))
        batch.add_column(sa.Column("description", sa.String(500)))


def downgrade() -> None:
    """Drop the columns."""
    with op.batch_alter_table("property_items") as batch:
        batch.drop_column("description")
        batch.drop_column("held")
        batch.drop_column("derived_from")
        batch.drop_column("kind")
