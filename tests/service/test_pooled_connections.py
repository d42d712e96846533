"""PostgreSQL's pooled connections: a rested dead one is replaced, reads leave no autocommit."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.service.conftest import Node
from uncc.adapters.db import engine as db_engine
from uncc.adapters.db import schema
from uncc.services.context import audit
from uncc.services.reads import reading


def _postgres_only(node: Node) -> None:
    if node.ctx.engine.dialect.name != "postgresql":
        pytest.skip("the pool's ping and autocommit reads are PostgreSQL's")


def test_a_rested_connection_the_server_dropped_is_replaced_before_use(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    _postgres_only(node)
    engine = node.ctx.engine
    with engine.connect() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(engine.url)  # another session ends the pooled one's backend
    with admin.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    monkeypatch.setattr(db_engine, "PING_AFTER", 0.0)  # it has rested long enough
    with reading(engine) as conn:  # pinged, found dead, replaced: the read works
        assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid


def test_a_read_in_autocommit_leaves_later_units_of_work_atomic(node: Node) -> None:
    _postgres_only(node)
    engine = node.ctx.engine
    with reading(engine) as conn:
        before = conn.execute(select(func.count()).select_from(schema.audit)).scalar_one()
    with pytest.raises(RuntimeError, match="undone"):
        _append_then_fail(node)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.audit)).scalar_one() == before


def _append_then_fail(node: Node) -> None:
    with node.ctx.engine.begin() as conn:  # the pooled connection the read used
        audit(conn, node.clock(), "ivan", "test.entry", obj="x", outcome="ok")
        raise RuntimeError("undone")
