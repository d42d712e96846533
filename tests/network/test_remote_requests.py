"""``uncc request list|show`` print the same on the node and through ``--node``."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.network.kit import PASSWORD, make_network
from tests.network.test_preservation_flow import ask_to_preserve
from tests.service.conftest import Clock
from uncc.client import Client
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.cli import desk_local, remote
from uncc.entrypoints.cli.main import app as cli


def test_requests_are_shown_alike_here_and_through_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    net, _, members = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = members["XA"], members["XB"]
    _, sent, _ = ask_to_preserve(net, a, b)
    app = create_app(Settings(data_dir=tmp_path / "api"), b.ctx, transport=net)
    runner = CliRunner()
    with TestClient(app) as client:
        for user, args in [
            ("cora", ["request", "list"]),
            ("cora", ["request", "list", "--direction", "in"]),
            ("cora", ["request", "show", sent.id]),
            ("ivan", ["request", "show", sent.id]),
            ("cora", ["request", "show", "no-such-request"]),
        ]:
            monkeypatch.setattr(desk_local, "context", lambda: b.ctx)
            monkeypatch.setattr(desk_local, "principal", lambda u=user: b.people[u])
            here = runner.invoke(cli, args, env={"COLUMNS": "300"})
            token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD})
            through = Client("http://testserver", token.json()["token"], http=client)
            monkeypatch.setattr(remote, "client", lambda _node, c=through, **_: c)
            there = runner.invoke(
                cli, ["--node", "http://testserver", *args], env={"COLUMNS": "300"}
            )
            assert here.exit_code == there.exit_code, (user, args)
            assert here.output == there.output, (user, args)
            assert repr(here.exception) == repr(there.exception), (user, args)
    # the comparisons above are not vacuous: the request exists and is shown (a table's
    # width comes from the terminal the process started with, so look at `show`, not `list`)
    shown = runner.invoke(cli, ["request", "show", sent.id])
    assert shown.exit_code == 0
    assert "preservation_request from XA" in shown.output
