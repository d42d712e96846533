"""Joint investigation teams: the agreements, their signatures and the shared team log.

Revision ID: 0010_lawdata
Revises: 0009_deploy
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_lawdata"
down_revision = "0009_deploy"


def upgrade() -> None:
    """Add the tables of joint investigation teams."""
    op.create_table(
        "jit_teams",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("agreement", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "jit_signatures",
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team"], ["jit_teams.id"]),
        sa.PrimaryKeyConstraint("team", "state"),
    )
    op.create_table(
        "jit_entries",
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("author", sa.String(length=2), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team"], ["jit_teams.id"]),
        sa.PrimaryKeyConstraint("team", "author", "seq"),
        sa.UniqueConstraint("digest"),
    )
    op.create_table(
        "jit_pending",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team", sa.String(length=40), nullable=False),
        sa.Column("sender", sa.String(length=2), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_jit_pending_team"), "jit_pending", ["team"], unique=False)


def downgrade() -> None:
    """Drop them."""
    op.drop_index(op.f("ix_jit_pending_team"), table_name="jit_pending")
    op.drop_table("jit_pending")
    op.drop_table("jit_entries")
    op.drop_table("jit_signatures")
    op.drop_table("jit_teams")
