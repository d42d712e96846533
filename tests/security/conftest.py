"""A node per test module (SQLite, and PostgreSQL when available) served with small limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import PASSWORD, PROFILE, Clock, Node, _database, facts
from uncc.adapters.db import schema
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, cases, identity
from uncc.services.context import Principal

SQLITE = pytest.mark.parametrize("node", ["sqlite"], indirect=True)
"""For refusals made before the database is touched: one backend is enough (the
refusals that store or audit something run on SQLite and PostgreSQL)."""
MAX_BODY = 64 * 1024
MAX_UPLOAD = 256 * 1024
PEOPLE = {
    "ivan": Role.INVESTIGATOR,
    "pia": Role.PROSECUTOR,
    "jane": Role.JUDGE,
    "aud": Role.AUDITOR,
    "cora": Role.CONTACT_POINT,
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def node(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Node]:
    """One node per test module (the tests compare what is stored before and after)."""
    tmp_path = tmp_path_factory.mktemp("node")
    settings = Settings(data_dir=tmp_path / "data", database_url=_database(request.param, tmp_path))
    clock = Clock()
    ctx = build(settings, clock=clock)
    identity.init_node(ctx, parse_profile(PROFILE), "Northland", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "adam", {Role.ADMIN}, PASSWORD)  # the bootstrap exception
    adam = Principal("adam", frozenset({Role.ADMIN}))
    for user, role in PEOPLE.items():
        for grant in identity.add_user(ctx, admin, user, {role}, PASSWORD):
            accounts.decide_grant(ctx, adam, grant.id, approve=True)  # dual control
    principals = {u: Principal(u, frozenset({r})) for u, r in PEOPLE.items()}
    yield Node(ctx, clock, admin, **principals, adam=adam)
    ctx.engine.dispose()


@pytest.fixture
def case_id(node: Node) -> str:
    return cases.open_case(node.ctx, node.ivan, facts("insider-company")).id


@pytest.fixture(scope="module")
def app(node: Node, tmp_path_factory: pytest.TempPathFactory) -> Any:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("settings"),
        max_body_bytes=MAX_BODY,
        max_upload_bytes=MAX_UPLOAD,
    )
    return create_app(settings, node.ctx)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    """A browser or API client of its own (no cookies from another test)."""
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


def rows(node: Node, table: Any) -> int:
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def stored(node: Node) -> dict[str, Any]:
    """What the node holds: rows of the tables an attack could write to, and blob files."""
    tables = (
        schema.cases,
        schema.orders,
        schema.evidence,
        schema.custody,
        schema.conversations,
        schema.property_items,
    )
    held: dict[str, Any] = {t.name: rows(node, t) for t in tables}
    held["blobs"] = stored_blobs(node)
    return held


def stored_blobs(node: Node) -> list[str]:
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
