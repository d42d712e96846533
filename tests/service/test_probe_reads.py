"""Hostile review (issue 20): what the fast API reads may not learn to skip.

The token's look-up may bring the node's row and the case read may share its statement
with the hits, but every request must see the token, the user and their roles as they
are now (nothing cached across requests), another State's id must not find our case,
and an audit entry the database refuses must keep the case from being shown — a real
refusal by the database (a trigger), not a mocked function, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import delete, func, select, text, update

from tests.service.conftest import PASSWORD, Node, facts
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.services import cases

Step = Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[list[httpx.Response]]]


def _audited(node: Node, case_id: str) -> int:
    with node.ctx.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    schema.audit.c.action == cases.READ, schema.audit.c.object == case_id
                )
            ).scalar_one()
        )


def _session(node: Node, user: str, steps: Step) -> list[httpx.Response]:
    """Log ``user`` in and take the steps (a fault answers 500, as a real server does)."""
    app = create_app(Settings(), node.ctx)

    async def run() -> list[httpx.Response]:
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://node",
        )
        try:
            login = await client.post("/api/v1/login", json={"user": user, "password": PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            return await steps(client, headers)
        finally:
            await client.aclose()

    return asyncio.run(run())


def _change(node: Node, case_id: str, statement: Any) -> Step:
    """Two reads of the node and the case, the database changed between them."""

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        answers = [
            await client.get("/api/v1/node", headers=headers),
            await client.get(f"/api/v1/cases/{case_id}", headers=headers),
        ]
        with node.ctx.engine.begin() as conn:
            conn.execute(statement)
        answers += [
            await client.get("/api/v1/node", headers=headers),
            await client.get(f"/api/v1/cases/{case_id}", headers=headers),
        ]
        return answers

    return steps


def _open(node: Node) -> str:
    return cases.open_case(node.ctx, node.ivan, facts("insider-company")).id


def test_a_token_deleted_mid_session_reads_nothing_more(node: Node) -> None:
    case_id = _open(node)
    gone = delete(schema.tokens).where(schema.tokens.c.user_id == "ivan")
    answers = _session(node, "ivan", _change(node, case_id, gone))
    assert [a.status_code for a in answers] == [200, 200, 403, 403]
    assert "analysis" not in answers[3].text
    assert _audited(node, case_id) == 1


def test_a_user_disabled_in_the_database_mid_session_reads_nothing_more(node: Node) -> None:
    case_id = _open(node)
    disabled = update(schema.users).where(schema.users.c.id == "ivan").values(active=False)
    answers = _session(node, "ivan", _change(node, case_id, disabled))
    assert [a.status_code for a in answers] == [200, 200, 403, 403]
    assert _audited(node, case_id) == 1


def test_a_role_taken_away_mid_session_applies_to_the_next_read(node: Node) -> None:
    case_id = _open(node)
    admin = update(schema.users).where(schema.users.c.id == "ivan").values(roles=["admin"])
    answers = _session(
        node, "ivan", _change(node, case_id, admin)
    )  # an administrator reads no case
    assert [a.status_code for a in answers] == [200, 200, 200, 403]
    assert "analysis" not in answers[3].text
    assert _audited(node, case_id) == 1


def test_another_states_code_in_front_of_our_id_finds_nothing(node: Node) -> None:
    case_id = _open(node)
    local = case_id.split("-", 1)[1] if case_id.startswith("XA-") else case_id

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        return [
            await client.get(f"/api/v1/cases/XA-{local}", headers=headers),
            await client.get(f"/api/v1/cases/XB-{local}", headers=headers),
        ]

    answers = _session(node, "ivan", steps)
    assert [a.status_code for a in answers] == [200, 404]
    assert "analysis" not in answers[1].text


def _refuse_case_reads(node: Node) -> None:
    """A trigger: the database refuses every ``case.read`` audit entry (a full disk, say)."""
    with node.ctx.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER probe_refuse BEFORE INSERT ON audit "
                    "WHEN NEW.action = 'case.read' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            conn.execute(
                text(
                    "CREATE FUNCTION probe_refuse() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.action = 'case.read' THEN RAISE EXCEPTION 'refused'; END IF; "
                    "RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER probe_refuse BEFORE INSERT ON audit "
                    "FOR EACH ROW EXECUTE FUNCTION probe_refuse()"
                )
            )


def test_a_case_read_whose_audit_insert_the_database_refuses_shows_nothing(node: Node) -> None:
    case_id = _open(node)
    title = cases.get_case(node.ctx, node.ivan, case_id).title  # an audited read itself
    before = _audited(node, case_id)
    _refuse_case_reads(node)

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        alone = await client.get(f"/api/v1/cases/{case_id}", headers=headers)
        together = await asyncio.gather(
            *(client.get(f"/api/v1/cases/{case_id}", headers=headers) for _ in range(4))
        )
        return [alone, *together]

    answers = _session(node, "ivan", steps)
    for answer in answers:  # alone (one INSERT in autocommit) and in a group commit
        assert answer.status_code == 500
        assert "analysis" not in answer.text
        assert title not in answer.text
    assert _audited(node, case_id) == before


def test_a_shown_case_read_is_already_committed_for_any_other_connection(node: Node) -> None:
    case_id = _open(node)
    seen: list[int] = []

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        answers = []
        for _ in range(3):
            answers.append(await client.get(f"/api/v1/cases/{case_id}", headers=headers))
            seen.append(_audited(node, case_id))  # a connection of its own, at once
        return answers

    answers = _session(node, "ivan", steps)
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert seen == [1, 2, 3]
