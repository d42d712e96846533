"""``GET /healthz``: answered without a log-in, writes nothing, 503 without a database."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select

from tests.service.conftest import Node
from uncc.adapters.db import schema
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app


def _audit_rows(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.audit)).scalar_one())


def test_the_probe_answers_without_a_login_and_stores_nothing(node: Node, tmp_path: Path) -> None:
    before = _audit_rows(node)
    with TestClient(create_app(Settings(data_dir=tmp_path / "s"), node.ctx)) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert _audit_rows(node) == before


def test_the_probe_says_unavailable_when_the_database_does_not_answer(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    gone = create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'node.db'}")
    ctx = build(settings, engine=gone, schema_check=False)
    with TestClient(create_app(settings, ctx), raise_server_exceptions=False) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable"}
