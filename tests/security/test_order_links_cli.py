"""``uncc order draft --request``, ``order show``, ``order list --request``, ``request show``.

Each command runs in-process on the node's services and through the API (``--node``):
the same words and exit codes; a judge is not told of the request, a contact point is
not told of the confidential order, a bad link is refused naming the field; run as from
a shell (``uncc.entrypoints.cli.main.run``), it exits 2, and a judge's filter 4.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.security.conftest import SQLITE, stored
from tests.security.test_order_links import request_here
from tests.service.conftest import PASSWORD, Node
from uncc.client import Client
from uncc.entrypoints.cli import account_desk, desk_local, remote
from uncc.entrypoints.cli.main import app as cli
from uncc.entrypoints.cli.main import run

pytestmark = SQLITE  # the words do not depend on the database (the service tests run both)

DRAFT = [
    "--power",
    "preservation",
    "--offence",
    "ict_theft",
    "--target",
    "id=designs,kind=data,state=XB",
    "--grounds",
    "copied",
    "--scope",
    "logs",
    "--necessity",
    "kept 30 days",
    "--proportionality",
    "one account",
    "--days",
    "90",
]


def _text(result: Any) -> str:
    return str(result.output) + (repr(result.exception) if result.exception else "")


def _both(
    node: Node, client: TestClient, monkeypatch: pytest.MonkeyPatch, user: str, args: list[str]
) -> tuple[int, str]:
    """Run ``uncc ARGS`` as ``user`` here and through the API: the same exit code and words."""
    runner = CliRunner()
    for module in (desk_local, account_desk):
        monkeypatch.setattr(module, "context", lambda: node.ctx)
        monkeypatch.setattr(module, "principal", lambda: getattr(node, user))
    here = runner.invoke(cli, args, env={"COLUMNS": "300"})
    token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()
    through = Client("http://testserver", token["token"], http=client)
    monkeypatch.setattr(remote, "client", lambda _node, c=through, **_: c)
    there = runner.invoke(cli, ["--node", "http://testserver", *args], env={"COLUMNS": "300"})
    assert (here.exit_code, _text(here)) == (there.exit_code, _text(there)), (user, args)
    return here.exit_code, _text(here)


def test_the_commands_link_an_order_and_its_request_both_ways(
    node: Node, case_id: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    request_id = request_here(node, case_id=case_id)
    monkeypatch.setattr(desk_local, "context", lambda: node.ctx)
    monkeypatch.setattr(desk_local, "principal", lambda: node.ivan)
    made = CliRunner().invoke(
        cli, ["order", "draft", case_id, *DRAFT, "--request", request_id, "-f", "json"]
    )
    assert made.exit_code == 0, _text(made)
    assert f'"request": "{request_id}"' in made.output
    order_id = made.output.split('"id": "', 1)[1].split('"', 1)[0]

    code, shown = _both(node, client, monkeypatch, "pia", ["order", "show", order_id])
    assert (code, f"in answer to request {request_id}" in shown) == (0, True)
    code, shown = _both(node, client, monkeypatch, "jane", ["order", "show", order_id])
    assert (code, request_id in shown) == (0, False)
    code, listed = _both(
        node, client, monkeypatch, "pia", ["order", "list", "--request", request_id]
    )
    assert (code, order_id in listed) == (0, True)
    code, denied = _both(
        node, client, monkeypatch, "jane", ["order", "list", "--request", request_id]
    )
    assert "PermissionDeniedError('judge may not network.read')" in denied  # exit 4 in a shell
    code, asked = _both(node, client, monkeypatch, "pia", ["request", "show", request_id])
    assert (code, f"our orders drafted for it: {order_id}" in asked) == (0, True)
    code, asked = _both(node, client, monkeypatch, "cora", ["request", "show", request_id])
    assert (code, order_id in asked) == (0, False)  # confidential: no need to know


@pytest.mark.parametrize("direction", ["unknown", "out"])
def test_a_draft_for_a_request_that_was_not_received_here_is_refused_and_stores_nothing(
    node: Node, case_id: str, client: TestClient, monkeypatch: pytest.MonkeyPatch, direction: str
) -> None:
    request_id = "nowhere" if direction == "unknown" else request_here(node, direction="out")
    before = stored(node)
    args = ["order", "draft", case_id, *DRAFT, "--request", request_id]
    _, said = _both(node, client, monkeypatch, "ivan", args)
    assert said.startswith("UserInputError(")  # exit 2 in a shell
    assert "request: " in said  # the field named
    assert stored(node) == before


def test_as_run_from_a_shell_a_bad_link_exits_2_and_a_judges_filter_exits_4(
    node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(desk_local, "context", lambda: node.ctx)
    runs = [
        ("ivan", ["order", "draft", case_id, *DRAFT, "--request", "nowhere"], 2),
        ("jane", ["order", "list", "--request", request_here(node)], 4),
    ]
    said = []
    for user, args, code in runs:
        monkeypatch.setattr(desk_local, "principal", lambda u=user: getattr(node, u))
        monkeypatch.setattr(sys, "argv", ["uncc", *args])
        umask = os.umask(0o022)
        try:
            with pytest.raises(SystemExit) as done:
                run()
        finally:
            os.umask(umask)
        assert done.value.code == code
        said.append(capsys.readouterr().err.strip())
    assert said == [
        "uncc: error: request: no request 'nowhere' was received here",
        "uncc: denied: judge may not network.read",
    ]
