"""A preservation request from XA to XB, decided by XB under its own law."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.network.kit import make_network, pump
from tests.service.conftest import Clock, facts
from uncc.domain.orders import Command
from uncc.errors import UserInputError
from uncc.services import cases, orders
from uncc.services.network import requests


def preservation(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requesting_authority": "Northland National Cybercrime Unit",
        "reference": "XA-2026-0042",
        "offences": ["illegal_access"],
        "summary_of_facts": "Ransomware operators logged in to a hospital's VPN and encrypted its records.",
        "data": [
            {
                "description": "server logs and account data of the leak site at the provider",
                "link_to_offence": "the operators staged stolen records there",
            }
        ],
        "custodian": "Southhost Ltd, data centre in Southland",
        "necessity": "logs are kept for 14 days only",
        "formal_request_to_follow": True,
        "contact": {"name": "Duty officer", "phone": "+00 555 0101", "time_zone": "UTC"},
    }
    body.update(changes)
    return body


def test_a_preservation_request_becomes_a_draft_order_at_the_requested_state(
    tmp_path: Path,
) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock)
    a, b = m["XA"], m["XB"]
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(),
        case_id=case.id,
    )
    assert sent.status == "sent"
    assert sent.request["facts"]["id"] == "ransomware-hospital"
    pump(net)
    (received,) = requests.list_conversations(b.ctx, b.cora, "in")
    assert received.id == sent.id
    assert received.case_id is not None
    assert received.order_id is not None
    order = orders.get_order(b.ctx, b.pia, received.order_id)
    assert order.power == "preservation"
    assert {t.location for t in order.targets} == {"XB"}
    assert order.duration_days == 90
    mine = requests.get_conversation(a.ctx, a.cora, sent.id)
    assert mine.status == "acknowledged"
    assert mine.acknowledged_at is not None
    # XB decides: its prosecutor issues (Southland's judges authorise interception only)
    orders.order_command(b.ctx, b.pia, order.id, Command.ISSUE)
    requests.answer(
        b.ctx,
        b.cora,
        received.id,
        "execution_result",
        {"outcome": "preserved", "details": "logs and account data preserved", "order": order.id},
    )
    pump(net)
    mine = requests.get_conversation(a.ctx, a.cora, sent.id)
    assert mine.status == "answered"
    assert [t["type"] for t in mine.thread] == [
        "preservation_request",
        "acknowledgment",
        "execution_result",
    ]


def test_an_incomplete_request_is_refused_before_it_is_sent_with_every_problem(
    tmp_path: Path,
) -> None:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a = m["XA"]
    body = preservation(formal_request_to_follow=False, data=[], status="extension")
    del body["custodian"]
    with pytest.raises(UserInputError) as error:
        requests.send_request(a.ctx, a.cora, kind="preservation_request", recipient="XB", body=body)
    text = str(error.value)
    assert "custodian: Field required" in text
    assert "data: List should have at least 1 item" in text
    assert requests.list_conversations(a.ctx, a.cora) == []
