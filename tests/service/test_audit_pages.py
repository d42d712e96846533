"""The audit trail on the web, in the CLI and the notifications API: pages, filters, exports."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.service.conftest import PASSWORD, Node, facts
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.orders import Command, Target
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.cli import desk_local
from uncc.entrypoints.cli import main as cli_main
from uncc.entrypoints.web import audit_pages
from uncc.errors import PermissionDeniedError, UserInputError
from uncc.services import audit_trail, cases, orders
from uncc.services.context import audit
from uncc.services.orders import DraftRequest


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as found:
        yield found


def _login(client: TestClient, user: str) -> None:
    client.cookies.clear()
    assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 303


def _count(node: Node, action: str) -> int:
    with node.ctx.engine.connect() as conn:
        query = select(func.count()).select_from(schema.audit)
        return int(conn.execute(query.where(schema.audit.c.action == action)).scalar_one())


def _entries(node: Node, n: int) -> None:
    with node.ctx.engine.begin() as conn:
        for i in range(n):
            audit(conn, node.clock(), "ivan", "case.note", obj=f"C-{i}", outcome="ok", n=i)


def test_the_trail_pages_without_a_cap_and_looking_adds_nothing(
    node: Node, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_pages, "PAGE", 5)
    _entries(node, 7)
    _login(client, "aud")
    before = _count(node, "audit.read")
    first = client.get("/audit?action=case.note")
    assert first.status_code == 200
    assert "7 entries found" in first.text
    assert first.text.count("<td>case.note</td>") == 5
    older = re.search(r'href="/audit\?([^"]+)">Older entries', first.text)
    assert older
    second = client.get("/audit?" + older.group(1).replace("&amp;", "&"))
    assert second.text.count("<td>case.note</td>") == 2
    assert "Older entries" not in second.text
    assert _count(node, "audit.read") == before  # viewing the trail is not audited


def test_filters_by_actor_and_time_and_bad_dates_name_the_field(
    node: Node, client: TestClient
) -> None:
    _entries(node, 3)
    node.clock.advance(2)
    cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    _login(client, "aud")
    page = client.get("/audit?actor=ivan&since=2026-03-11")
    assert "1 entry found" in page.text
    assert "<td>case.open</td>" in page.text
    assert (
        "0 entries found" in client.get("/audit?actor=ivan&until=2026-03-10&action=case.open").text
    )
    wrong = client.get("/audit?since=yesterday")
    assert wrong.status_code == 400
    assert "since: &#39;yesterday&#39; is not a date" in wrong.text


def test_exports_hold_every_match_and_are_audited_once(
    node: Node, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_trail, "BATCH", 4)
    _entries(node, 12)  # three batches of the export
    _login(client, "aud")
    found = client.get("/audit/export.csv?action=case.note")
    assert found.status_code == 200
    assert found.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(found.text)))
    assert rows[0] == ["seq", "at", "actor", "action", "object", "outcome", "details"]
    assert len(rows) == 13
    assert json.loads(rows[-1][6]) == {"n": 11}
    lines = client.get("/audit/export.jsonl?actor=ivan&action=case.note").text.splitlines()
    assert len(lines) == 12
    assert json.loads(lines[0])["object"] == "C-0"
    assert _count(node, "audit.export") == 2  # one per export, however long


def test_a_formula_in_a_cell_is_not_run_by_a_spreadsheet(node: Node, client: TestClient) -> None:
    with node.ctx.engine.begin() as conn:
        audit(conn, node.clock(), "=HYPERLINK(1)", "case.note", obj="@x", outcome="ok")
    _login(client, "aud")
    (row,) = list(csv.reader(io.StringIO(client.get("/audit/export.csv?action=case.note").text)))[
        1:
    ]
    assert row[2:5] == ["'=HYPERLINK(1)", "case.note", "'@x"]


def test_attack_export_by_a_non_auditor_is_refused_and_not_recorded(
    node: Node, client: TestClient
) -> None:
    for user in ("ivan", "pia", "jane", "cora"):
        _login(client, user)
        for path in ("/audit/export.csv", "/audit/export.jsonl", "/audit"):
            response = client.get(path)
            assert response.status_code == 403, (user, path)
            assert "case.open" not in response.text
    assert _count(node, "audit.export") == 0


def test_attack_a_confidential_order_is_not_exported_to_an_auditor(
    node: Node, client: TestClient
) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    request = DraftRequest(
        "preservation", ("ict_theft",), (Target("logs", "data", "XB"),), "g", "s", "n", "p", 90
    )
    order = orders.draft_order(node.ctx, node.pia, case, request)
    orders.order_command(node.ctx, node.pia, order.id, Command.SUBMIT)
    _login(client, "aud")
    for fmt in ("csv", "jsonl"):
        text = client.get(f"/audit/export.{fmt}").text
        assert "order.submit" in text
        assert order.id not in text
        assert client.get(f"/audit/export.{fmt}?object={order.id}").text.count(order.id) == 0


def test_cli_searches_and_exports(node: Node, monkeypatch: pytest.MonkeyPatch) -> None:
    _entries(node, 3)
    monkeypatch.setattr(desk_local, "context", lambda: node.ctx)
    monkeypatch.setattr(desk_local, "principal", lambda: node.aud)
    runner = CliRunner()
    result = runner.invoke(cli_main.app, ["audit", "--action", "case.note", "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["object"] for line in result.output.splitlines()] == [
        "C-0",
        "C-1",
        "C-2",
    ]
    table = runner.invoke(cli_main.app, ["audit", "--actor", "ivan"], env={"COLUMNS": "200"})
    assert "3 of 3 matching entries shown" in table.output
    bad = runner.invoke(cli_main.app, ["audit", "--since", "soon"])
    assert isinstance(bad.exception, UserInputError)  # main.run prints it as one line
    assert "--since: 'soon' is not a date" in str(bad.exception)
    assert _count(node, "audit.export") == 1
    monkeypatch.setattr(desk_local, "principal", lambda: node.ivan)
    refused = runner.invoke(cli_main.app, ["audit", "--format", "csv"])
    assert isinstance(refused.exception, PermissionDeniedError)
    assert _count(node, "audit.export") == 1


def test_notifications_over_the_api_page_and_refuse_anothers(
    node: Node, client: TestClient
) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    for _ in range(3):
        request = DraftRequest(
            "production_of_data", ("ict_theft",), (Target("d", "data", "XB"),), "g", "s", "n", "p"
        )
        order = orders.draft_order(node.ctx, node.ivan, case, request)
        orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)

    def bearer(user: str) -> dict[str, str]:
        body = {"user": user, "password": PASSWORD}
        return {
            "Authorization": f"Bearer {client.post('/api/v1/login', json=body).json()['token']}"
        }

    jane = bearer("jane")
    first = client.get("/api/v1/notifications?limit=2", headers=jane).json()
    assert first["total"] == 3
    assert [n["link"] for n in first["items"]] == [
        "/orders/XA-O-2026-0003",
        "/orders/XA-O-2026-0002",
    ]
    rest = client.get(f"/api/v1/notifications?limit=2&cursor={first['next']}", headers=jane).json()
    assert [n["object"] for n in rest["items"]] == ["XA-O-2026-0001"]
    assert rest["next"] is None
    bad = client.get("/api/v1/notifications?cursor=bm90LWEtY3Vyc29y", headers=jane)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.cursor"

    # attack: another user reads or marks the judge's notifications
    pia = bearer("pia")
    assert client.get("/api/v1/notifications", headers=pia).json()["total"] == 0
    theirs = first["items"][0]["id"]
    refused = client.post("/api/v1/notifications/read", json={"ids": [theirs]}, headers=pia)
    assert refused.status_code == 404
    assert client.get("/api/v1/notifications?unread=true", headers=jane).json()["total"] == 3
    marked = client.post("/api/v1/notifications/read", json={"ids": [theirs]}, headers=jane)
    assert marked.json() == {"marked": 1}
    assert client.get("/api/v1/notifications?unread=true", headers=jane).json()["total"] == 2
