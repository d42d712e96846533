"""The OpenAPI 3.1 document is a complete contract: every operation, every status, a schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from uncc.bootstrap import build
from uncc.config import Settings
from uncc.entrypoints.api.problem_types import TYPES
from uncc.entrypoints.asgi import create_app

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("contract")
    settings = Settings(data_dir=data, database_url=f"sqlite:///{Path(data) / 'node.db'}")
    with TestClient(create_app(settings, build(settings))) as client:
        yield client


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_the_document_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    assert len(list(_operations(document))) > 60


def test_every_operation_and_status_has_a_response_schema(document: dict[str, Any]) -> None:
    missing = []
    for path, method, operation in _operations(document):
        assert operation["responses"], (method, path)
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            if not content or not all("schema" in media for media in content.values()):
                missing.append(f"{method.upper()} {path} {status}")
    assert missing == []


def test_success_bodies_are_models_not_bare_objects(document: dict[str, Any]) -> None:
    """A 2xx JSON body names its fields (a $ref, an array of them, or a page of them)."""
    schemas = document["components"]["schemas"]
    vague = []
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if not status.startswith("2") or body is None:
                continue
            target = body.get("items", body).get("$ref", "")
            if not target:
                vague.append(f"{method.upper()} {path}")
                continue
            properties = schemas[target.rsplit("/", 1)[1]].get("properties", {})
            if not properties:
                vague.append(f"{method.upper()} {path}")
    # documents whose shape another format defines: JSON-LD, counters by name,
    # the hub's signed key statements
    assert sorted(vague) == [
        "GET /api/v1/cases/{case_id}/case-uco",
        "GET /api/v1/network/counters",
        "GET /network/v1/hub-keys",
    ]


def test_every_error_status_is_a_problem_with_its_types(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) and PROBLEM in response.get("content", {}):
                assert "/problems/" in response["description"], (method, path, status)
        if path.startswith("/api/"):
            for status in ("403", "422", "500"):
                assert status in operation["responses"], (method, path, status)


def test_lists_are_pages(document: dict[str, Any]) -> None:
    lists = {
        "/api/v1/cases",
        "/api/v1/orders",
        "/api/v1/cases/{case_id}/evidence",
        "/api/v1/audit",
        "/api/v1/users",
        "/api/v1/grants",
        "/api/v1/network/requests",
    }
    for path in lists:
        operation = document["paths"][path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"limit", "cursor"} <= names, path
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]
        page = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        assert set(page["required"]) == {"items", "total", "next"}, path


def test_every_problem_type_is_documented_at_its_uri(client: TestClient) -> None:
    index = client.get("/problems")
    assert index.status_code == 200
    for slug, kind in TYPES.items():
        assert f"/problems/{slug}" in index.text
        page = client.get(f"/problems/{slug}")
        assert page.status_code == 200, slug
        assert kind.title in page.text.replace("&#x27;", "'")
    assert client.get("/problems/no-such-type").status_code == 404


def test_docs_list_every_problem_type() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs/api.md").read_text(encoding="utf-8")
    assert [slug for slug in TYPES if f"`/problems/{slug}`" not in text] == []
