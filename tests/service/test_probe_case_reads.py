"""Hostile review of the API's audited case read (branch asyncpg: PostgreSQL's new path).

Each test attacks what a faster path could lose: the token, the user and the roles read
at every request (a revocation, a disabled user or a changed role refused on the very
next request), another State's id, an audit entry that cannot be written (no answer),
identities under concurrency, and the database connections the path opens.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text, update

from tests.service.conftest import PASSWORD, Node, facts
from uncc.adapters.crypto import token_digest
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.services import accounts, cases, login


def _reads(node: Node, case_id: str, actor: str | None = None) -> int:
    audit = schema.audit.c
    query = select(func.count()).where(audit.action == "case.read", audit.object == case_id)
    if actor is not None:
        query = query.where(audit.actor == actor)
    with node.ctx.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _login(client: TestClient, user: str) -> dict[str, str]:
    answer = client.post("/api/v1/login", json={"user": user, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def _opened(node: Node) -> tuple[Any, Any]:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    return case, create_app(Settings(), node.ctx)


def test_a_revoked_token_is_refused_on_the_very_next_case_read(node: Node) -> None:
    case, app = _opened(node)
    with TestClient(app) as client:
        headers = _login(client, "ivan")
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
        accounts.revoke_tokens(node.ctx, node.admin, "ivan")
        answer = client.get(f"/api/v1/cases/{case.id}", headers=headers)
        assert answer.status_code == 403, answer.text
        assert "log in again" in answer.json()["detail"]
        assert case.title not in answer.text
        assert client.get("/api/v1/me", headers=headers).status_code == 403
    assert _reads(node, case.id) == 1


def test_a_user_disabled_behind_the_api_is_refused_at_once(node: Node) -> None:
    """The user's ``active`` flag is read at every request, not only their token."""
    case, app = _opened(node)
    with TestClient(app) as client:
        headers = _login(client, "ivan")
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
        with node.ctx.engine.begin() as conn:  # no session ended: the flag alone must refuse
            conn.execute(
                update(schema.users).where(schema.users.c.id == "ivan").values(active=False)
            )
        answer = client.get(f"/api/v1/cases/{case.id}", headers=headers)
        assert answer.status_code == 403, answer.text
        assert "log in again" in answer.json()["detail"]
        assert case.title not in answer.text
    assert _reads(node, case.id) == 1


def test_a_role_taken_away_behind_the_api_is_refused_at_once(node: Node) -> None:
    """The roles are read at every request: a token issued before the change has no others."""
    case, app = _opened(node)
    with TestClient(app) as client:
        headers = _login(client, "ivan")
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
        with node.ctx.engine.begin() as conn:  # an administrator reads no cases
            conn.execute(
                update(schema.users).where(schema.users.c.id == "ivan").values(roles=["admin"])
            )
        answer = client.get(f"/api/v1/cases/{case.id}", headers=headers)
        assert answer.status_code == 403, answer.text
        assert case.title not in answer.text
    assert _reads(node, case.id) == 1


def test_a_case_id_in_another_states_form_finds_nothing_and_audits_nothing(node: Node) -> None:
    case, app = _opened(node)
    ours = case.id.split("-", 1)[1] if case.id[2] == "-" else case.id
    with TestClient(app) as client:
        headers = _login(client, "ivan")
        for typed in (f"XB-{ours}", f"XB-{case.id}", f"{case.id}%25", "%25", ours.lower()):
            answer = client.get(f"/api/v1/cases/{typed}", headers=headers)
            assert answer.status_code == 404, (typed, answer.text)
            assert case.title not in answer.text
    assert _reads(node, case.id) == 0


_REFUSE_SQLITE = """
CREATE TRIGGER probe_audit_full BEFORE INSERT ON audit WHEN NEW.action = 'case.read'
BEGIN SELECT RAISE(ABORT, 'the disk is full'); END
"""
_REFUSE_PG = (
    """
CREATE FUNCTION probe_audit_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.action = 'case.read' THEN RAISE EXCEPTION 'the disk is full'; END IF;
  RETURN NEW;
END $$
""",
    "CREATE TRIGGER probe_audit_full BEFORE INSERT ON audit "
    "FOR EACH ROW EXECUTE FUNCTION probe_audit_full()",
)


def _refuse_case_read_entries(node: Node) -> None:
    statements = _REFUSE_PG if node.ctx.engine.dialect.name == "postgresql" else (_REFUSE_SQLITE,)
    with node.ctx.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def test_a_case_read_whose_entry_the_database_refuses_answers_nothing(node: Node) -> None:
    """The database itself refuses the entry (not a patched function): no case goes out."""
    case, app = _opened(node)
    with TestClient(app, raise_server_exceptions=False) as client:
        headers = _login(client, "ivan")
        _refuse_case_read_entries(node)
        for _ in range(3):
            answer = client.get(f"/api/v1/cases/{case.id}", headers=headers)
            assert answer.status_code >= 500, answer.text
            assert case.title not in answer.text
            assert "analysis" not in answer.text
        with node.ctx.engine.begin() as conn:
            conn.execute(text("DROP TRIGGER probe_audit_full" + _on_audit(node)))
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
    assert _reads(node, case.id) == 1


def _on_audit(node: Node) -> str:
    return " ON audit" if node.ctx.engine.dialect.name == "postgresql" else ""


def test_concurrent_reads_by_different_users_each_answer_and_audit_their_own_user(
    node: Node,
) -> None:
    """No request is served with another's identity: statuses and entries per user."""
    case, app = _opened(node)
    users = {"ivan": 200, "aud": 200, "jane": 200, "adam": 403, "admin": 403}
    rounds = 6

    async def read_all() -> list[tuple[str, httpx.Response, httpx.Response]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            tokens = {}
            for user in users:
                login = await client.post(
                    "/api/v1/login", json={"user": user, "password": PASSWORD}
                )
                tokens[user] = {"Authorization": f"Bearer {login.json()['token']}"}

            async def one(user: str) -> tuple[str, httpx.Response, httpx.Response]:
                read = client.get(f"/api/v1/cases/{case.id}", headers=tokens[user])
                me = client.get("/api/v1/me", headers=tokens[user])
                got = await asyncio.gather(read, me)
                return user, got[0], got[1]

            asked = [user for _ in range(rounds) for user in users]
            return await asyncio.gather(*(one(u) for u in asked))

    async def run() -> list[tuple[str, httpx.Response, httpx.Response]]:
        try:
            return await read_all()
        finally:
            close = getattr(app.state, "direct", None)
            if close is not None:
                await asyncio.to_thread(close.close)

    for user, read, me in asyncio.run(run()):
        assert read.status_code == users[user], (user, read.text)
        assert me.json()["user"] == user
        if read.status_code == 200:
            assert read.json()["id"] == case.id
    for user, status in users.items():
        assert _reads(node, case.id, user) == (rounds if status == 200 else 0), user


def _direct_connections(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE 'uncc%'"
                )
            ).scalar_one()
        )


def test_the_reads_hold_a_bounded_number_of_connections_and_release_them_at_shutdown(
    node: Node,
) -> None:
    if node.ctx.engine.dialect.name != "postgresql":
        pytest.skip("connections of their own only on PostgreSQL")
    case, app = _opened(node)
    before = _direct_connections(node)
    with TestClient(app) as client:
        headers = _login(client, "ivan")
        for _ in range(30):
            assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
            assert client.get("/api/v1/cases/NOPE-1", headers=headers).status_code == 404
        during = _direct_connections(node)
        assert during - before <= 10
    assert _direct_connections(node) == before


def test_an_idle_web_session_is_refused_and_ended_by_the_case_read(node: Node) -> None:
    """A web session's token read on the case read's own path: idle, it ends there."""
    case, app = _opened(node)
    token = login.login(node.ctx, "ivan", PASSWORD, web=True)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as client:
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
        node.clock.now += node.ctx.session_idle + dt.timedelta(minutes=1)
        answer = client.get(f"/api/v1/cases/{case.id}", headers=headers)
        assert answer.status_code == 403, answer.text
        assert "idle" in answer.json()["detail"]
        assert case.title not in answer.text
    with node.ctx.engine.connect() as conn:
        left = conn.execute(
            select(func.count()).where(schema.tokens.c.hash == token_digest(token))
        ).scalar_one()
    assert left == 0
    assert _reads(node, case.id) == 1


def test_a_role_that_needs_a_second_factor_reads_no_case_before_it_is_enrolled(
    node: Node,
) -> None:
    case, app = _opened(node)
    node.ctx.totp_roles = frozenset({Role.INVESTIGATOR})
    with TestClient(app) as client:
        headers = _login(client, "ivan")
        answer = client.get(f"/api/v1/cases/{case.id}", headers=headers)
        assert answer.status_code == 403, answer.text
        assert case.title not in answer.text
    assert _reads(node, case.id) == 0
