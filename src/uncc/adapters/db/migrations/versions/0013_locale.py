"""Each user's language for the web pages.

Revision ID: 0013_locale
Revises: 0012_pathtrace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_locale"
down_revision = "0012_pathtrace"


def upgrade() -> None:
    """Add ``users.language`` (``en``, ``fr``…; empty: the browser's, else the node's)."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("language", sa.String(16)))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("language")
