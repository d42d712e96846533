"""Printed documents with their verification codes.

Revision ID: 0016_threads
Revises: 0015_speed
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_threads"
down_revision = "0015_speed"


def upgrade() -> None:
    """Add ``documents``: each printed document's code, file hash and content."""
    op.create_table(
        "documents",
        sa.Column("code", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("object", sa.String(64), nullable=False),
        sa.Column("format", sa.String(8), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.JSON, nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("issued_by", sa.String(64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_documents_object", "documents", ["object"])
    op.create_index("ix_documents_file_sha256", "documents", ["file_sha256"])


def downgrade() -> None:
    """Drop it."""
    op.drop_table("documents")
