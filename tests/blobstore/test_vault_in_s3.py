"""A node whose vault is an S3 bucket: uploads stream in once, verify reads each object once."""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import obstore
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.blobstore.conftest import s3_options
from tests.blobstore.test_port import expected, pattern
from tests.service.conftest import PASSWORD, PROFILE, Clock, _database, facts
from uncc.adapters.db import schema
from uncc.adapters.s3store import S3BlobStore
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.parties.catalogue import parse_profile
from uncc.services import identity
from uncc.services.context import NodeContext, Principal


class Counting(S3BlobStore):
    """The S3 store, counting the bytes each blob is read with."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.read: Counter[str] = Counter()

    def open(self, sha256: str) -> Iterator[bytes]:
        for chunk in super().open(sha256):
            self.read[sha256] += len(chunk)
            yield chunk


@pytest.fixture(params=["sqlite", "postgresql"])
def vault(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[NodeContext, Counting]]:
    blobs = Counting(s3_options())
    settings = Settings(data_dir=tmp_path / "data", database_url=_database(request.param, tmp_path))
    ctx = build(settings, clock=Clock(), blobs=blobs)
    identity.init_node(ctx, parse_profile(PROFILE), "Northland", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "ivan", {Role.INVESTIGATOR}, PASSWORD)
    identity.add_user(ctx, admin, "jane", {Role.AUDITOR}, PASSWORD)  # verify, no dual control
    yield ctx, blobs
    ctx.engine.dispose()


def _login(api: TestClient, user: str) -> dict[str, str]:
    token = api.post("/api/v1/login", json={"user": user, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_uploads_stream_into_the_bucket_and_verify_reads_each_once(
    vault: tuple[NodeContext, Counting], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, blobs = vault

    def no_spool(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an upload was spooled to a temporary file")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_spool)
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", no_spool)
    with TestClient(create_app(Settings(), ctx)) as api:
        ivan, jane = _login(api, "ivan"), _login(api, "jane")
        facts_json = json.loads(json.dumps(facts("insider-company"), default=str))
        case_id = api.post("/api/v1/cases", json={"facts": facts_json}, headers=ivan).json()["id"]
        sizes = {1: 9 << 20, 2: 1000, 3: 0}  # multipart, one part, empty
        for seed, size in sizes.items():
            upload = api.post(
                f"/api/v1/cases/{case_id}/evidence",
                params={"filename": f"image-{seed}.dd"},
                content=pattern(size, seed),
                headers=ivan,
            )
            assert upload.status_code == 201, upload.text
            assert upload.json()["sha256"] == expected(size, seed)
            assert upload.json()["size"] == size
        again = api.post(  # the same bytes as a second item: one blob for both
            f"/api/v1/cases/{case_id}/evidence",
            params={"filename": "copy-of-image-2.dd"},
            content=pattern(sizes[2], 2),
            headers=ivan,
        )
        assert again.status_code == 201, again.text
        stored = {s.sha256: s.size for s in blobs.names()}
        assert stored == {expected(size, seed): size for seed, size in sizes.items()}
        assert not blobs.read  # storing read nothing back
        report = api.get("/api/v1/evidence/verify", headers=jane).json()
        assert (report["ok"], report["breaks"]) == (True, []), report
    assert blobs.read == Counter({sha: size for sha, size in stored.items() if size})
    assert set(blobs.read) | {expected(0, 3)} == set(stored)


@pytest.mark.parametrize("vault", ["sqlite"], indirect=True)  # the same on PostgreSQL
def test_an_object_replaced_in_the_bucket_breaks_verify(
    vault: tuple[NodeContext, Counting],
) -> None:
    ctx, blobs = vault
    with TestClient(create_app(Settings(), ctx)) as api:
        ivan, jane = _login(api, "ivan"), _login(api, "jane")
        facts_json = json.loads(json.dumps(facts("insider-company"), default=str))
        case_id = api.post("/api/v1/cases", json={"facts": facts_json}, headers=ivan).json()["id"]
        sha = api.post(
            f"/api/v1/cases/{case_id}/evidence",
            params={"filename": "log.txt"},
            content=b"the original log",
            headers=ivan,
        ).json()["sha256"]
        pointer = blobs._pointer(sha)
        assert pointer is not None
        obstore.put(blobs.store, pointer["object"], b"a forged log")
        report = api.get("/api/v1/evidence/verify", headers=jane).json()
    assert report["ok"] is False
    assert "SHA-256 is now" in report["breaks"][0]["problem"]


@pytest.mark.parametrize("vault", ["sqlite"], indirect=True)  # the same on PostgreSQL
def test_an_upload_over_the_limit_is_cut_off_in_the_bucket_leaving_nothing(
    vault: tuple[NodeContext, Counting],
) -> None:
    ctx, blobs = vault
    limit = 2 << 20
    with TestClient(create_app(Settings(max_upload_bytes=limit), ctx)) as api:
        ivan = _login(api, "ivan")
        facts_json = json.loads(json.dumps(facts("insider-company"), default=str))
        case_id = api.post("/api/v1/cases", json={"facts": facts_json}, headers=ivan).json()["id"]
        cut = api.post(  # no declared length: refused while it streams into the bucket
            f"/api/v1/cases/{case_id}/evidence",
            params={"filename": "too-big.dd"},
            content=iter([b"x" * 65536] * (limit // 65536 + 2)),
            headers=ivan,
        )
    assert cut.status_code == 413, cut.text
    assert list(blobs.names()) == []
    assert [m for batch in obstore.list(blobs.store) for m in batch] == []  # no object either
    with ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.evidence)).scalar_one() == 0
