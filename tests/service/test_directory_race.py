"""Two changes to the hub's members at once publish two directory versions, none lost.

On PostgreSQL two transactions run side by side: without a lock, the second would sign
a directory from the members as it saw them before the first committed — the first
change (a member's new key, say) missing from the directory the hub serves, under the
same version number as the one the first member was given. On SQLite a writer holds the
whole database, so only PostgreSQL is tried.
"""

from __future__ import annotations

import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select, text

from tests.service.conftest import Node
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.domain.directory import Contact, Directory, Member, PublicKey
from uncc.services.network import directory
from uncc.services.network.envelopes import payload_of

DESK = Contact(name="desk", phone="+00 555 0100", office_hours="24/7", time_zone="UTC")


def member(state: str, languages: list[str]) -> Member:
    key = NodeKey(Ed25519PrivateKey.generate())
    return Member(
        state=state,
        name=f"{state} node",
        endpoint=f"https://{state.lower()}.test",
        keys=[PublicKey(kid=key.key_id, public_key=key.public_hex)],
        contact_point=DESK,
        languages=languages,
    )


def waiting(engine: Engine) -> int:
    """How many sessions wait for a lock right now."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(text("pg_stat_activity"))
                .where(text("wait_event_type = 'Lock'"))
            ).scalar_one()
        )


def test_two_member_changes_at_once_give_two_versions_with_both(node: Node) -> None:
    if node.ctx.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes the database's one write lock at BEGIN: no race to try")
    ctx = node.ctx
    directory.become_hub(ctx, node.admin, "https://xh.test", DESK, ["en"])
    xb, xc = member("XB", ["en"]), member("XC", ["en"])
    directory.admit(ctx, node.admin, xb)
    directory.admit(ctx, node.admin, xc)
    moved_b, moved_c = (
        xb.model_copy(update={"languages": ["fr"]}),
        xc.model_copy(update={"languages": ["es"]}),
    )
    second: list[str] = []
    with ctx.engine.begin() as conn:  # the first change, its transaction held open
        conn.execute(
            schema.members.update()
            .where(schema.members.c.state == "XB")
            .values(entry=moved_b.model_dump(mode="json"))
        )
        first = Directory.model_validate(payload_of(directory.publish_in(ctx, conn)))
        other = threading.Thread(
            target=lambda: second.append(directory.admit(ctx, node.admin, moved_c))
        )
        other.start()
        while waiting(ctx.engine) == 0 and other.is_alive():
            other.join(0.01)  # until the second change waits for the first
    other.join()
    latest = Directory.model_validate(payload_of(second[0]))
    languages = {m.state: m.languages for m in latest.members}
    assert (languages["XB"], languages["XC"]) == (["fr"], ["es"])
    assert latest.version == first.version + 1
    with ctx.engine.connect() as conn:
        assert conn.execute(select(schema.network.c.directory_version)).scalar_one() == (
            latest.version
        )
