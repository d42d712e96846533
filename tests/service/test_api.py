"""The node's API in process (httpx + ASGI): the flow, denials and problem JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Node, facts
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app


@pytest.fixture
def api(node: Node) -> Iterator[TestClient]:
    app = create_app(Settings(), node.ctx)
    with TestClient(app) as client:
        yield client


def token(api: TestClient, user: str) -> dict[str, str]:
    response = api.post("/api/v1/login", json={"user": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def jsonable(name: str) -> dict[str, object]:
    return json.loads(json.dumps(facts(name), default=str))


def test_the_preservation_flow_over_http(api: TestClient) -> None:
    ivan, pia, jane = token(api, "ivan"), token(api, "pia"), token(api, "jane")
    case = api.post("/api/v1/cases", json={"facts": jsonable("insider-company")}, headers=ivan)
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    body = {
        "power": "preservation",
        "offences": ["ict_theft"],
        "targets": [{"id": "designs", "kind": "data", "location": "XB"}],
        "grounds": "g",
        "scope": "s",
        "necessity": "n",
        "proportionality": "p",
        "duration_days": 90,
    }
    order = api.post(f"/api/v1/cases/{case_id}/orders", json=body, headers=ivan).json()
    blocked = api.post(f"/api/v1/orders/{order['id']}/issue", headers=pia)
    assert blocked.status_code == 409
    assert blocked.headers["content-type"] == "application/problem+json"
    assert blocked.json()["provision"] == "art_42__para_2"
    assert api.post(f"/api/v1/orders/{order['id']}/submit", headers=ivan).status_code == 200
    denied = api.post(f"/api/v1/orders/{order['id']}/authorise", headers=pia)
    assert denied.status_code == 403
    assert (
        api.post(
            f"/api/v1/orders/{order['id']}/authorise", json={"note": "ok"}, headers=jane
        ).status_code
        == 200
    )
    issued = api.post(f"/api/v1/orders/{order['id']}/issue", headers=pia).json()
    assert issued["state"] == "issued"
    upload = api.post(
        f"/api/v1/cases/{case_id}/evidence",
        params={"filename": "designs.zip"},
        content=b"abc" * 1000,
        headers=ivan,
    )
    assert upload.status_code == 201, upload.text
    verified = api.get("/api/v1/evidence/verify", headers=jane).json()
    assert (verified["ok"], verified["breaks"], verified["items"]) == (True, [], 1)
    chain = api.get(f"/api/v1/evidence/{upload.json()['id']}/custody", headers=jane).json()
    assert chain[0]["kind"] == "acquired"


def test_problems_name_the_field(api: TestClient) -> None:
    ivan = token(api, "ivan")
    bad = api.post(
        "/api/v1/cases",
        json={
            "facts": {"uncc": "incident/1", "id": "x", "acts": [{"id": "a1", "conduct": "acess"}]}
        },
        headers=ivan,
    )
    assert bad.status_code == 422
    assert (
        "acts[0].conduct: 'acess' is not a known conduct; did you mean 'access'?"
        in bad.json()["errors"]
    )
    invalid = api.post("/api/v1/cases/C-1/orders", json={"power": "search"}, headers=ivan)
    assert invalid.status_code == 422
    assert {e["field"] for e in invalid.json()["errors"]} >= {"offences", "targets", "grounds"}
    bodiless = api.post("/api/v1/evidence/verify", headers=ivan)  # the body itself is named
    assert (bodiless.status_code, bodiless.json()["errors"]) == (
        422,
        [{"field": "body", "reason": "Field required"}],
    )


def test_no_token_no_access(api: TestClient) -> None:
    for method, path in [
        ("get", "/api/v1/cases"),
        ("get", "/api/v1/orders"),
        ("get", "/api/v1/evidence/verify"),
        ("post", "/api/v1/tick"),
    ]:
        response = getattr(api, method)(path)
        assert response.status_code == 403, path
        assert response.json()["type"].endswith("/forbidden")
    assert (
        api.get("/api/v1/cases", headers={"Authorization": "Bearer uncc_nope"}).status_code == 403
    )
    assert (
        api.post("/api/v1/login", json={"user": "ivan", "password": "wrong password!!"}).status_code
        == 403
    )


def test_roles_are_enforced_on_every_read(api: TestClient) -> None:
    aud = token(api, "aud")
    assert api.post("/api/v1/tick", headers=aud).status_code == 403
    assert api.get("/api/v1/cases/C-2026-9999", headers=aud).status_code == 404


def test_openapi_document_is_served(api: TestClient) -> None:
    document = api.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/orders" in document["paths"]
