"""Every API endpoint × every role: success only where the policy allows, never a 5xx."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Node, facts
from uncc.config import Settings
from uncc.domain.orders import Command, Target
from uncc.domain.policy import POLICY, Action, Role
from uncc.entrypoints.api.app import create_app
from uncc.services import cases, evidence, orders, protection
from uncc.services.orders import DraftRequest

USERS = {
    Role.INVESTIGATOR: "ivan",
    Role.PROSECUTOR: "pia",
    Role.JUDGE: "jane",
    Role.AUDITOR: "aud",
    Role.CONTACT_POINT: "cora",
    Role.ADMIN: "admin",
}


@pytest.fixture
def world(node: Node) -> Iterator[tuple[TestClient, dict[str, str]]]:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company"))
    order = orders.draft_order(
        node.ctx,
        node.pia,
        case.id,
        DraftRequest(
            "production_of_data",
            ("ict_theft",),
            (Target("designs", "data", "XB"),),
            "g",
            "s",
            "n",
            "p",
        ),
    )
    secret = orders.draft_order(
        node.ctx,
        node.pia,
        case.id,
        DraftRequest(
            "preservation",
            ("ict_theft",),
            (Target("designs", "data", "XB"),),
            "g",
            "s",
            "n",
            "p",
            30,
        ),
    )
    orders.order_command(node.ctx, node.pia, order.id, Command.SUBMIT)
    item = evidence.add_evidence(
        node.ctx, node.ivan, case.id, source=io.BytesIO(b"x"), filename="x", acquisition={}
    )
    person = protection.add_protected(
        node.ctx,
        node.ivan,
        case.id,
        kind=protection.ProtectedKind("witness"),
        identity={"name": "W. Itness", "whereabouts": "somewhere"},
        views="",
        claims=[],
        measures="",
    )
    ids = {
        "case": case.id,
        "order": order.id,
        "secret": secret.id,
        "item": item.id,
        "person": person.id,
    }
    with TestClient(create_app(Settings(), node.ctx)) as client:
        yield client, ids


ENDPOINTS: list[tuple[str, str, Action, dict[str, object] | None]] = [
    ("get", "/api/v1/cases", Action.CASE_READ, None),
    ("get", "/api/v1/cases/{case}", Action.CASE_READ, None),
    ("post", "/api/v1/cases", Action.CASE_OPEN, {"facts": "insider"}),
    ("get", "/api/v1/cases/{case}/case-uco", Action.EVIDENCE_READ, None),
    ("get", "/api/v1/cases/{case}/notes", Action.CASE_READ, None),
    ("post", "/api/v1/cases/{case}/notes", Action.CASE_UPDATE, {"text": "a note"}),
    ("get", "/api/v1/cases/{case}/protected", Action.PROTECTED_READ, None),
    ("get", "/api/v1/evidence/{item}/admissibility", Action.EVIDENCE_READ, None),
    ("get", "/api/v1/orders/{order}/document", Action.ORDER_READ, None),
    ("get", "/api/v1/evidence/{item}/document?format=html", Action.EVIDENCE_READ, None),
    ("get", "/api/v1/network/requests/none/document", Action.NETWORK_READ, None),
    ("get", "/api/v1/documents/" + "0" * 64, Action.CASE_READ, None),
    ("post", "/api/v1/documents/verify", Action.CASE_READ, {"file": "not a document"}),
    (
        "post",
        "/api/v1/cases/{case}/orders",
        Action.ORDER_DRAFT,
        {
            "power": "production_of_data",
            "offences": ["ict_theft"],
            "targets": [{"id": "designs", "kind": "data", "location": "XB"}],
            "grounds": "g",
            "scope": "s",
            "necessity": "n",
            "proportionality": "p",
        },
    ),
    ("get", "/api/v1/orders", Action.ORDER_READ, None),
    ("get", "/api/v1/orders/{order}", Action.ORDER_READ, None),
    ("post", "/api/v1/orders/{order}/authorise", Action.ORDER_AUTHORISE, {"note": "ok"}),
    ("get", "/api/v1/evidence/verify", Action.EVIDENCE_VERIFY, None),
    ("post", "/api/v1/evidence/verify", Action.EVIDENCE_VERIFY, {"head": "not a head"}),
    ("get", "/api/v1/evidence/head", Action.EVIDENCE_VERIFY, None),
    ("get", "/api/v1/network/witness", Action.NETWORK_READ, None),
    ("post", "/api/v1/network/witness/publish", Action.NETWORK_ADMIN, None),
    ("post", "/api/v1/network/witness/compare", Action.NETWORK_ADMIN, None),
    ("get", "/api/v1/evidence/{item}/custody", Action.CUSTODY_READ, None),
    ("get", "/api/v1/cases/{case}/evidence", Action.EVIDENCE_READ, None),
    ("get", "/api/v1/cases/{case}/property", Action.CASE_READ, None),
    (
        "post",
        "/api/v1/cases/{case}/property",
        Action.CASE_UPDATE,
        {
            "basis": "ict_theft",
            "transfers": [{"id": "t1", "target": "a", "amount": "5", "tainted": True}],
        },
    ),
    (
        "post",
        "/api/v1/cases/{case}/property/PR-0000/derived",
        Action.CASE_UPDATE,
        {"kind": "income", "description": "rent", "value": "1"},
    ),
    ("post", "/api/v1/cases/{case}/evidence?filename=x", Action.EVIDENCE_ADD, None),
    ("get", "/api/v1/network/requests", Action.NETWORK_READ, None),
    ("post", "/api/v1/network/requests/none/follow-hop", Action.NETWORK_SEND, None),
    ("get", "/api/v1/cases/{case}/path", Action.NETWORK_READ, None),
    ("get", "/api/v1/cases/{case}/path.svg", Action.NETWORK_READ, None),
    (
        "post",
        "/api/v1/cases/{case}/request-drafts",
        Action.NETWORK_SEND,
        {"measure": "preservation", "to": "XA"},
    ),
    (
        "get",
        "/api/v1/cases/{case}/request-drafts/document?measure=preservation&to=XA",
        Action.NETWORK_SEND,
        None,
    ),
    ("get", "/api/v1/network/requests/none", Action.NETWORK_READ, None),
    (
        "post",
        "/api/v1/network/requests",
        Action.NETWORK_SEND,
        {"kind": "consultation", "recipient": "XB", "body": {}},
    ),
    (
        "post",
        "/api/v1/network/requests/none/answers",
        Action.NETWORK_ANSWER,
        {"kind": "consultation", "body": {"text": "hello"}},
    ),
    ("get", "/api/v1/network/outbox", Action.NETWORK_READ, None),
    ("get", "/api/v1/network/counters", Action.NETWORK_READ, None),
    (
        "post",
        "/api/v1/network/requests/none/evidence",
        Action.EVIDENCE_SEND,
        {"items": ["E-0"]},
    ),
    ("post", "/api/v1/network/requests/none/evidence/accept", Action.EVIDENCE_ADD, None),
    ("get", "/api/v1/network/experts", Action.EXPERT_FIND, None),
    (
        "post",
        "/api/v1/network/experts",
        Action.EXPERT_MANAGE,
        {
            "id": "e1",
            "name": "E",
            "expertise": ["x"],
            "languages": ["en"],
            "time_zone": "UTC",
            "schedule": ["24/7"],
            "channel": "c",
        },
    ),
    ("post", "/api/v1/network/experts/sync", Action.EXPERT_MANAGE, None),
    (
        "post",
        "/api/v1/network/cases/{case}/selectors",
        Action.CASE_UPDATE,
        {"kind": "ip", "value": "203.0.113.9"},
    ),
    ("post", "/api/v1/network/deconfliction/check", Action.NETWORK_SEND, None),
    ("get", "/api/v1/network/deconfliction/hits", Action.NETWORK_READ, None),
    ("post", "/api/v1/network/deconfliction/key", Action.NETWORK_ADMIN, None),
    (
        "post",
        "/api/v1/network/requests/none/consent",
        Action.NETWORK_SEND,
        {"to": "XC", "purpose": "p", "what": "w"},
    ),
    (
        "post",
        "/api/v1/network/requests/none/consent/none",
        Action.NETWORK_ANSWER,
        {"granted": True},
    ),
    ("get", "/api/v1/network/retention", Action.NETWORK_READ, None),
    (
        "post",
        "/api/v1/network/retention/none",
        Action.NETWORK_ADMIN,
        {"reason": "r", "delete": True},
    ),
    ("get", "/api/v1/audit", Action.AUDIT_READ, None),
    ("get", "/api/v1/audit/export?format=csv", Action.AUDIT_READ, None),
    ("post", "/api/v1/tick", Action.NODE_TICK, None),
    ("get", "/api/v1/users", Action.USER_MANAGE, None),
    (
        "post",
        "/api/v1/users",
        Action.USER_MANAGE,
        {"user": "newbie", "roles": ["auditor"], "password": "lantern orbit velvet 42"},
    ),
    ("post", "/api/v1/users/nobody/disable", Action.USER_MANAGE, None),
    ("post", "/api/v1/users/nobody/enable", Action.USER_MANAGE, None),
    ("put", "/api/v1/users/nobody/roles", Action.USER_MANAGE, {"roles": ["auditor"]}),
    (
        "post",
        "/api/v1/users/nobody/password",
        Action.USER_MANAGE,
        {"password": "lantern orbit velvet 42"},
    ),
    ("post", "/api/v1/users/nobody/revoke-tokens", Action.USER_MANAGE, None),
    ("delete", "/api/v1/users/nobody/totp", Action.USER_MANAGE, None),
    ("get", "/api/v1/grants", Action.USER_MANAGE, None),
    ("post", "/api/v1/grants/G-none/approve", Action.USER_MANAGE, None),
    ("post", "/api/v1/grants/G-none/refuse", Action.USER_MANAGE, None),
    ("get", "/api/v1/jit", Action.NETWORK_READ, None),
    (
        "post",
        "/api/v1/jit",
        Action.NETWORK_ANSWER,
        {"name": "n", "purpose": "p", "members": ["XB"], "uses": ["x"], "ends": "2026-12-31"},
    ),
    ("get", "/api/v1/jit/none", Action.NETWORK_READ, None),
    ("post", "/api/v1/jit/none/accept", Action.NETWORK_ANSWER, {}),
    ("get", "/api/v1/jit/none/log", Action.NETWORK_READ, None),
    ("post", "/api/v1/jit/none/log", Action.NETWORK_SEND, {"kind": "decision", "text": "t"}),
    ("get", "/api/v1/jit/none/verify", Action.NETWORK_READ, None),
    ("get", "/api/v1/evidence", Action.EVIDENCE_READ, None),
    ("post", "/api/v1/evidence/{item}/seal", Action.EVIDENCE_SEAL, {"note": "sealed"}),
    ("post", "/api/v1/evidence/{item}/release", Action.EVIDENCE_SEAL, {"note": "released"}),
    ("get", "/api/v1/evidence/{item}/content", Action.EVIDENCE_CONTENT, None),
    ("get", "/api/v1/evidence/{item}/review", Action.CUSTODY_READ, None),
    ("post", "/api/v1/evidence/{item}/tags", Action.EVIDENCE_ANNOTATE, {"tag": "reviewed"}),
    ("delete", "/api/v1/evidence/{item}/tags/reviewed", Action.EVIDENCE_ANNOTATE, None),
    ("post", "/api/v1/evidence/{item}/annotations", Action.EVIDENCE_ANNOTATE, {"text": "seen"}),
    (
        "post",
        "/api/v1/cases/{case}/protected",
        Action.PROTECTED_ADD,
        {"kind": "witness", "name": "A. Witness"},
    ),
    ("post", "/api/v1/protected/{person}/disclose", Action.PROTECTED_DISCLOSE, {"reason": "trial"}),
    (
        "post",
        "/api/v1/cases/{case}/uploads",
        Action.EVIDENCE_ADD,
        {"filename": "x.log", "size": 1},
    ),
]


@pytest.mark.parametrize("role", list(USERS), ids=lambda r: r.value)
def test_every_endpoint_for_every_role(
    world: tuple[TestClient, dict[str, str]], role: Role
) -> None:
    client, ids = world
    token = client.post("/api/v1/login", json={"user": USERS[role], "password": PASSWORD}).json()[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    for method, template, action, body in ENDPOINTS:
        path = template.format(**ids)
        payload = body
        if body == {"facts": "insider"}:
            payload = {"facts": json.loads(json.dumps(facts("insider-company"), default=str))}
        response = getattr(client, method)(
            path, headers=headers, **({"json": payload} if payload is not None else {})
        )
        assert response.status_code < 500, (role, path, response.text)
        if role in POLICY[action]:
            assert response.status_code != 403, (role, path, response.text)
        else:
            assert response.status_code == 403, (role, path, response.status_code)
            assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("role", list(USERS), ids=lambda r: r.value)
def test_confidential_orders_leak_to_nobody_without_need_to_know(
    world: tuple[TestClient, dict[str, str]], role: Role
) -> None:
    client, ids = world
    token = client.post("/api/v1/login", json={"user": USERS[role], "password": PASSWORD}).json()[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/orders", headers=headers)
    one = client.get(f"/api/v1/orders/{ids['secret']}", headers=headers)
    may = role in POLICY[Action.ORDER_READ_CONFIDENTIAL]
    if role not in POLICY[Action.ORDER_READ]:
        assert listed.status_code == one.status_code == 403
    elif may:
        assert ids["secret"] in listed.text
        assert one.status_code == 200
    else:
        assert ids["secret"] not in listed.text
        assert one.status_code == 404


def test_the_table_above_covers_every_endpoint(world: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = world
    served = {
        (method, path)
        for path, item in client.get("/api/v1/openapi.json").json()["paths"].items()
        for method in item
        if path not in {"/api/v1/login", "/api/v1/node"}  # open to anyone / to every user
        and path != "/healthz"  # the probe: open to anyone, reads no data (test_health.py)
        and not path.startswith("/api/v1/me/")  # one's own second factor: every user
        and not path.startswith("/api/v1/notifications")  # one's own: every user (test_audit_pages)
        and path not in {"/api/v1/me", "/api/v1/logout", "/api/v1/notices"}  # one's own session
        # one's own upload sessions: another's is 404 (tests/security/test_resumable_uploads.py)
        and not path.startswith("/api/v1/uploads/")
        and not path.startswith("/network/v1/")  # other nodes: signed envelopes, no users
    }
    tested = {(m, t.split("?")[0]) for m, t, _, _ in ENDPOINTS}
    generic = {
        (
            m,
            p.replace("{case_id}", "{case}")
            .replace("{order_id}", "{order}")
            .replace("{item_id}", "{item}")
            .replace("/{command}", "/authorise")
            .replace("{name}", "nobody")
            .replace("{grant_id}", "G-none")
            .replace("{person_id}", "{person}"),
        )
        for m, p in served
    }
    generic = {
        (
            m,
            p.replace("/property/{item}/derived", "/property/PR-0000/derived")
            .replace("{conversation_id}", "none")
            .replace("{message_id}", "none")
            .replace("{team_id}", "none")
            .replace("{tag}", "reviewed")
            .replace("{code}", "0" * 64),
        )
        for m, p in generic
    }
    assert generic - tested == set()


@pytest.mark.parametrize("role", list(USERS), ids=lambda r: r.value)
def test_every_user_may_see_which_node_this_is_but_no_stranger(
    world: tuple[TestClient, dict[str, str]], role: Role
) -> None:
    client, _ = world
    token = client.post("/api/v1/login", json={"user": USERS[role], "password": PASSWORD}).json()[
        "token"
    ]
    assert (
        client.get("/api/v1/node", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    assert client.get("/api/v1/node").status_code == 403
