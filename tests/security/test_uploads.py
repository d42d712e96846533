"""Evidence uploads: who, which case and how much are checked before a byte is kept."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.security.conftest import (
    MAX_UPLOAD,
    SQLITE,
    bearer,
    problem,
    stored,
    stored_blobs,
    web_login,
)
from tests.service.conftest import Node
from uncc.adapters import blobstore
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.entrypoints.cli.main import run


def upload(client: TestClient, case_id: str, user: str, body: bytes) -> Any:
    return client.post(
        f"/api/v1/cases/{case_id}/evidence",
        params={"filename": "image.dd"},
        content=body,
        headers=bearer(client, user),
    )


def test_an_auditor_upload_is_refused_and_nothing_is_stored(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(node)
    spooled: list[object] = []
    monkeypatch.setattr(blobstore.FileBlobStore, "put", lambda *a: spooled.append(a))
    problem(upload(client, case_id, "aud", b"secret" * 1000), 403)
    problem(upload(client, "C-2099-0001", "ivan", b"secret" * 1000), 404)
    assert spooled == []
    assert stored(node) == before


def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(
    client: TestClient, node: Node, case_id: str
) -> None:
    before = stored(node)
    body = problem(upload(client, case_id, "ivan", b"x" * (MAX_UPLOAD + 1)), 413)
    assert str(MAX_UPLOAD) in body["detail"]  # refused on its declared length, unread
    chunked = client.post(  # no length: cut off while it streams into the vault
        f"/api/v1/cases/{case_id}/evidence",
        params={"filename": "image.dd"},
        content=iter([b"x" * 8192] * (MAX_UPLOAD // 8192 + 2)),
        headers=bearer(client, "ivan"),
    )
    problem(chunked, 413)
    assert stored(node) == before  # no record, no blob, no temporary file
    assert upload(client, case_id, "ivan", b"x" * 1000).status_code == 201


@SQLITE
def test_a_web_upload_by_an_auditor_is_refused_before_the_form_is_read(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(node)
    csrf = web_login(client, "aud")
    from starlette.requests import Request  # noqa: PLC0415

    read: list[bool] = []
    original = Request.form
    monkeypatch.setattr(Request, "form", lambda self, **kw: read.append(True) or original(self))
    response = client.post(
        f"/cases/{case_id}/evidence",
        data={"csrf": csrf},
        files={"file": ("image.dd", b"secret" * 1000)},
    )
    assert response.status_code == 403
    assert "text/html" in response.headers["content-type"]
    assert read == []
    assert stored(node) == before


def test_a_full_disk_is_507_and_nothing_is_half_written(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(node)

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobstore.os, "fsync", full)
    body = problem(upload(client, case_id, "ivan", b"x" * 5000), 507)
    assert "disk is full" in body["detail"]
    assert stored(node) == before


@SQLITE
def test_a_full_disk_in_the_cli_is_one_line_and_nothing_is_stored(
    node: Node,
    case_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = stored(node)
    from uncc.entrypoints.cli import desk_local  # noqa: PLC0415

    monkeypatch.setattr(desk_local, "context", lambda: node.ctx)  # the test's node, logged in
    monkeypatch.setattr(desk_local, "principal", lambda: node.ivan)
    image = tmp_path / "image.dd"
    image.write_bytes(b"x" * 5000)

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blobstore.os, "fsync", full)
    monkeypatch.setattr(sys, "argv", ["uncc", "evidence", "add", str(image), "--case", case_id])
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 7
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "uncc: disk full: the vault's disk is full; the upload was not stored"
    ]
    assert "Traceback" not in err
    assert stored(node) == before


def test_temporary_files_left_by_a_crash_are_removed_at_start_up(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    ctx = build(settings)
    spool = ctx.blobs.spool_dir
    stale, fresh = spool / "tmpdead", spool / "tmplive"
    stale.write_bytes(b"half an image")
    fresh.write_bytes(b"being written now")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    ctx.engine.dispose()
    build(settings).engine.dispose()
    assert not stale.exists()
    assert fresh.exists()  # another process may still be writing it


@SQLITE
def test_a_full_disk_reported_by_the_database_is_507_and_rolled_back(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3  # noqa: PLC0415

    from sqlalchemy.exc import OperationalError  # noqa: PLC0415

    from uncc.services import evidence  # noqa: PLC0415

    def full(*_: object) -> str:
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(evidence, "next_id", full)
    before = stored(node)
    problem(upload(client, case_id, "ivan", b"x" * 5007), 507)
    after = stored(node)
    # the records are rolled back; the blob written before stays, unreferenced (security.md)
    assert {k: v for k, v in after.items() if k != "blobs"} == {
        k: v for k, v in before.items() if k != "blobs"
    }
    assert not [b for b in after["blobs"] if b.startswith("tmp/")]


@SQLITE
def test_a_chunked_upload_under_the_limit_is_hashed_as_it_streams(
    client: TestClient, node: Node, case_id: str
) -> None:
    import hashlib  # noqa: PLC0415

    parts = [bytes([n]) * 7001 for n in range(28)]  # about 196 KB in odd-sized chunks
    response = client.post(
        f"/api/v1/cases/{case_id}/evidence",
        params={"filename": "image.dd"},
        content=iter(parts),
        headers=bearer(client, "ivan"),
    )
    assert response.status_code == 201, response.text
    body = b"".join(parts)
    assert response.json()["sha256"] == hashlib.sha256(body).hexdigest()
    assert response.json()["size"] == len(body)
    assert not any(p.startswith("tmp/") for p in stored_blobs(node))
