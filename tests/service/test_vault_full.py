"""``verify --full`` reaches the node from every door: the CLI, the client and the API.

A state snapshot signed with the node's own key that disagrees with the log (a bug, or
someone who holds the key) is the one thing only a replay from the log's start sees
(tests/service/test_vault_state.py). A court, or the node's auditor, must be able to ask
for that replay; and a verification replayed from a snapshot says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.service import vault_kit as kit
from tests.service.conftest import PASSWORD, Node
from tests.service.test_vault_tamper import PRESERVE
from uncc.client import models as m
from uncc.client.client import Client
from uncc.config import Settings
from uncc.domain.custody import BreakKind as K
from uncc.domain.vault import Logged
from uncc.entrypoints.asgi import create_app
from uncc.entrypoints.cli import vault as vault_cli
from uncc.entrypoints.cli.main import app as cli_app
from uncc.services import custody_log, vault


@pytest.fixture
def api(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx)) as client:
        yield client


def lying_snapshot(node: Node, monkeypatch: pytest.MonkeyPatch) -> kit.Vault:
    """A vault whose signed snapshot says the sealed item is not sealed, and so does its row."""
    v = kit.build_vault(node, PRESERVE)
    real = custody_log.record_state

    def lying(ctx: Any, tree: Any, held: dict[str, Logged]) -> None:
        item = held[v.sealed]
        real(ctx, tree, {**held, v.sealed: replace(item, sealed=not item.sealed)})

    with monkeypatch.context() as patched:
        patched.setattr(custody_log, "record_state", lying)
        assert vault.check(node.ctx, node.aud).breaks == []  # a clean full replay signs it
    kit.flip_sealed(v)  # the row now agrees with the snapshot, not with the log
    return v


def test_the_api_replays_in_full_when_asked(
    node: Node, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = lying_snapshot(node, monkeypatch)
    login = api.post("/api/v1/login", json={"user": "aud", "password": PASSWORD})
    auditor = {"Authorization": f"Bearer {login.json()['token']}"}
    quick = api.get("/api/v1/evidence/verify", headers=auditor).json()
    assert (quick["ok"], quick["replayed_from"]) == (True, quick["entries"])  # the snapshot's word
    for full in (
        api.get("/api/v1/evidence/verify", params={"full": True}, headers=auditor).json(),
        api.post(
            "/api/v1/evidence/verify", json={"head": v.head, "full": True}, headers=auditor
        ).json(),
    ):
        assert full["ok"] is False
        assert full["replayed_from"] == 0
        assert [(b["kind"], b["item"]) for b in full["breaks"]] == [(K.ROW_DIFFERS, v.sealed)]
    assert api.post("/api/v1/evidence/verify", json={"head": v.head}, headers=auditor).json()[
        "ok"
    ]  # without full: the snapshot again


class _Connection:
    """The client's HTTP connection, recording what is asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, dict[str, Any]]] = []

    def get(self, path: str, **params: Any) -> Any:
        self.asked.append(("GET", path, params))
        return {"ok": True, "entries": 1, "items": 0, "breaks": []}

    def post(self, path: str, body: Any = None, **params: Any) -> Any:
        self.asked.append(("POST", path, body))
        return {"ok": True, "entries": 1, "items": 0, "breaks": []}


def test_the_client_asks_for_the_full_replay() -> None:
    client = Client.__new__(Client)
    connection = _Connection()
    client.connection = connection  # type: ignore[assignment]
    client.verify(full=True)
    client.verify("C-1", since="head", full=True)
    client.verify()
    assert [a[2]["full"] for a in connection.asked] == [True, True, False]


class _Desk:
    def __init__(self) -> None:
        self.full: list[bool] = []

    def verify(self, case_id: str | None, since: str | None, witnesses: bool, full: bool) -> Any:
        self.full.append(full)
        return m.VaultReport(ok=True, entries=9, items=2, breaks=[], replayed_from=9 - 9 * full)


def test_the_cli_asks_for_the_full_replay_and_shows_where_the_replay_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = _Desk()
    monkeypatch.setattr(vault_cli, "desk", lambda: desk)
    quick = CliRunner().invoke(cli_app, ["evidence", "verify", "--no-witnesses"])
    full = CliRunner().invoke(cli_app, ["evidence", "verify", "--no-witnesses", "--full"])
    assert (quick.exit_code, full.exit_code, desk.full) == (0, 0, [False, True])
    as_json = CliRunner().invoke(cli_app, ["evidence", "verify", "--no-witnesses", "-f", "json"])
    assert json.loads(as_json.output)["replayed_from"] == 9  # where the replay started


def _web_login(client: TestClient, user: str) -> str:
    """Log ``user`` in on the web; the form token."""
    assert client.post("/login", data={"user": user, "password": PASSWORD}).status_code == 303
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', client.get("/dashboard").text)
    assert found
    return found.group(1)


def test_the_web_page_replays_in_full_when_asked_and_says_which_was_done(
    node: Node, monkeypatch: pytest.MonkeyPatch
) -> None:
    v = lying_snapshot(node, monkeypatch)
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        csrf = _web_login(client, "aud")
        quick = client.post("/verify", data={"csrf": csrf, "case": ""})
        assert quick.status_code == 200
        assert "row-differs-from-log" not in quick.text  # the snapshot's word
        entries = vault.check(node.ctx, node.aud).replayed_from
        assert entries > 0
        assert f"signed state snapshot at entry {entries}:" in quick.text
        assert 'name="full" value="1"' in quick.text  # the button and the checkbox
        for asked in (
            {"csrf": csrf, "case": "", "full": "1"},  # the button
            {"csrf": csrf, "case": "", "since": v.head, "full": "1"},  # the checkbox
        ):
            full = client.post("/verify", data=asked)
            assert full.status_code == 200
            assert "row-differs-from-log" in full.text
            assert v.sealed in full.text
            assert "Full replay, as asked" in full.text
            assert "signed state snapshot at entry" not in full.text
        assert "row-differs-from-log" not in client.post("/verify", data={"csrf": csrf}).text
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as client:
        denied = client.post("/verify", data={"csrf": _web_login(client, "admin"), "full": "1"})
        assert denied.status_code == 403  # the API's rule: an administrator does not verify
