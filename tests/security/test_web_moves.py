"""Moves hidden from a user are still refused when posted, and irreversible ones need a reason.

The order page offers only the moves :func:`uncc.domain.order_moves.moves` allows; these
tests post the others anyway (web form and API) and check the refusal, the audit entry
and that nothing was stored. A revocation, refusal or disclosure without its reason is
refused the same way, and the confirmation page keeps what was typed.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.security.conftest import bearer, web_login
from tests.service.conftest import Node
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.orders import Command, Target
from uncc.entrypoints.api.app import create_app
from uncc.services import orders, protection
from uncc.services.orders import DraftRequest

PRESERVE = DraftRequest(
    power="preservation",
    offences=("ict_theft",),
    targets=(Target("designs", "data", "XB"),),
    grounds="the engineer copied the designs",
    scope="repository logs, May 2026",
    necessity="kept 30 days",
    proportionality="one account",
    duration_days=90,
)


@pytest.fixture(scope="module")
def app(node: Node, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The node's app with the default limits (the module's timing is not under test)."""
    return create_app(Settings(data_dir=tmp_path_factory.mktemp("settings")), node.ctx)


def drafted(node: Node, case_id: str) -> str:
    return orders.draft_order(node.ctx, node.ivan, case_id, PRESERVE).id


def events(node: Node, order_id: str) -> list[tuple[str, str]]:
    with node.ctx.engine.connect() as conn:
        found = conn.execute(
            select(schema.order_events.c.command, schema.order_events.c.note)
            .where(schema.order_events.c.order_id == order_id)
            .order_by(schema.order_events.c.id)
        )
        return [(r.command, r.note) for r in found]


def audited(node: Node, action: str, obj: str) -> list[dict[str, Any]]:
    with node.ctx.engine.connect() as conn:
        found = conn.execute(
            select(schema.audit.c.outcome, schema.audit.c.details)
            .where(schema.audit.c.action == action, schema.audit.c.object == obj)
            .order_by(schema.audit.c.seq)
        )
        return [{"outcome": r.outcome, **r.details} for r in found]


def buttons(html: str) -> set[str]:
    return set(re.findall(r'formaction="/orders/[^/]+/([a-z]+)"', html)) | set(
        re.findall(r'action="/orders/[^/]+/confirm/([a-z]+)"', html)
    )


def test_issue_before_the_judge_is_not_offered_and_refused_when_posted(
    client: TestClient, node: Node, case_id: str
) -> None:
    order_id = drafted(node, case_id)
    csrf = web_login(client, "pia")
    shown = client.get(f"/orders/{order_id}")
    assert buttons(shown.text) == {"submit", "revoke"}
    assert (
        "<strong>Issue</strong>: Northland requires a judge" not in shown.text
    )  # the State's code
    assert re.search(r"<strong>Issue</strong>: XA requires a judge to authorise", shown.text)
    assert "art_42__para_2" in shown.text
    posted = client.post(f"/orders/{order_id}/issue", data={"csrf": csrf})
    assert posted.status_code == 409
    assert "requires a judge" in posted.text
    assert events(node, order_id) == []
    assert orders.get_order(node.ctx, node.pia, order_id).state.value == "draft"
    assert audited(node, "order.issue", order_id)[-1]["outcome"] == "refused"
    api = client.post(f"/api/v1/orders/{order_id}/issue", headers=bearer(client, "pia"))
    assert api.status_code == 409
    assert events(node, order_id) == []


def test_a_move_of_another_role_is_not_offered_and_refused_when_posted(
    client: TestClient, node: Node, case_id: str
) -> None:
    order_id = drafted(node, case_id)
    orders.order_command(node.ctx, node.ivan, order_id, Command.SUBMIT)
    csrf = web_login(client, "ivan")
    shown = client.get(f"/orders/{order_id}")
    assert buttons(shown.text) == set()
    assert "only a judge may authorise an order" in shown.text
    for command in ("authorise", "revoke"):
        posted = client.post(f"/orders/{order_id}/{command}", data={"csrf": csrf, "reason": "x"})
        assert posted.status_code == 403
    assert [e[0] for e in events(node, order_id)] == ["submit"]
    assert audited(node, "order.revoke", order_id)[-1]["outcome"] == "refused"


def test_a_revocation_without_a_reason_is_refused_and_the_page_asks_again(
    client: TestClient, node: Node, case_id: str
) -> None:
    order_id = drafted(node, case_id)
    csrf = web_login(client, "pia")
    confirm = client.get(f"/orders/{order_id}/confirm/revoke")
    assert confirm.status_code == 200
    assert 'name="reason" required' in confirm.text
    refused = client.post(f"/orders/{order_id}/revoke", data={"csrf": csrf, "reason": "  "})
    assert refused.status_code == 422
    assert "a revocation must state its reasons" in refused.text
    assert 'id="e-reason"' in refused.text  # next to the reason field, on the same page
    assert events(node, order_id) == []
    assert audited(node, "order.revoke", order_id)[-1]["outcome"] == "refused"
    api = client.post(
        f"/api/v1/orders/{order_id}/revoke", json={"note": ""}, headers=bearer(client, "pia")
    )
    assert api.status_code == 400
    assert "reason" in api.json()["detail"]
    assert events(node, order_id) == []
    done = client.post(
        f"/orders/{order_id}/revoke", data={"csrf": csrf, "reason": "the data was deleted"}
    )
    assert done.status_code == 303
    assert events(node, order_id) == [("revoke", "the data was deleted")]
    assert audited(node, "order.revoke", order_id)[-1] == {
        "outcome": "ok",
        "state": "revoked",
        "property": [],
        "reason": "the data was deleted",
    }
    history = client.get(f"/orders/{order_id}").text
    assert "the data was deleted" in history
    assert buttons(history) == set()


def test_the_api_lists_the_moves_with_the_reasons(
    client: TestClient, case_id: str, node: Node
) -> None:
    order_id = drafted(node, case_id)
    body = client.get(f"/api/v1/orders/{order_id}", headers=bearer(client, "pia")).json()
    assert body["allowed_moves"] == ["submit", "revoke"]
    assert body["blocked_moves"] == [
        {
            "command": "issue",
            "why_not": "XA requires a judge to authorise a preservation order before it is issued",
            "provision": "art_42__para_2",
        }
    ]
    listed = client.get(
        "/api/v1/orders", params={"case": case_id}, headers=bearer(client, "jane")
    ).json()["items"]
    assert [o["allowed_moves"] for o in listed if o["id"] == order_id] == [["revoke"]]


def test_a_disclosure_without_a_reason_decrypts_nothing(
    client: TestClient, node: Node, case_id: str
) -> None:
    person = protection.add_protected(
        node.ctx,
        node.ivan,
        case_id,
        kind=protection.ProtectedKind.WITNESS,
        identity={"name": "Ada Witness", "whereabouts": "Northtown"},
        views="",
        claims=[],
        measures="",
    )
    csrf = web_login(client, "pia")
    confirm = client.get(f"/protected/{person.id}/disclose", params={"case": case_id})
    assert confirm.status_code == 200
    assert person.pseudonym in confirm.text
    refused = client.post(
        f"/protected/{person.id}/disclose", data={"csrf": csrf, "reason": "", "case": case_id}
    )
    assert refused.status_code == 422
    assert "must state why the identity is needed" in refused.text
    assert "Ada Witness" not in refused.text
    assert [a["outcome"] for a in audited(node, "protected.disclose", person.id)] == ["denied"]
    client.cookies.clear()
    web_login(client, "ivan")  # no need to know: not even the confirmation page
    assert (
        client.get(f"/protected/{person.id}/disclose", params={"case": case_id}).status_code == 403
    )
