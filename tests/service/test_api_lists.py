"""Lists over HTTP: one page shape with totals and cursors, filters, and no leak through them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import PASSWORD, Node, facts
from tests.service.test_need_to_know import World, world  # noqa: F401 - the fixture
from uncc.config import Settings
from uncc.domain.orders import Command, Target
from uncc.entrypoints.asgi import create_app
from uncc.services import cases, evidence, orders
from uncc.services.orders import DraftRequest


@pytest.fixture
def api(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx)) as client:
        yield client


def token(api: TestClient, user: str) -> dict[str, str]:
    answer = api.post("/api/v1/login", json={"user": user, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def walk(api: TestClient, path: str, headers: dict[str, str], **params: Any) -> list[Any]:
    """Every item of a list, page by page, checking each page's shape and total.

    Reading the audit trail is audited: its total grows by the walk's own reads, while
    the walk goes on from where it started (no entry twice, none skipped).
    """
    found: list[Any] = []
    cursor = None
    total = None
    while True:
        query = params if cursor is None else {**params, "cursor": cursor}
        answer = api.get(path, params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        assert set(page) == {"items", "total", "next"}
        if total is None or not path.endswith("/audit"):
            assert total in (None, page["total"])
            total = page["total"]
        found += page["items"]
        cursor = page["next"]
        if cursor is None:
            break
        assert len(page["items"]) == params.get("limit", 100)
    assert len(found) == total
    return found


def _order(node: Node, case: str, power: str = "preservation") -> str:
    request = DraftRequest(
        power, ("ict_theft",), (Target("designs", "data", "XB"),), "g", "s", "n", "p", 90
    )
    return orders.draft_order(node.ctx, node.ivan, case, request).id


def test_cases_page_with_totals_and_cursors_and_filters(api: TestClient, node: Node) -> None:
    opened = [cases.open_case(node.ctx, node.ivan, facts("insider-company")).id]
    node.clock.advance(2)
    opened += [cases.open_case(node.ctx, node.ivan, facts("bec-fraud")).id for _ in range(2)]
    ivan = token(api, "ivan")

    listed = walk(api, "/api/v1/cases", ivan, limit=2)
    assert [c["id"] for c in listed] == sorted(opened)
    assert {c["created_by"] for c in listed} == {"ivan"}

    first_day = (node.clock.now - dt.timedelta(days=2)).date().isoformat()
    assert [c["id"] for c in walk(api, "/api/v1/cases", ivan, opened_to=first_day)] == opened[:1]
    later = walk(api, "/api/v1/cases", ivan, opened_from=node.clock.now.isoformat())
    assert [c["id"] for c in later] == opened[1:]
    assert walk(api, "/api/v1/cases", ivan, state="closed") == []
    assert len(walk(api, "/api/v1/cases", ivan, state="open")) == 3

    found = cases.get_case(node.ctx, node.ivan, opened[0]).findings("XA")
    offence = next(o for o, status in found if status != "not_established")
    with_it = {c["id"] for c in walk(api, "/api/v1/cases", ivan, offence=offence)}
    assert opened[0] in with_it
    assert walk(api, "/api/v1/cases", ivan, offence="no_such_offence") == []


def test_orders_and_evidence_filter(api: TestClient, node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    other = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    drafted = [_order(node, case), _order(node, case), _order(node, other)]
    orders.order_command(node.ctx, node.ivan, drafted[1], Command.SUBMIT)
    evidence.add_evidence(
        node.ctx, node.ivan, case, source=io.BytesIO(b"log\n"), filename="a.log", acquisition={}
    )
    pia, ivan = token(api, "pia"), token(api, "ivan")

    assert len(walk(api, "/api/v1/orders", pia, limit=1)) == 3
    assert [o["id"] for o in walk(api, "/api/v1/orders", pia, case=case)] == drafted[:2]
    submitted = walk(api, "/api/v1/orders", pia, state="submitted")
    assert [o["id"] for o in submitted] == [drafted[1]]
    assert walk(api, "/api/v1/orders", pia, power="interception") == []
    refused = api.get("/api/v1/orders", params={"state": "nonsense"}, headers=pia)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "query.state"

    items = walk(api, f"/api/v1/cases/{case}/evidence", ivan)
    assert [(i["filename"], i["case"], i["size"]) for i in items] == [("a.log", case, 4)]
    assert walk(api, f"/api/v1/cases/{other}/evidence", ivan) == []


def test_the_audit_trail_walks_back_in_time_with_filters(api: TestClient, node: Node) -> None:
    case = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    for _ in range(3):
        node.clock.advance(1)
        cases.get_case(node.ctx, node.pia, case)  # each read is audited
    aud = token(api, "aud")

    reads = walk(api, "/api/v1/audit", aud, limit=2, actor="pia", action="case.read")
    assert len(reads) == 3
    assert len({e["seq"] for e in reads}) == 3  # no entry twice across pages
    first = api.get("/api/v1/audit", params={"limit": 2, "actor": "pia"}, headers=aud).json()
    seqs = [e["seq"] for e in first["items"]]
    assert seqs == sorted(seqs)  # a page is oldest first
    assert seqs[-1] == max(e["seq"] for e in reads)  # the first page is the newest
    about = walk(api, "/api/v1/audit", aud, object=case, action="case.read")
    assert len(about) == 3
    since = (node.clock.now - dt.timedelta(hours=1)).isoformat()
    assert len(walk(api, "/api/v1/audit", aud, since=since, action="case.read")) == 1
    until = (node.clock.now - dt.timedelta(days=3)).date().isoformat()
    assert walk(api, "/api/v1/audit", aud, until=until, action="case.read") == []


def test_bad_paging_is_refused_naming_the_field(api: TestClient) -> None:
    ivan = token(api, "ivan")
    for name, value in [
        ("cursor", "nonsense"),
        ("cursor", "cDEw!"),  # a given cursor, altered
        ("cursor", "eDEw"),
        ("cursor", "-1"),
        ("limit", 0),
        ("limit", 1001),
        ("limit", -5),
    ]:
        answer = api.get("/api/v1/cases", params={name: value}, headers=ivan)
        assert answer.status_code == 422, (name, value)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["errors"][0]["field"] == f"query.{name}"


def test_an_auditor_cannot_find_a_hidden_order_by_searching_the_trail(
    world: World,  # noqa: F811 - the fixture imported above
) -> None:
    """Attack: the auditor has no need to know the confidential order; searching by its id
    (or paging through everything) neither finds its entries nor counts them. Filtering
    the orders finds it for its author only."""
    with TestClient(create_app(Settings(), world.node.ctx)) as api:
        aud = token(api, "aud")
        hidden = api.get("/api/v1/audit", params={"object": world.order}, headers=aud).json()
        assert hidden == {"items": [], "total": 0, "next": None}
        everything = walk(api, "/api/v1/audit", aud, limit=7)
        assert world.order not in str(everything)
        ines = token(api, "ines")  # the author may know
        assert (
            api.get("/api/v1/audit", params={"object": world.order}, headers=ines).status_code
            == 403
        )
        mine = walk(api, "/api/v1/orders", ines, state="issued", power="preservation")
        assert [o["id"] for o in mine] == [world.order]
        ivan = token(api, "ivan")  # another investigator: no need to know
        assert walk(api, "/api/v1/orders", ivan, state="issued", power="preservation") == []
