"""``uncc evidence get|tag|annotate``: the same here and through ``--node``, refusals included.

The download is written only once its bytes hash to the recorded SHA-256; a role that
may not read the content gets no file, and a refused tag stores nothing.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.security.conftest import SQLITE
from tests.service.conftest import PASSWORD, Node
from uncc.client import Client
from uncc.entrypoints.cli import account_desk, desk_local, remote
from uncc.entrypoints.cli.main import app as cli
from uncc.services import evidence, evidence_review

pytestmark = SQLITE

DATA = b"designs" * 5000


def _run(
    node: Node,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    user: str,
    args: list[str],
    *,
    remote_too: bool,
    between: Path | None = None,
) -> list[tuple[int, str]]:
    runner = CliRunner()
    env = {"COLUMNS": "300"}
    for module in (desk_local, account_desk):
        monkeypatch.setattr(module, "context", lambda: node.ctx)
        monkeypatch.setattr(module, "principal", lambda u=user: getattr(node, u))
    here = runner.invoke(cli, args, env=env)
    out = [(here.exit_code, here.output + repr(here.exception or ""))]
    if between is not None:
        between.unlink(missing_ok=True)  # the same file name for the second run
    if remote_too:
        token = client.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()
        through = Client("http://testserver", token["token"], http=client)
        monkeypatch.setattr(remote, "client", lambda _node, c=through, **_: c)
        there = runner.invoke(cli, ["--node", "http://testserver", *args], env=env)
        out.append((there.exit_code, there.output + repr(there.exception or "")))
    return out


def test_get_writes_the_verified_bytes_here_and_through_the_api(
    node: Node, case_id: str, client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    item = evidence.add_evidence(
        node.ctx, node.ivan, case_id, source=io.BytesIO(DATA), filename="d.bin", acquisition={}
    )
    target = tmp_path / "copy.bin"
    here = _run(
        node,
        client,
        monkeypatch,
        "jane",
        ["evidence", "get", item.id, "-o", str(target)],
        remote_too=False,
    )
    assert here[0][0] == 0, here
    assert target.read_bytes() == DATA
    assert f"sha256 {item.sha256} (verified)" in here[0][1]
    target.unlink()
    there = _run(
        node,
        client,
        monkeypatch,
        "jane",
        ["evidence", "get", item.id, "-o", str(target)],
        remote_too=True,
        between=target,
    )
    assert there[0] == there[1]
    assert target.read_bytes() == DATA
    again = _run(
        node,
        client,
        monkeypatch,
        "jane",
        ["evidence", "get", item.id, "-o", str(target)],
        remote_too=False,
    )
    assert again[0][0] != 0  # never overwrites a file
    refused_file = tmp_path / "refused.bin"
    refused = _run(
        node,
        client,
        monkeypatch,
        "aud",
        ["evidence", "get", item.id, "-o", str(refused_file)],
        remote_too=True,
    )
    assert refused[0] == refused[1]
    assert "PermissionDeniedError('auditor may not evidence.content')" in refused[0][1]
    assert not refused_file.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_tag_and_annotate_here_and_through_the_api(
    node: Node, case_id: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = evidence.add_evidence(
        node.ctx, node.ivan, case_id, source=io.BytesIO(DATA), filename="d.bin", acquisition={}
    )
    runs = [
        ("pia", ["evidence", "tag", item.id, "exhibit 1"]),
        ("pia", ["evidence", "tag", item.id, "exhibit 1", "--remove"]),
        ("jane", ["evidence", "annotate", item.id, "page 2: the first login"]),
        ("aud", ["evidence", "tag", item.id, "mine"]),  # exit 4: the role may not
        ("pia", ["evidence", "tag", item.id, "<b>"]),  # exit 1: not a tag
    ]
    for user, args in runs:
        here, there = _run(node, client, monkeypatch, user, args, remote_too=True)
        # the second run is refused where the first changed something: compare refusals only
        if here[0] != 0:
            assert here == there, (user, args)
    review = evidence_review.get_review(node.ctx, node.jane, item.id)
    assert review.tags == []
    assert [a.text for a in review.annotations] == ["page 2: the first login"] * 2
