"""``uncc audit`` and ``uncc notifications`` print the same on the server and through ``--node``.

As in ``test_remote_same_output``: each command runs on the node's services (the local
desk) and through ``uncc.client`` against the node's API (the remote desk), and the outputs
and exit codes must be equal. An export is audited once wherever it is taken.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.security.conftest import SQLITE
from tests.security.test_remote_same_output import _world
from tests.service.conftest import PASSWORD, Node
from uncc.client import Client
from uncc.entrypoints.cli import desk_local, remote
from uncc.entrypoints.cli.main import app as cli
from uncc.services import audit_trail
from uncc.services.audit_search import AuditQuery

pytestmark = SQLITE  # the comparison does not depend on the database


def test_audit_and_notifications_print_the_same_here_and_through_the_api(
    node: Node, case_id: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _world(node, case_id)
    users = ("pia", "ivan", "aud", "jane")
    tokens = {
        u: client.post("/api/v1/login", json={"user": u, "password": PASSWORD}).json()["token"]
        for u in users
    }  # logged in first: the log-ins are in the trail before either side reads it
    runner = CliRunner()
    commands: list[tuple[str, list[str]]] = [
        ("aud", ["audit", "--action", "order.issue"]),
        ("aud", ["audit", "--limit", "3", "--actor", "ivan"]),
        (
            "aud",
            ["audit", "--object", ids["case"], "--since", "2000-01-01", "--until", "2999-12-31"],
        ),
        ("aud", ["audit", "--object", ids["order"], "--format", "csv"]),  # exported
        ("aud", ["audit", "--action", "order.issue", "--json"]),  # exported
        ("aud", ["audit", "--since", "yesterday"]),  # exit 2, the same words
        ("ivan", ["audit"]),  # exit 4: an investigator may not read the trail
        ("ivan", ["audit", "--format", "csv"]),  # exit 4, and nothing exported
        ("ivan", ["audit", "--object", ids["order"]]),  # exit 4
        ("pia", ["notifications"]),
        ("jane", ["notifications", "--unread", "--format", "json"]),
        ("ivan", ["notifications", "--format", "json"]),
        ("ivan", ["notifications", "--format", "yaml"]),  # exit 2
    ]
    env = {"COLUMNS": "300"}
    for user, args in commands:
        monkeypatch.setattr(desk_local, "context", lambda: node.ctx)
        monkeypatch.setattr(desk_local, "principal", lambda u=user: getattr(node, u))
        here = runner.invoke(cli, args, env=env)
        through = Client("http://testserver", tokens[user], http=client)
        monkeypatch.setattr(remote, "client", lambda _node, c=through, **_: c)
        there = runner.invoke(cli, ["--node", "http://testserver", *args], env=env)
        assert (here.exit_code, _text(here)) == (there.exit_code, _text(there)), (user, args)
        assert "Traceback" not in _text(there)
    exports = audit_trail.browse(
        node.ctx, node.aud, AuditQuery(action="audit.export"), limit=100
    ).entries
    # each export once, here and through the API; the refused ones not at all (the csv
    # exports named the confidential order, so their details are withheld from the auditor)
    assert [(e["actor"], e["details"].get("format")) for e in exports] == [
        ("aud", None),
        ("aud", None),
        ("aud", "jsonl"),
        ("aud", "jsonl"),
    ]


def test_a_non_auditor_is_refused_the_export_through_the_api(
    node: Node, client: TestClient
) -> None:
    exports = AuditQuery(action="audit.export")
    before = audit_trail.browse(node.ctx, node.aud, exports, limit=10).total
    token = client.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD}).json()
    answer = client.get(
        "/api/v1/audit/export",
        params={"format": "csv"},
        headers={"Authorization": f"Bearer {token['token']}"},
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("application/problem+json")
    after = audit_trail.browse(node.ctx, node.aud, exports, limit=10).total
    assert after == before  # nothing exported, nothing recorded


def _text(result: Any) -> str:
    return str(result.output) + (repr(result.exception) if result.exception else "")
