"""PostgreSQL reads off the event loop: the same answers, the same refusals, the same audit.

On PostgreSQL the API reads the bearer token in a worker thread, and the audited case
read (token, case, audit entry) in one, on plain psycopg connections
(``adapters.db.direct``) with the case read and its entry in one statement
(``services.case_read``). These tests hold that path to the SQLAlchemy reads it
replaces (Hypothesis), and attack it: a token revoked while reads are in flight, a web
session gone idle, a missing header, an unknown case, a refused audit entry; and its
connections are closed at shutdown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import time
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, insert, select, text, update

from tests.service.conftest import Node, facts
from uncc.adapters.crypto import token_digest
from uncc.adapters.db import schema
from uncc.adapters.db.direct import NAME, Direct
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.errors import NotFoundError
from uncc.services import case_read, cases, identity
from uncc.services.notify_events import notifies

EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _postgresql(node: Node) -> None:
    if node.ctx.engine.dialect.name != "postgresql":
        pytest.skip("the reads off the loop are PostgreSQL's (SQLite reads on the loop)")


def _token(node: Node, user: str, *, kind: str = "api", **times: dt.datetime | None) -> str:
    """A token of ``user`` written straight into the table (no login: no argon2 per example)."""
    token = secrets.token_urlsafe(16)
    now = node.clock()
    row = {"created_at": now, "expires_at": now + dt.timedelta(hours=1), "last_used_at": None}
    with node.ctx.engine.begin() as conn:
        conn.execute(
            insert(schema.tokens).values(
                hash=token_digest(token), user_id=user, kind=kind, **{**row, **times}
            )
        )
    return token


def _audited(node: Node, case_id: str) -> list[Any]:
    with node.ctx.engine.connect() as conn:
        return list(
            conn.execute(
                select(schema.audit).where(
                    schema.audit.c.action == cases.READ, schema.audit.c.object == case_id
                )
            )
        )


def test_a_case_read_notifies_no_one() -> None:
    """The read's entry is one INSERT beside the read: it needs no notification written."""
    assert not notifies(cases.READ, "ok")


@EXAMPLES
@given(
    kind=st.sampled_from(["api", "web"]),
    expires=st.integers(-2, 2),
    active=st.booleans(),
    roles=st.sets(st.sampled_from(list(Role))),
    totp=st.booleans(),
    second_factor=st.sets(st.sampled_from(list(Role)), max_size=2),
    used=st.one_of(st.none(), st.integers(0, 90)),
    known=st.booleans(),
)
def test_a_token_read_directly_stands_for_what_the_sqlalchemy_read_says(
    node: Node,
    *,
    kind: str,
    expires: int,
    active: bool,
    roles: set[Role],
    totp: bool,
    second_factor: set[Role],
    used: int | None,
    known: bool,
) -> None:
    _postgresql(node)
    now = node.clock()
    with node.ctx.engine.begin() as conn:
        conn.execute(
            update(schema.users)
            .where(schema.users.c.id == "ivan")
            .values(roles=sorted(roles), active=active, totp_confirmed=totp)
        )
    last = None if used is None else now - dt.timedelta(minutes=used)
    token = _token(
        node,
        "ivan",
        kind=kind,
        created_at=now - dt.timedelta(hours=3),
        expires_at=now + dt.timedelta(hours=expires, minutes=1),
        last_used_at=last,
    )
    if not known:
        token += "x"
    node.ctx.totp_roles = frozenset(second_factor)
    direct = Direct(node.ctx.engine)
    try:
        plain, fast = identity.look_up(node.ctx, token), identity.look_up(node.ctx, token, direct)
    finally:
        direct.close()
    assert (fast.who, fast.refusal, fast.node) == (plain.who, plain.refusal, plain.node)
    assert (fast.write is None) == (plain.write is None)


@EXAMPLES
@given(
    hits=st.lists(st.tuples(st.sampled_from(["XB", "XC", "XD", "XA"]), st.integers(0, 2))),
    typed=st.sampled_from(["stored", "local", "ours", "another State's", "unknown"]),
)
def test_the_case_read_with_its_entry_answers_and_audits_as_the_separate_reads(
    node: Node, hits: list[tuple[str, int]], typed: str
) -> None:
    _postgresql(node)
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
                    at=node.clock(),
                )
            )
    local = case.id.removeprefix("XA-")
    asked = {
        "stored": case.id,
        "local": local,
        "ours": f"XA-{local}",
        "another State's": f"XB-{local}",
        "unknown": case.id + "9",
    }[typed]
    try:
        expected: cases.CaseText | None = cases.read_case_text(node.ctx, node.ivan, asked, "XA")
    except NotFoundError:
        expected = None
    token = _token(node, "ivan")
    direct = Direct(node.ctx.engine)
    try:
        seen: cases.CaseText | None = case_read.read_case_as(node.ctx, direct, token, asked)
    except NotFoundError:
        seen = None
    finally:
        direct.close()
    assert seen == expected
    entries = _audited(node, case.id)
    assert len(entries) == (0 if expected is None else 1)  # no case, no entry
    for entry in entries:
        assert (entry.actor, entry.outcome, entry.details) == ("ivan", "ok", {})
        assert entry.at == node.clock()


def _app_session(node: Node, token: str, steps: Any) -> list[httpx.Response]:
    app = create_app(Settings(), node.ctx)

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://node") as client:
            return list(await steps(client, {"Authorization": f"Bearer {token}"}))

    return asyncio.run(run())


def test_a_token_revoked_while_reads_are_in_flight_reads_nothing_after(node: Node) -> None:
    _postgresql(node)
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    token = _token(node, "ivan")
    paths = [f"/api/v1/cases/{case_id}", "/api/v1/node"] * 4

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        before = await asyncio.gather(*(client.get(p, headers=headers) for p in paths))
        with node.ctx.engine.begin() as conn:
            conn.execute(delete(schema.tokens).where(schema.tokens.c.hash == token_digest(token)))
        after = await asyncio.gather(*(client.get(p, headers=headers) for p in paths))
        return [*before, *after]

    answers = _app_session(node, token, steps)
    assert [a.status_code for a in answers] == [200] * 8 + [403] * 8
    assert all("analysis" not in a.text for a in answers[8:])
    assert len(_audited(node, case_id)) == 4


def test_a_web_session_idle_too_long_is_ended_and_reads_nothing(node: Node) -> None:
    _postgresql(node)
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    idle = node.clock() - node.ctx.session_idle - dt.timedelta(minutes=1)
    token = _token(node, "ivan", kind="web", last_used_at=idle)

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        return [await client.get(f"/api/v1/cases/{case_id}", headers=headers)]

    answers = _app_session(node, token, steps)
    assert [a.status_code for a in answers] == [403]
    with node.ctx.engine.connect() as conn:  # the session's end was written in the same hop
        assert (
            conn.execute(
                select(func.count())
                .select_from(schema.tokens)
                .where(schema.tokens.c.hash == token_digest(token))
            ).scalar_one()
            == 0
        )
    assert _audited(node, case_id) == []


def test_a_web_session_in_use_has_its_last_use_written(node: Node) -> None:
    _postgresql(node)
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    token = _token(node, "ivan", kind="web", last_used_at=node.clock() - dt.timedelta(minutes=5))

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        return [await client.get(f"/api/v1/cases/{case_id}", headers=headers)]

    assert [a.status_code for a in _app_session(node, token, steps)] == [200]
    with node.ctx.engine.connect() as conn:
        last = conn.execute(
            select(schema.tokens.c.last_used_at).where(schema.tokens.c.hash == token_digest(token))
        ).scalar_one()
    assert last == node.clock()


def test_no_bearer_token_and_no_such_case_read_nothing_and_audit_nothing(node: Node) -> None:
    _postgresql(node)
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    token = _token(node, "ivan")

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        return [
            await client.get(f"/api/v1/cases/{case_id}"),
            await client.get(f"/api/v1/cases/{case_id}", headers={"Authorization": token}),
            await client.get(f"/api/v1/cases/{case_id}9", headers=headers),
        ]

    answers = _app_session(node, token, steps)
    assert [a.status_code for a in answers] == [403, 403, 404]
    assert all(a.headers["content-type"] == "application/problem+json" for a in answers)
    assert _audited(node, case_id) == []


def _direct_connections(node: Node) -> int:
    with node.ctx.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = :name AND datname = current_database()"
                ),
                {"name": NAME},
            ).scalar_one()
        )


def _settle(node: Node, expected: int) -> int:
    """The direct connections, once the server has seen the closed ones go (a moment)."""
    deadline = time.monotonic() + 10
    while (seen := _direct_connections(node)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return seen


def test_the_direct_connections_are_closed_at_shutdown_and_at_dispose(node: Node) -> None:
    _postgresql(node)
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    headers = {"Authorization": f"Bearer {_token(node, 'ivan')}"}
    app = create_app(Settings(), node.ctx)
    for _ in range(2):  # the second start opens them again
        with TestClient(app) as client:
            assert client.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 200
            assert _direct_connections(node) >= 1
        assert _settle(node, 0) == 0
    without_lifespan = TestClient(create_app(Settings(), node.ctx))
    assert without_lifespan.get("/api/v1/node", headers=headers).status_code == 200
    assert _direct_connections(node) >= 1
    node.ctx.engine.dispose()  # the engine's end takes them along
    assert _settle(node, 0) == 0
    assert len(_audited(node, case_id)) == 2


def test_a_refused_audit_entry_keeps_the_case_from_being_shown(node: Node) -> None:
    """A real refusal by the database (a trigger) of the statement that reads and audits."""
    _postgresql(node)
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    with node.ctx.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE FUNCTION refuse_reads() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'the disk is full'; END $$ LANGUAGE plpgsql"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER refuse_reads BEFORE INSERT ON audit FOR EACH ROW "
                "WHEN (NEW.action = 'case.read') EXECUTE FUNCTION refuse_reads()"
            )
        )
    token = _token(node, "ivan")

    async def steps(client: httpx.AsyncClient, headers: dict[str, str]) -> list[httpx.Response]:
        path = f"/api/v1/cases/{case.id}"
        return list(await asyncio.gather(*(client.get(path, headers=headers) for _ in range(4))))

    for answer in _app_session(node, token, steps):
        assert answer.status_code == 500
        assert case.title not in answer.text
        assert "analysis" not in answer.text
    assert _audited(node, case.id) == []
