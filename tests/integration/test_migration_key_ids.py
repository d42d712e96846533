"""Migration 0008 moves a node and a hub's members from the old key ids to derived ones."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import insert, select

from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.adapters.db.engine import make_engine, migrate
from uncc.domain.keyids import kid_of, legacy_kid_of


def test_old_key_ids_stay_in_the_key_history_and_the_derived_ids_take_over(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("uncc.adapters.db") / "migrations")
    )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0007")
    key = NodeKey(Ed25519PrivateKey.generate())
    member = NodeKey(Ed25519PrivateKey.generate())
    old, now = legacy_kid_of(key.public_hex), dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assert old != key.key_id
    with engine.begin() as conn:
        conn.execute(
            insert(schema.node).values(
                id=1,
                state="XH",
                name="hub",
                public_key=key.public_hex,
                key_id=old,
                profile={},
                created_at=now,
            )
        )
        conn.execute(
            insert(schema.node_keys).values(kid=old, public_key=key.public_hex, created_at=now)
        )
        conn.execute(
            insert(schema.members).values(
                state="XA",
                entry={
                    "state": "XA",
                    "keys": [
                        {"kid": legacy_kid_of(member.public_hex), "public_key": member.public_hex}
                    ],
                },
                updated_at=now,
            )
        )
    migrate(engine)
    with engine.connect() as conn:
        assert (
            conn.execute(select(schema.node.c.key_id)).scalar_one()
            == key.key_id
            == kid_of(key.public_hex)
        )
        history = dict(
            conn.execute(select(schema.node_keys.c.kid, schema.node_keys.c.public_key)).all()
        )
        assert history == {old: key.public_hex, key.key_id: key.public_hex}
        (entry,) = conn.execute(select(schema.members.c.entry)).scalars()
        assert entry["keys"][0]["kid"] == member.key_id
