"""A network States can trust: thread senders, fetch nonces, counters, hub key rotations.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from uncc.domain.keyids import kid_of, legacy_kid_of

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    """Add the tables and column; move the node and the hub's members to derived key ids.

    The node's key history keeps each old id (old custody checkpoints name it) and gains
    the derived id for the same key. The hub's member entries get derived ids; the hub
    signs a new directory version the next time it serves one (members refuse a
    directory whose ids are not derived, and fetch the new one).
    """
    with op.batch_alter_table("thread") as batch:
        batch.add_column(sa.Column("sender", sa.String(length=2), nullable=True))
    op.create_table(
        "fetch_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("requester", sa.String(length=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    op.create_index(op.f("ix_fetch_nonces_at"), "fetch_nonces", ["at"], unique=False)
    op.create_table(
        "hub_rotations",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_table(
        "network_counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    _derive_kids(op.get_bind())


def _derive_kids(conn: sa.Connection) -> None:
    node_keys = sa.table(
        "node_keys",
        sa.column("kid", sa.String),
        sa.column("public_key", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("retired_at", sa.DateTime(timezone=True)),
    )
    node = sa.table("node", sa.column("public_key", sa.String), sa.column("key_id", sa.String))
    members = sa.table("members", sa.column("state", sa.String), sa.column("entry", sa.JSON))
    thread = sa.table(
        "thread",
        sa.column("sender", sa.String),
        sa.column("direction", sa.String),
        sa.column("conversation", sa.String),
    )
    conversations = sa.table(
        "conversations", sa.column("id", sa.String), sa.column("peer", sa.String)
    )
    node_state = sa.table("node", sa.column("state", sa.String))
    held = {r.kid for r in conn.execute(sa.select(node_keys.c.kid))}
    for row in conn.execute(sa.select(node_keys)).all():
        derived = kid_of(row.public_key)
        if derived not in held:
            conn.execute(
                node_keys.insert().values(
                    kid=derived,
                    public_key=row.public_key,
                    created_at=row.created_at,
                    retired_at=row.retired_at,
                )
            )
            held.add(derived)
    for row in conn.execute(sa.select(node.c.public_key, node.c.key_id)).all():
        if row.key_id == legacy_kid_of(row.public_key):
            conn.execute(
                node.update()
                .where(node.c.public_key == row.public_key)
                .values(key_id=kid_of(row.public_key))
            )
    for row in conn.execute(sa.select(members)).all():
        entry = dict(row.entry)
        entry["keys"] = [{**k, "kid": kid_of(k["public_key"])} for k in entry.get("keys", [])]
        conn.execute(members.update().where(members.c.state == row.state).values(entry=entry))
    peer = (
        sa.select(conversations.c.peer)
        .where(conversations.c.id == thread.c.conversation)
        .scalar_subquery()
    )
    conn.execute(thread.update().where(thread.c.direction == "in").values(sender=peer))
    me = sa.select(node_state.c.state).limit(1).scalar_subquery()
    conn.execute(thread.update().where(thread.c.direction == "out").values(sender=me))


def downgrade() -> None:
    """Drop them (the derived key ids stay in the key history)."""
    op.drop_index(op.f("ix_fetch_nonces_at"), table_name="fetch_nonces")
    op.drop_table("fetch_nonces")
    op.drop_table("network_counters")
    op.drop_table("hub_rotations")
    with op.batch_alter_table("thread") as batch:
        batch.drop_column("sender")
