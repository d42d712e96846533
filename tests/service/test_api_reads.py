"""Async reads: the case read answers what the service reads, audited before it answers."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from tests.service.conftest import PASSWORD, Node, facts
from uncc.adapters.db import schema
from uncc.adapters.db.direct import Direct
from uncc.config import Settings
from uncc.entrypoints.api import audit_commits
from uncc.entrypoints.api.app import create_app
from uncc.services import case_read, cases, identity
from uncc.services.context import our_state


def reads(node: Node, case_id: str) -> int:
    with node.ctx.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    schema.audit.c.action == "case.read", schema.audit.c.object == case_id
                )
            ).scalar_one()
        )


async def _session(app: Any, user: str) -> tuple[httpx.AsyncClient, dict[str, str]]:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://node")
    login = await client.post("/api/v1/login", json={"user": user, "password": PASSWORD})
    return client, {"Authorization": f"Bearer {login.json()['token']}"}


def test_concurrent_case_reads_answer_the_case_and_each_is_audited(node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with node.ctx.engine.begin() as conn:  # deconfliction found XC on the same conduct
        conn.execute(
            insert(schema.hits).values(
                case_id=case.id,
                state="XC",
                kind="ip",
                tag="00" * 32,
                conversation="c",
                at=dt.datetime.now(dt.UTC),
            )
        )
    expected = cases.get_case(node.ctx, node.ivan, case.id)
    before = reads(node, case.id)
    app = create_app(Settings(), node.ctx)

    async def read_many() -> list[httpx.Response]:
        client, headers = await _session(app, "ivan")
        try:
            return await asyncio.gather(
                *(client.get(f"/api/v1/cases/{case.id}", headers=headers) for _ in range(8))
            )
        finally:
            await client.aclose()

    answers = asyncio.run(read_many())
    assert {r.status_code for r in answers} == {200}
    for answer in answers:
        assert answer.headers["content-type"] == "application/json"
        body = answer.json()
        assert body["facts"] == expected.facts
        assert body["analysis"] == expected.analysis  # what deconfliction learned included
        assert (body["id"], body["title"], body["created_by"]) == (case.id, case.title, "ivan")
    assert reads(node, case.id) == before + 8


def test_a_case_read_whose_audit_entry_cannot_be_committed_shows_nothing(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    app = create_app(Settings(), node.ctx)

    def broken(*_args: Any, **_kwargs: Any) -> None:
        msg = "the disk is full"
        raise OSError(msg)

    first = Direct.first

    def failing(direct: Direct, statement: Any, params: Any) -> Any:
        if statement is case_read._READ_AUDITED:
            broken()
        return first(direct, statement, params)

    async def read() -> httpx.Response:
        client, headers = await _session(app, "ivan")
        monkeypatch.setattr(audit_commits, "audit_all", broken)  # SQLite: the committer's
        monkeypatch.setattr(Direct, "first", failing)  # PostgreSQL: the read with its entry
        try:
            return await client.get(f"/api/v1/cases/{case.id}", headers=headers)
        finally:
            await client.aclose()

    answer = asyncio.run(read())
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    assert "analysis" not in answer.text
    assert case.title not in answer.text
    assert reads(node, case.id) == 0


def test_a_case_read_is_refused_without_the_role_and_nothing_is_audited_as_read(
    node: Node,
) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    app = create_app(Settings(), node.ctx)

    async def read() -> httpx.Response:
        client, headers = await _session(app, "adam")  # an administrator reads no cases
        try:
            return await client.get(f"/api/v1/cases/{case.id}", headers=headers)
        finally:
            await client.aclose()

    answer = asyncio.run(read())
    assert answer.status_code == 403
    assert reads(node, case.id) == 0


def test_the_audit_committer_stops_at_shutdown_and_a_later_read_is_still_audited(
    node: Node,
) -> None:
    """The committing thread ends with the app; a read after that starts it again."""
    from fastapi.testclient import TestClient  # noqa: PLC0415

    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    app = create_app(Settings(), node.ctx)
    before = reads(node, case.id)
    with TestClient(app) as client:
        token = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
        committer = audit_commits.audit_commits_of(app)
        thread = committer._thread
        if node.ctx.engine.dialect.name == "postgresql":  # the read committed its entry itself
            assert thread is None
        else:
            assert thread is not None
            assert thread.is_alive()
    if thread is not None:
        thread.join(5)
        assert not thread.is_alive()  # stopped at shutdown, its entry committed first
    assert reads(node, case.id) == before + 1
    with TestClient(app) as client:
        assert client.get(f"/api/v1/cases/{case.id}", headers=headers).status_code == 200
    assert reads(node, case.id) == before + 2


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(hits=st.lists(st.tuples(st.sampled_from(["XB", "XC", "XD", "XA"]), st.integers(0, 2))))
def test_the_one_statement_case_read_learns_what_the_separate_reads_learn(
    node: Node, hits: list[tuple[str, int]]
) -> None:
    """The case and its deconfliction hits in one statement: the same as reading them apart."""
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with node.ctx.engine.begin() as conn:
        for state, tag in set(hits):
            conn.execute(
                insert(schema.hits).values(
                    case_id=case.id,
                    state=state,
                    kind="ip",
                    tag=f"{tag:064x}",
                    conversation="c",
                    at=dt.datetime.now(dt.UTC),
                )
            )
    expected = cases.get_case(node.ctx, node.ivan, case.id)  # the reference: separate reads
    with node.ctx.engine.connect() as conn:
        state = our_state(conn)
    text = cases.read_case_text(node.ctx, node.ivan, case.id, state)
    assert json.loads(text.analysis_json) == expected.analysis
    assert (text.id, text.title, text.facts) == (expected.id, expected.title, expected.facts)


def test_node_info_read_with_the_token_is_what_the_node_row_says(node: Node) -> None:
    """``GET /api/v1/node`` answers from the token's read what ``node_info`` reads."""
    app = create_app(Settings(), node.ctx)
    with node.ctx.engine.connect() as conn:
        info = identity.node_info(conn)

    async def read() -> httpx.Response:
        client, headers = await _session(app, "adam")
        try:
            return await client.get("/api/v1/node", headers=headers)
        finally:
            await client.aclose()

    answer = asyncio.run(read())
    assert answer.status_code == 200
    assert answer.json() == {
        "state": info.state,
        "name": info.name,
        "public_key": info.public_key,
        "key_id": info.key_id,
        "profile": info.profile.name,
    }
