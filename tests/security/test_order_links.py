"""An order drafted for a received request links back to it, and the request to its orders.

Service, API and web; the denials: a judge (who may not read requests) never learns of
the request through the order, a contact point or an auditor (without need to know)
never learns of a confidential order through the request, and a link to an unknown, a
sent or another case's request is refused naming the field, with nothing stored.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from tests.security.conftest import bearer, problem, rows, stored, web_login
from tests.service.conftest import Node
from tests.service.test_node_flow import PRESERVE
from uncc.adapters.db import schema
from uncc.adapters.pdf_document import document_pdf
from uncc.domain.envelope import Envelope
from uncc.domain.orders import Command, Order
from uncc.domain.policy import Role
from uncc.errors import PermissionDeniedError, UserInputError
from uncc.services import documents, order_links, orders
from uncc.services.context import Principal
from uncc.services.network import requests, thread_links
from uncc.services.network.conversations import open_conversation
from uncc.services.reports.document_html import document_html

DRAFT = replace(PRESERVE, offences=("ict_theft",))
"""A preservation order (confidential, Art. 43(3)) on the insider case."""


def request_here(
    node: Node, *, direction: str = "in", case_id: str | None = None, reference: str = "XB-R-7"
) -> str:
    """A request received from XB (or, ``out``, sent to it), as the network leaves it."""
    now = node.clock()
    envelope = Envelope(
        type="preservation_request",
        sender="XB" if direction == "in" else "XA",
        recipient="XA" if direction == "in" else "XB",
        body={"reference": reference},
        created=now,
        expires=now + dt.timedelta(days=1),
        conversation=str(uuid.uuid4()),
    )
    status = "received" if direction == "in" else "sent"
    with node.ctx.engine.begin() as conn:
        open_conversation(
            conn, envelope, direction, "XB", case_id=case_id, order_id=None, status=status
        )
    return envelope.conversation


def answering(node: Node, case_id: str, request_id: str, who: Principal | None = None) -> Order:
    return orders.draft_order(
        node.ctx, who or node.ivan, case_id, replace(DRAFT, request_id=request_id)
    )


def test_an_order_drafted_for_a_request_links_both_ways_and_the_draft_is_audited(
    node: Node, case_id: str
) -> None:
    request_id = request_here(node)
    order = answering(node, case_id, request_id)
    assert order.request_id == request_id
    assert orders.get_order(node.ctx, node.pia, order.id).request_id == request_id
    assert [o.id for o in orders.list_orders(node.ctx, node.pia, request_id=request_id)] == [
        order.id
    ]
    assert orders.list_orders(node.ctx, node.pia, request_id=request_here(node)) == []
    seen = requests.get_conversation(node.ctx, node.pia, request_id)
    assert seen.drafted == (order.id,)
    assert order.id in thread_links.links_of(node.ctx, node.pia, seen).orders
    with node.ctx.engine.connect() as conn:
        details = conn.execute(
            select(schema.audit.c.details).where(
                schema.audit.c.action == "order.draft", schema.audit.c.object == order.id
            )
        ).scalar_one()
    assert details["request"] == request_id


def test_a_judge_does_not_learn_of_the_request_through_the_order(node: Node, case_id: str) -> None:
    request_id = request_here(node)
    order = answering(node, case_id, request_id)
    assert orders.get_order(node.ctx, node.jane, order.id).request_id is None
    assert all(o.request_id is None for o in orders.list_orders(node.ctx, node.jane))
    with pytest.raises(PermissionDeniedError, match=r"network\.read"):
        orders.list_orders(node.ctx, node.jane, request_id=request_id)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    moved = orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "enough")
    assert moved.request_id is None
    assert order_links.answered_request(node.ctx, node.jane, moved) is None


def test_a_confidential_order_does_not_leak_through_the_request(node: Node, case_id: str) -> None:
    request_id = request_here(node)
    order = answering(node, case_id, request_id)
    assert order.confidential  # preservation: Art. 43(3)
    for reader in (node.cora, node.aud):  # may read requests, not confidential orders
        seen = requests.get_conversation(node.ctx, reader, request_id)
        assert seen.drafted == ()
        assert order.id not in str(seen)
        assert order.id not in thread_links.links_of(node.ctx, reader, seen).orders
        listed = [c for c in requests.list_conversations(node.ctx, reader) if c.id == request_id]
        assert listed[0].drafted == ()
        assert orders.list_orders(node.ctx, reader, request_id=request_id) == []
    listed = [c for c in requests.list_conversations(node.ctx, node.pia) if c.id == request_id]
    assert listed[0].drafted == (order.id,)


@pytest.mark.parametrize("kind", ["unknown", "sent", "other case"])
def test_a_link_to_an_unknown_sent_or_another_cases_request_is_refused_nothing_stored(
    node: Node, case_id: str, kind: str
) -> None:
    request_id = {
        "unknown": lambda: "9f0e2c1a-0000-4000-8000-000000000000",
        "sent": lambda: request_here(node, direction="out"),
        "other case": lambda: request_here(node, case_id="XA-C-1999-0001"),
    }[kind]()
    before = stored(node)
    drafts = rows(node, schema.order_events), drafted(node)
    with pytest.raises(UserInputError, match=r"^request: "):
        answering(node, case_id, request_id)
    assert stored(node) == before
    assert (rows(node, schema.order_events), drafted(node)) == drafts


def drafted(node: Node) -> int:
    """Drafts audited (made or refused by the Convention's conditions)."""
    with node.ctx.engine.connect() as conn:
        return len(
            conn.execute(
                select(schema.audit.c.seq).where(schema.audit.c.action == "order.draft")
            ).all()
        )


def test_who_may_not_read_requests_is_told_none_exists(node: Node, case_id: str) -> None:
    request_id = request_here(node)
    drafter = Principal("olga", frozenset({Role.JUDGE}))  # no network.read
    with node.ctx.engine.connect() as conn, pytest.raises(UserInputError) as refused:
        order_links.check_link(conn, drafter, request_id, case_id)
    assert str(refused.value).startswith("request: no request")


def test_the_printed_order_says_which_request_it_answers_and_verifies(
    node: Node, case_id: str
) -> None:
    request_id = request_here(node, reference="XB-R-77")
    order = answering(node, case_id, request_id)
    made = documents.issue(node.ctx, node.pia, "order", order.id, fmt="html", render=document_html)
    assert f"XB-R-77 of XB ({request_id})" in made.data.decode()
    with node.ctx.engine.connect() as conn:
        content = conn.execute(
            select(schema.documents.c.content).where(schema.documents.c.code == made.document.code)
        ).scalar_one()
    assert request_id in str(content)  # in the content the code is made from
    with node.ctx.engine.connect() as conn:  # the request's words were read: audited
        read = conn.execute(
            select(schema.audit.c.actor, schema.audit.c.details).where(
                schema.audit.c.action == "network.read", schema.audit.c.object == request_id
            )
        ).all()
    assert [(r.actor, r.details) for r in read] == [("pia", {"order": order.id})]
    checked = documents.verify(node.ctx, node.pia, data=made.data)
    assert (checked.matches, checked.file_matches) == (True, True)
    node.clock.advance(1 / 1440)  # another print: another issue time, another code
    pdf = documents.issue(node.ctx, node.pia, "order", order.id, fmt="pdf", render=document_pdf)
    words = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split()
    )
    assert "In answer to request XB-R-77 of XB" in words
    assert documents.verify(node.ctx, node.pia, data=pdf.data).matches
    judge = documents.issue(
        node.ctx, node.jane, "order", order.id, fmt="html", render=document_html
    )
    assert request_id not in judge.data.decode()
    assert "In answer to request" not in judge.data.decode()


def test_the_api_links_validates_and_hides(node: Node, case_id: str, client: TestClient) -> None:
    request_id = request_here(node)
    ivan, pia, jane, cora = (bearer(client, u) for u in ("ivan", "pia", "jane", "cora"))
    body = {
        "power": DRAFT.power,
        "offences": list(DRAFT.offences),
        "targets": [{"id": "designs", "kind": "data", "location": "XB"}],
        "grounds": "g",
        "scope": "s",
        "necessity": "n",
        "proportionality": "p",
        "duration_days": 90,
        "request": request_id,
    }
    made = client.post(f"/api/v1/cases/{case_id}/orders", json=body, headers=ivan)
    assert made.status_code == 201, made.text
    order_id = made.json()["id"]
    assert made.json()["request"] == request_id
    assert client.get(f"/api/v1/orders/{order_id}", headers=pia).json()["request"] == request_id
    assert client.get(f"/api/v1/orders/{order_id}", headers=jane).json()["request"] is None
    listed = client.get("/api/v1/orders", params={"request": request_id}, headers=pia).json()
    assert [o["id"] for o in listed["items"]] == [order_id]
    problem(client.get("/api/v1/orders", params={"request": request_id}, headers=jane), 403)
    asked = f"/api/v1/network/requests/{request_id}"
    assert client.get(asked, headers=pia).json()["orders"] == [order_id]
    assert client.get(asked, headers=cora).json()["orders"] == []
    before = stored(node)
    refused = problem(
        client.post(
            f"/api/v1/cases/{case_id}/orders", json={**body, "request": "nowhere"}, headers=ivan
        ),
        400,
    )
    assert refused["detail"].startswith("request: no request 'nowhere'")
    assert stored(node) == before


def test_the_openapi_document_describes_the_link(client: TestClient) -> None:
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "request" in schemas["OrderIn"]["properties"]
    assert "request" in schemas["OrderOut"]["required"]
    assert "orders" in schemas["ConversationOut"]["required"]
    parameters = document["paths"]["/api/v1/orders"]["get"]["parameters"]
    assert "request" in [p["name"] for p in parameters]


def test_the_web_order_page_links_to_the_request_and_back(
    node: Node, case_id: str, client: TestClient
) -> None:
    request_id = request_here(node, case_id=case_id, reference="XB-R-9")
    order = answering(node, case_id, request_id)
    web_login(client, "pia")
    page = client.get(f"/orders/{order.id}").text
    assert f'href="/network/requests/{request_id}"' in page
    assert "XB-R-9" in page
    back = client.get(f"/network/requests/{request_id}").text
    assert f'href="/orders/{order.id}"' in back
    assert f'href="/cases/{case_id}?request={request_id}#draft"' in back  # draft another
    form = client.get(f"/cases/{case_id}", params={"request": request_id}).text
    assert f'name="request" value="{request_id}"' in form
    listed = client.get("/orders", params={"request": request_id}).text
    assert f'href="/orders/{order.id}"' in listed
    assert f'href="/network/requests/{request_id}"' in listed
    assert f'name="request" value="{request_id}"' in listed
    other = client.get("/orders", params={"request": request_here(node)}).text
    assert f'href="/orders/{order.id}"' not in other
    case_page = client.get(f"/cases/{case_id}").text  # the orders and the requests of the case
    assert case_page.count(f'href="/network/requests/{request_id}"') == 2
    assert f'href="/orders/{order.id}"' in case_page
    web_login(client, "jane")
    judge = client.get(f"/orders/{order.id}").text
    assert request_id not in judge
    assert request_id not in client.get(f"/cases/{case_id}").text
    assert request_id not in client.get("/orders").text
    assert 'name="request"' not in client.get("/orders").text
    assert client.get("/orders", params={"request": request_id}).status_code == 403
    web_login(client, "cora")
    desk = client.get(f"/network/requests/{request_id}").text
    assert order.id not in desk


def test_the_web_drafts_an_order_for_the_request_and_refuses_a_bad_one(
    node: Node, case_id: str, client: TestClient
) -> None:
    request_id = request_here(node, case_id=case_id)
    csrf = web_login(client, "ivan")
    form = {
        "csrf": csrf,
        "power": "preservation",
        "offences": "ict_theft",
        "target_id": "designs",
        "target_kind": "data",
        "target_state": "XB",
        "target_description": "",
        "grounds": "g",
        "scope": "s",
        "necessity": "n",
        "proportionality": "p",
        "duration_days": "90",
        "request": request_id,
    }
    done = client.post(f"/cases/{case_id}/orders", data=form)
    assert done.status_code == 303, done.text[:500]
    order_id = done.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert orders.get_order(node.ctx, node.pia, order_id).request_id == request_id
    sent = request_here(node, direction="out")
    before = stored(node)
    bad = client.post(f"/cases/{case_id}/orders", data={**form, "request": sent})
    assert bad.status_code == 422
    assert "our request to XB, not one received here" in bad.text
    assert f'name="request" value="{sent}"' in bad.text  # the form again, as typed
    assert stored(node) == before
