"""Need to know (Arts. 43(3), 47(3), 48(3)): a confidential order appears in no output
for anyone without need to know, whatever the output (CLI, API, web, export, report).

One confidential preservation order, drafted by an investigator (its author), authorised
by a judge and issued by a prosecutor, with evidence acquired under it, a case note and
a desk notice naming it. Every output is read as every user; the order's id, grounds
and notes must appear only for its author, prosecutors and judges.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.service.conftest import PASSWORD, Node, facts
from uncc.config import Settings
from uncc.domain.orders import Command, Target
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.cli import desk_local as cli_desk
from uncc.entrypoints.cli import main as cli_main
from uncc.entrypoints.cli import node as cli_node
from uncc.errors import NotFoundError
from uncc.services import cases, evidence, identity, orders
from uncc.services.context import Principal
from uncc.services.network.outbox import alert
from uncc.services.orders import DraftRequest

GROUNDS = "grounds-7QZK4 the engineer copied the designs"
JUDGE_NOTE = "judge-note-9XWP2"
ISSUE_NOTE = "issue-note-3MNR8"
SEEING = {"ines", "pia", "jane"}
BLIND = {"ivan", "aud", "cora", "admin"}


@dataclass
class World:
    node: Node
    ines: Principal
    case: str
    order: str
    item: str

    def secrets(self) -> tuple[str, ...]:
        return (self.order, GROUNDS, JUDGE_NOTE, ISSUE_NOTE)


@pytest.fixture
def world(node: Node) -> World:
    ctx = node.ctx
    identity.add_user(ctx, node.admin, "ines", {Role.INVESTIGATOR}, PASSWORD)
    ines = Principal("ines", frozenset({Role.INVESTIGATOR}))
    case = cases.open_case(ctx, ines, facts("insider-company")).id
    request = DraftRequest(
        "preservation",
        ("ict_theft",),
        (Target("designs", "data", "XB"),),
        GROUNDS,
        "repository access logs",
        "the logs are kept for 30 days",
        "only the engineer's account",
        90,
    )
    order = orders.draft_order(ctx, ines, case, request)
    assert order.confidential == "art_43__para_3"
    orders.order_command(ctx, ines, order.id, Command.SUBMIT)
    orders.order_command(ctx, node.jane, order.id, Command.AUTHORISE, JUDGE_NOTE)
    orders.order_command(ctx, node.pia, order.id, Command.ISSUE, ISSUE_NOTE)
    item = evidence.add_evidence(
        ctx,
        ines,
        case,
        source=io.BytesIO(b"repository access log\n"),
        filename="access.log",
        acquisition={"tool": "dd", "tool_version": "9.1"},
        order_id=order.id,
    )
    cases.add_note(ctx, ines, case, f"logs preserved under {order.id}")
    with ctx.engine.begin() as conn:
        alert(conn, ctx.clock(), f"desk: preservation order {order.id} issued")
    node.clock.advance(91)  # the order is overdue: whoever ticks expires it
    return World(node, ines, case, order.id, item.id)


def _principal(world: World, user: str) -> Principal:
    if user == "ines":
        return world.ines
    found: Principal = getattr(world.node, user)
    return found


def _api(client: TestClient, world: World, user: str) -> dict[str, str]:
    token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    paths = [
        "/api/v1/orders",
        f"/api/v1/orders?case={world.case}",
        f"/api/v1/orders/{world.order}",
        f"/api/v1/cases/{world.case}",
        f"/api/v1/cases/{world.case}/notes",
        f"/api/v1/cases/{world.case}/case-uco",
        f"/api/v1/evidence/{world.item}/admissibility",
        f"/api/v1/evidence/{world.item}/admissibility?format=md",
        f"/api/v1/evidence/{world.item}/admissibility?format=html",
        f"/api/v1/evidence/{world.item}/custody",
        "/api/v1/audit?limit=1000",
        "/api/v1/network/requests",
        "/api/v1/notifications",
    ]
    found = {}
    for path in paths:
        response = client.get(path, headers=headers)
        assert response.status_code < 500, (user, path, response.text)
        found[f"API {path}"] = response.text
    found["API POST /api/v1/tick"] = client.post("/api/v1/tick", headers=headers).text
    return found


def _web(client: TestClient, world: World, user: str) -> dict[str, str]:
    client.cookies.clear()
    assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 303
    paths = [
        "/dashboard",
        f"/cases/{world.case}",
        f"/orders/{world.order}",
        f"/evidence/{world.item}",
        f"/evidence/{world.item}/report",
        f"/evidence/{world.item}/report.html",
        f"/evidence/{world.item}/report.md",
        f"/evidence/{world.item}/report.json",
        f"/cases/{world.case}/case-uco.jsonld",
        "/audit",
        "/audit/export.csv",
        "/audit/export.jsonl",
        "/network",
        "/notifications",
        "/orders",
        f"/orders?case={world.case}",
    ]
    found = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, (user, path, response.text)
        found[f"web {path}"] = response.text
    return found


def _cli(world: World, user: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    who = _principal(world, user)
    for module in (cli_desk, cli_node):
        monkeypatch.setattr(module, "context", lambda: world.node.ctx)
        monkeypatch.setattr(module, "principal", lambda: who)
    runner = CliRunner()
    commands = [
        ["node", "tick"],
        ["case", "show", world.case],
        ["case", "show", world.case, "--json"],
        ["case", "export", world.case],
        ["order", "list"],
        ["order", "show", world.order],
        ["evidence", "list"],
        ["evidence", "custody", world.item],
        ["evidence", "report", world.item, "-f", "md"],
        ["evidence", "report", world.item, "-f", "html"],
        ["evidence", "report", world.item, "-f", "json"],
        ["audit", "--limit", "10000"],
        ["audit", "--limit", "10000", "--json"],
        ["notices"],
        ["notifications", "--format", "json"],
        ["audit", "--format", "csv"],
    ]
    found = {}
    for args in commands:
        result = runner.invoke(cli_main.app, args, env={"COLUMNS": "400"})
        assert not isinstance(result.exception, AssertionError | TypeError | KeyError), result
        found["uncc " + " ".join(args)] = result.output
    return found


def _unechoed(where: str, text: str, order: str) -> str:
    """The output without what echoes the request: its path, and "no order <the id asked>"."""
    path = where.split(" ", 1)[1]
    return text.replace(path.split("?")[0], "").replace(f"no order {order}", "")


def _leaks(world: World, user: str, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """Every (output, secret) where the user reads one of the order's secrets."""
    outputs = _cli(world, user, monkeypatch)
    with TestClient(create_app(Settings(), world.node.ctx), follow_redirects=False) as client:
        outputs |= _api(client, world, user) | _web(client, world, user)
    if user == "admin":  # the admin expired the order, and was not told which
        assert "1 order(s) expired" in outputs["uncc node tick"]
    return {
        (where, secret)
        for where, text in outputs.items()
        for secret in world.secrets()
        if re.search(re.escape(secret) + r"(?!\d)", _unechoed(where, text, world.order))
    }


def test_every_output_as_every_user(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    for user in ("admin", *sorted(SEEING | BLIND - {"admin"})):
        leaks = _leaks(world, user, monkeypatch)
        if user in BLIND:
            assert leaks == set(), user
        else:
            # the order is there for those with need to know (the walk can find it)
            assert ("API /api/v1/orders/" + world.order, world.order) in leaks, user
            assert (f"web /orders/{world.order}", GROUNDS) in leaks, user
            assert (f"uncc evidence report {world.item} -f md", JUDGE_NOTE) in leaks, user
            assert (f"web /cases/{world.case}/case-uco.jsonld", world.order) in leaks, user


def test_evidence_cannot_be_attached_to_an_order_the_uploader_may_not_see(world: World) -> None:
    node = world.node
    before = (
        evidence.list_evidence(node.ctx, node.pia),
        sorted(p.name for p in node.ctx.blobs.root.rglob("*") if p.is_file()),
    )
    with pytest.raises(NotFoundError) as refused:
        evidence.add_evidence(
            node.ctx,
            node.ivan,
            world.case,
            source=io.BytesIO(b"smuggled under a secret order"),
            filename="x.bin",
            acquisition={},
            order_id=world.order,
        )
    assert str(refused.value) == f"no order {world.order} in case {world.case}"
    after = (
        evidence.list_evidence(node.ctx, node.pia),
        sorted(p.name for p in node.ctx.blobs.root.rglob("*") if p.is_file()),
    )
    assert after == before
    refusals = [
        e
        for e in cases.audit_trail(node.ctx, node.admin, 10_000)
        if e["action"] == "evidence.add" and e["outcome"] == "refused"
    ]
    assert len(refusals) == 1
    # through the API too, refused before the body is read
    with TestClient(create_app(Settings(), node.ctx)) as client:
        token = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD}).json()
        response = client.post(
            f"/api/v1/cases/{world.case}/evidence",
            params={"filename": "x.bin", "order": world.order},
            headers={"Authorization": f"Bearer {token['token']}"},
            content=b"smuggled under a secret order",
        )
    assert response.status_code == 404
    assert response.json()["detail"] == f"no order {world.order} in case {world.case}"
    assert (
        evidence.list_evidence(node.ctx, node.pia),
        sorted(p.name for p in node.ctx.blobs.root.rglob("*") if p.is_file()),
    ) == before
    # the same refusal, by the same words, for an order that does not exist at all
    with pytest.raises(NotFoundError, match="no order O-2026-9999 in case"):
        evidence.add_evidence(
            node.ctx,
            node.ivan,
            world.case,
            source=io.BytesIO(b"x"),
            filename="x.bin",
            acquisition={},
            order_id="O-2026-9999",
        )

    # the author may attach evidence to it; readers without need to know see the item
    # without the order, notes and the audit trail without its id
    (mine,) = evidence.list_evidence(node.ctx, world.ines, world.case)
    (theirs,) = evidence.list_evidence(node.ctx, node.ivan, world.case)
    assert mine.acquisition.order_id == world.order
    assert theirs.acquisition.order_id is None
    assert theirs.sha256 == mine.sha256
    (note,) = cases.list_notes(node.ctx, node.ivan, world.case)
    assert note.text == "logs preserved under (a confidential order)"
    (shown,) = cases.list_notes(node.ctx, node.pia, world.case)
    assert shown.text == f"logs preserved under {world.order}"
    blind = [
        e for e in cases.audit_trail(node.ctx, node.aud, 10_000) if e["action"] == "order.issue"
    ]
    assert [(e["actor"], e["details"]) for e in blind] == [("pia", {})]
    assert json.dumps(blind, default=str).count(world.order) == 0
