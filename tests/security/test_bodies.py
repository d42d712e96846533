"""Oversized, slow and deeply nested bodies: refused before they cost memory, nothing stored.

The guard refuses before any handler (or the database) is involved: SQLite only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi.testclient import TestClient

from tests.security.conftest import MAX_BODY, SQLITE, bearer, problem, rows, stored
from tests.service.conftest import Node, facts
from uncc.adapters.db import schema


def chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    """A body sent chunked (no Content-Length), as a client that lies about nothing."""
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size


@SQLITE
def test_a_declared_oversized_login_body_is_refused_before_it_is_read(
    client: TestClient, node: Node
) -> None:
    before = rows(node, schema.tokens)
    response = client.post(
        "/api/v1/login",
        content=b"{" + b" " * (MAX_BODY + 10) + b"}",
        headers={"content-type": "application/json"},
    )
    body = problem(response, 413)
    assert str(MAX_BODY) in body["detail"]
    assert rows(node, schema.tokens) == before


@SQLITE
def test_a_chunked_oversized_case_body_is_cut_off(client: TestClient, node: Node) -> None:
    headers = bearer(client, "ivan") | {"content-type": "application/json"}
    before = stored(node)
    response = client.post("/api/v1/cases", content=chunks(4 * MAX_BODY), headers=headers)
    problem(response, 413)
    assert stored(node) == before


@SQLITE
def test_an_oversized_envelope_to_the_inbox_is_refused(client: TestClient, node: Node) -> None:
    before = rows(node, schema.audit), stored(node)
    response = client.post(
        "/network/v1/inbox",
        content=chunks(4 * MAX_BODY),
        headers={"content-type": "application/jose"},
    )
    problem(response, 413)
    assert (rows(node, schema.audit), stored(node)) == before


@SQLITE
def test_an_oversized_web_form_gets_the_error_page(client: TestClient, node: Node) -> None:
    before = rows(node, schema.tokens)
    response = client.post("/login", data={"user": "ivan", "password": "x" * (2 * MAX_BODY)})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "<main" in response.text  # the site's layout
    assert rows(node, schema.tokens) == before


@SQLITE
def test_deeply_nested_json_facts_are_refused_naming_the_field(
    client: TestClient, node: Node
) -> None:
    headers = bearer(client, "ivan")
    before = stored(node)
    deep: object = "x"
    for _ in range(200):
        deep = {"a": deep}
    document = json.dumps({"facts": {**facts("insider-company"), "x": deep}}, default=str)
    response = client.post(
        "/api/v1/cases", content=document, headers=headers | {"content-type": "application/json"}
    )
    body = problem(response, 422)
    assert body["errors"][0]["field"] == "facts"
    assert "nested deeper than" in body["detail"]
    pathological = '{"facts": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = client.post(
        "/api/v1/cases",
        content=pathological,
        headers=headers | {"content-type": "application/json"},
    )
    assert 400 <= problem(response, response.status_code)["status"] < 500
    assert stored(node) == before


@SQLITE
def test_deeply_nested_request_bodies_to_other_states_are_refused(
    client: TestClient, node: Node
) -> None:
    before = stored(node)
    deep: object = 1
    for _ in range(100):
        deep = [deep]
    response = client.post(
        "/api/v1/network/requests",
        json={"kind": "preservation", "recipient": "XB", "body": {"data": deep}},
        headers=bearer(client, "cora"),
    )
    assert problem(response, 422)["errors"][0]["field"].startswith("body")
    assert stored(node) == before
    assert json.dumps(deep)  # the document itself is valid JSON: only its depth is refused
