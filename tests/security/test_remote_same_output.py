"""The same command prints the same on the server and through ``--node``, refusals included.

Each command runs twice in-process: once on the node's services (the local desk), once
through ``uncc.client`` against the node's API (the remote desk); the outputs and exit
codes must be equal, character for character.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.security.conftest import SQLITE
from tests.service.conftest import PASSWORD, Node
from uncc.client import Client
from uncc.domain.orders import Command, Target
from uncc.entrypoints.cli import account_desk, desk_local, remote
from uncc.entrypoints.cli.main import app as cli
from uncc.services import evidence, orders, protection
from uncc.services.orders import DraftRequest

pytestmark = SQLITE  # the comparison does not depend on the database


def _world(node: Node, case_id: str) -> dict[str, str]:
    draft = DraftRequest(
        "preservation",
        ("ict_theft",),
        (Target("designs", "data", "XB"),),
        "copied",
        "logs",
        "kept 30 days",
        "one account",
        90,
    )
    order = orders.draft_order(node.ctx, node.ivan, case_id, draft)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT, "")
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "sufficient")
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE, "")
    item = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(b"designs" * 1000),
        filename="designs.bin",
        acquisition={"tool": "dd", "tool_version": "9.1", "source": "laptop", "place": ""},
        order_id=order.id,
    )
    evidence.set_sealed(node.ctx, node.ivan, item.id, sealed=True, note="pending")
    protection.add_protected(
        node.ctx,
        node.ivan,
        case_id,
        kind=protection.ProtectedKind.WITNESS,
        identity={"name": "Ingrid Holm"},
        views="fears reprisals",
        claims=[{"claim": "18400 EUR loss"}],
    )
    return {"case": case_id, "order": order.id, "item": item.id}


def test_the_work_commands_print_the_same_here_and_through_the_api(
    node: Node, case_id: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _world(node, case_id)
    runner = CliRunner()
    commands: list[tuple[str, list[str]]] = [
        ("pia", ["case", "show", ids["case"]]),
        ("ivan", ["case", "show", ids["case"]]),
        ("aud", ["case", "show", ids["case"], "--json"]),
        ("pia", ["case", "list"]),
        ("pia", ["order", "show", ids["order"]]),
        ("pia", ["order", "list", "--case", ids["case"]]),
        ("ivan", ["order", "list"]),  # the confidential order is not there for him
        ("ivan", ["order", "show", ids["order"]]),  # exit 2, the same words
        ("pia", ["order", "issue", ids["order"]]),  # exit 5: already issued
        ("aud", ["order", "revoke", ids["order"]]),  # exit 4: the role may not
        ("ivan", ["evidence", "list", "--case", ids["case"]]),
        ("ivan", ["evidence", "custody", ids["item"]]),
        ("pia", ["evidence", "report", ids["item"], "-f", "md"]),
        ("pia", ["evidence", "report", ids["item"], "-f", "json"]),
        ("ivan", ["evidence", "seal", ids["item"]]),  # exit 5: already sealed
        ("ivan", ["evidence", "verify", "--no-witnesses"]),
        ("pia", ["protect", "list", ids["case"]]),
        ("ivan", ["proceeds", "list", ids["case"]]),
        ("adam", ["user", "list"]),
        ("adam", ["user", "grants", "--all"]),
        ("ivan", ["user", "disable", "pia"]),  # exit 4: not an administrator
        ("ivan", ["user", "roles", "pia", "--role", "judge"]),  # exit 4
        ("ivan", ["user", "revoke-tokens", "pia"]),  # exit 4
        ("adam", ["user", "totp-reset", "adam"]),  # exit 5: not one's own
        ("ivan", ["notices"]),
        ("ivan", ["case", "show", "C-2099-0001"]),  # exit 2: no such case
    ]
    principals = {u: getattr(node, u) for u in ("pia", "ivan", "aud", "adam")}
    env = {"COLUMNS": "300"}
    for user, args in commands:
        for module in (desk_local, account_desk):
            monkeypatch.setattr(module, "context", lambda: node.ctx)
            monkeypatch.setattr(module, "principal", lambda u=user: principals[u])
        here = runner.invoke(cli, args, env=env)
        token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()
        through = Client("http://testserver", token["token"], http=client)
        monkeypatch.setattr(remote, "client", lambda _node, c=through, **_: c)
        there = runner.invoke(cli, ["--node", "http://testserver", *args], env=env)
        assert (here.exit_code, _text(here)) == (there.exit_code, _text(there)), (user, args)
        assert "Traceback" not in _text(there)


def _text(result: Any) -> str:
    return str(result.output) + (repr(result.exception) if result.exception else "")
