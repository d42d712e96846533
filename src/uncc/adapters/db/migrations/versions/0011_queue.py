"""Notifications (in-app, mailed when SMTP is set up) and each user's time zone and e-mail.

Revision ID: 0011_queue
Revises: 0010_lawdata
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_queue"
down_revision = "0010_lawdata"


def upgrade() -> None:
    """Add the notification tables and the users' time zone and e-mail address."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(64)))
        batch.add_column(sa.Column("email", sa.String(254)))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(64)),
        sa.Column("role", sa.String(20)),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("object", sa.String(80), nullable=False),
        sa.Column("order_id", sa.String(32)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(200), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"])
    op.create_index(op.f("ix_notifications_role"), "notifications", ["role"])
    op.create_table(
        "notification_reads",
        sa.Column("notification_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["notification_id"], ["notifications.id"]),
        sa.PrimaryKeyConstraint("notification_id", "user_id"),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("notification_reads")
    op.drop_index(op.f("ix_notifications_role"), table_name="notifications")
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
        batch.drop_column("time_zone")
