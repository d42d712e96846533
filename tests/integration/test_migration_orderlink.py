"""Migration 0018: ``orders.request_id`` up (filled for earlier drafts) and down, data kept."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.service.conftest import _database
from uncc.adapters.db import schema
from uncc.adapters.db.engine import HEAD, current_revision, make_engine

BEFORE = "0017_vault"
AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def _to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("uncc.adapters.db") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _order(order_id: str) -> dict[str, Any]:
    return {
        "id": order_id,
        "case_id": "XA-C-1",
        "power": "preservation",
        "state": "draft",
        "offences": [],
        "targets": [],
        "grounds": "g",
        "scope": "s",
        "necessity": "n",
        "proportionality": "p",
        "requires_authorisation": False,
        "created_by": "u",
        "created_at": AT,
        "renewals": 0,
    }


def _conversation(conversation: str, direction: str, order_id: str) -> dict[str, Any]:
    return {
        "id": conversation,
        "peer": "XB",
        "direction": direction,
        "kind": "preservation_request",
        "urgency": "urgent",
        "reference": "R",
        "status": "received",
        "case_id": "XA-C-1",
        "order_id": order_id,
        "created_at": AT,
        "acknowledge_by": AT,
        "answer_by": AT,
        "escalated": [],
        "request": {},
        "confidential": True,
    }


def _rows(engine: Engine) -> None:
    """A case; a received request with the order drafted for it (and its event); a sent one."""
    case = {
        "id": "XA-C-1",
        "title": "t",
        "status": "open",
        "facts": {},
        "analysis": {},
        "created_by": "u",
        "created_at": AT,
    }
    event = {
        "order_id": "XA-O-1",
        "command": "submit",
        "from_state": "draft",
        "to_state": "submitted",
        "actor": "u",
        "at": AT,
        "note": "",
    }
    with engine.begin() as conn:
        conn.execute(insert(schema.cases).values(**case))
        conn.execute(insert(schema.orders), [_order("XA-O-1"), _order("XA-O-2")])
        conn.execute(insert(schema.order_events).values(**event))
        conn.execute(
            insert(schema.conversations),
            [_conversation("in-1", "in", "XA-O-1"), _conversation("out-1", "out", "XA-O-2")],
        )


def _links(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT id, request_id FROM orders ORDER BY id")).all())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_request_id_up_filled_from_received_requests_down_and_up_again(
    backend: str, tmp_path: Path
) -> None:
    engine = make_engine(_database(backend, tmp_path, empty=True))
    _to(engine, BEFORE)
    _rows(engine)
    _to(engine, "head")
    assert current_revision(engine) == HEAD
    # only the request received here names its draft; a request we sent does not
    assert _links(engine) == {"XA-O-1": "in-1", "XA-O-2": None}
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
    assert any(i["column_names"] == ["request_id"] for i in inspect(engine).get_indexes("orders"))
    with pytest.raises(IntegrityError), engine.begin() as conn:  # an unknown request
        conn.execute(text("UPDATE orders SET request_id = 'nowhere' WHERE id = 'XA-O-2'"))

    _to(engine, BEFORE, down=True)
    columns = {c["name"] for c in inspect(engine).get_columns("orders")}
    assert "request_id" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 2
        assert conn.execute(text("SELECT order_id FROM order_events")).scalars().all() == ["XA-O-1"]
    _to(engine, "head")
    assert _links(engine) == {"XA-O-1": "in-1", "XA-O-2": None}
    engine.dispose()
