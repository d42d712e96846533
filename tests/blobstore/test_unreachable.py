"""A blob store that cannot be reached: a clear 503 problem and a one-line CLI error; nothing recorded."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.service.conftest import PASSWORD, PROFILE, Clock, facts
from uncc.adapters.db import schema
from uncc.adapters.s3store import S3BlobStore, S3Options
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.entrypoints.api.app import create_app
from uncc.parties.catalogue import parse_profile
from uncc.services import identity
from uncc.services.context import Principal

NOWHERE = S3Options("s3://vault/xa", "http://127.0.0.1:9", "us-east-1", "key", "secret")


def test_an_upload_to_an_unreachable_store_is_a_503_and_records_nothing(tmp_path: Path) -> None:
    ctx = build(Settings(data_dir=tmp_path), clock=Clock(), blobs=S3BlobStore(NOWHERE))
    identity.init_node(ctx, parse_profile(PROFILE), "Northland", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "ivan", {Role.INVESTIGATOR}, PASSWORD)
    with TestClient(create_app(Settings(), ctx)) as api:
        token = api.post("/api/v1/login", json={"user": "ivan", "password": PASSWORD})
        auth = {"Authorization": f"Bearer {token.json()['token']}"}
        body = json.loads(json.dumps(facts("insider-company"), default=str))
        case_id = api.post("/api/v1/cases", json={"facts": body}, headers=auth).json()["id"]
        answer = api.post(
            f"/api/v1/cases/{case_id}/evidence",
            params={"filename": "image.dd"},
            content=b"bytes that go nowhere",
            headers=auth,
        )
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"].endswith("storage-unavailable")
    assert "s3://vault/xa" in problem["detail"]
    assert "\n" not in problem["detail"]
    with ctx.engine.connect() as conn:
        for table in (schema.evidence, schema.custody):
            assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 0
