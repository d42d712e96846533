"""A node per test (SQLite, and PostgreSQL when available) served with small limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import PASSWORD, Node, facts, node  # noqa: F401 - the fixture
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.services import cases

SQLITE = pytest.mark.parametrize("node", ["sqlite"], indirect=True)
"""For refusals made before the database is touched: one backend is enough (the
refusals that store or audit something run on SQLite and PostgreSQL)."""
MAX_BODY = 64 * 1024
MAX_UPLOAD = 256 * 1024


@pytest.fixture
def case_id(node: Node) -> str:  # noqa: F811 - the imported fixture
    return cases.open_case(node.ctx, node.ivan, facts("insider-company")).id


@pytest.fixture
def client(node: Node, tmp_path: Any) -> Iterator[TestClient]:  # noqa: F811
    settings = Settings(
        data_dir=tmp_path / "data",
        max_body_bytes=MAX_BODY,
        max_upload_bytes=MAX_UPLOAD,
        read_timeout=0.5,
    )
    app = create_app(settings, node.ctx)
    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(client: TestClient, user: str) -> dict[str, str]:
    token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def web_login(client: TestClient, user: str) -> str:
    """Log in through the form; the CSRF token of the session."""
    assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 303
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/dashboard").text)
    assert found
    return found.group(1)


def rows(node: Node, table: Any) -> int:  # noqa: F811
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def stored_blobs(node: Node) -> list[str]:  # noqa: F811
    """Every file in the blob store, temporary ones included."""
    root = node.ctx.blobs.root
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


__all__ = [
    "MAX_BODY",
    "MAX_UPLOAD",
    "SQLITE",
    "bearer",
    "problem",
    "rows",
    "schema",
    "stored_blobs",
]
