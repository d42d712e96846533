"""An order drafted for a received request names it: ``orders.request_id``.

Revision ID: 0018_orderlink
Revises: 0017_vault
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_orderlink"
down_revision = "0017_vault"

_BACKFILL = (
    "UPDATE orders SET request_id = (SELECT c.id FROM conversations c "
    "WHERE c.order_id = orders.id AND c.direction = 'in' ORDER BY c.created_at LIMIT 1) "
    "WHERE id IN (SELECT order_id FROM conversations WHERE direction = 'in' AND order_id IS NOT NULL)"
)
"""The orders drafted for a received request before this revision (the request's ``order_id``)."""


def upgrade() -> None:
    """Add ``orders.request_id`` (a received request, indexed) and fill it for existing drafts.

    SQLite adds the column with its reference in place (its ALTER TABLE cannot add a
    constraint afterwards, and rebuilding ``orders`` would orphan its events).
    """
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE orders ADD COLUMN request_id VARCHAR(36) REFERENCES conversations (id)"
        )
    else:
        op.add_column("orders", sa.Column("request_id", sa.String(36), nullable=True))
        op.create_foreign_key(
            "orders_request_id_fkey", "orders", "conversations", ["request_id"], ["id"]
        )
    op.create_index("ix_orders_request_id", "orders", ["request_id"])
    op.execute(_BACKFILL)


def downgrade() -> None:
    """Drop the column (the request's own ``order_id`` still names the automatic draft).

    SQLite cannot drop a column that references another table, so ``orders`` is rebuilt;
    its events are set aside meanwhile, since dropping a parent with children fails.
    """
    op.drop_index("ix_orders_request_id", table_name="orders")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("orders_request_id_fkey", "orders", type_="foreignkey")
        op.drop_column("orders", "request_id")
        return
    op.execute("CREATE TABLE _order_events_aside AS SELECT * FROM order_events")
    op.execute("DELETE FROM order_events")
    with op.batch_alter_table("orders", recreate="always") as batch:
        batch.drop_column("request_id")
    op.execute("INSERT INTO order_events SELECT * FROM _order_events_aside")
    op.execute("DROP TABLE _order_events_aside")
