"""The I-24/7 network: directory, outbox, inbox, conversations, experts, deconfliction.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

TABLES = (
    "node_keys",
    "deconfliction_keys",
    "hits",
    "filters",
    "selectors",
    "experts",
    "thread",
    "conversations",
    "inbox",
    "outbox",
    "members",
    "network",
)


def upgrade() -> None:
    """Create the network's tables; the node's key history starts with its current key."""
    op.create_table(
        "node_keys",
        sa.Column("kid", sa.String(16), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.execute(
        "INSERT INTO node_keys (kid, public_key, created_at) "
        "SELECT key_id, public_key, created_at FROM node"
    )
    with op.batch_alter_table("checkpoints") as batch:  # the tree's frontier: O(log n) appends
        batch.add_column(sa.Column("frontier", sa.JSON(), nullable=True))
    op.create_table(
        "deconfliction_keys",
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("sealed_key", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("epoch"),
    )
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("peer", sa.String(length=2), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=True),
        sa.Column("order_id", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledge_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated", sa.JSON(), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "experts",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("expertise", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("time_zone", sa.String(length=60), nullable=False),
        sa.Column("schedule", sa.JSON(), nullable=False),
        sa.Column("channel", sa.String(length=300), nullable=False),
        sa.Column("clearance", sa.String(length=40), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "filters",
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("filter", sa.LargeBinary(), nullable=False),
        sa.Column("hashes", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_table(
        "hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "state", "tag"),
    )
    op.create_table(
        "inbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sender", sa.String(length=2), nullable=False),
        sa.Column("conversation", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_inbox_conversation"), "inbox", ["conversation"], unique=False)
    op.create_index(
        "ix_inbox_order", "inbox", ["sender", "conversation", "status", "seq"], unique=False
    )
    op.create_table(
        "members",
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state"),
    )
    op.create_table(
        "network",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("endpoint", sa.String(length=300), nullable=False),
        sa.Column("hub_state", sa.String(length=2), nullable=False),
        sa.Column("hub_endpoint", sa.String(length=300), nullable=False),
        sa.Column("hub_key", sa.String(length=64), nullable=False),
        sa.Column("directory_token", sa.Text(), nullable=True),
        sa.Column("directory_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("conversation", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=2), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation", "recipient", "seq"),
    )
    op.create_index(op.f("ix_outbox_conversation"), "outbox", ["conversation"], unique=False)
    op.create_index(op.f("ix_outbox_status"), "outbox", ["status"], unique=False)
    op.create_table(
        "thread",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation", sa.String(length=36), nullable=False),
        sa.Column("message", sa.String(length=36), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_thread_conversation"), "thread", ["conversation"], unique=False)
    op.create_table(
        "selectors",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id", "kind", "value"),
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("checkpoints") as batch:
        batch.drop_column("frontier")
    for name in TABLES:
        op.drop_table(name)
