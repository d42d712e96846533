"""A preservation request from XA to XB, decided by XB under its own law."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.network.kit import Loopback, Peer, make_network, pump
from tests.service.conftest import Clock, facts
from uncc.domain.orders import Command
from uncc.errors import UserInputError
from uncc.services import cases, orders
from uncc.services.cases import Case
from uncc.services.network import requests
from uncc.services.network.requests import Conversation


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


def ask_to_preserve(net: Loopback, a: Peer, b: Peer) -> tuple[Case, Conversation, Conversation]:
    """A opens the hospital case and asks B to preserve; B takes the request in.

    Returns A's case, A's sent request and B's received conversation (with its case).
    """
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient=b.state,
        body=preservation(),
        case_id=case.id,
    )
    pump(net)
    received = requests.get_conversation(b.ctx, b.cora, sent.id)
    assert received.case_id is not None
    return case, sent, received


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
    (desk,) = requests.list_conversations(b.ctx, b.cora, "in")
    assert desk.id == sent.id
    assert desk.case_id is not None
    # a preservation order is confidential (Art. 43(3)): the desk is not told its id
    assert desk.order_id is None
    (received,) = requests.list_conversations(b.ctx, b.pia, "in")
    assert received.order_id is not None
    order = orders.get_order(b.ctx, b.pia, received.order_id)
    assert order.power == "preservation"
    assert {t.location for t in order.targets} == {"XB"}
    assert order.duration_days == 90
    assert order.request_id == received.id  # the draft names the request it answers
    assert received.drafted == (order.id,)
    assert desk.drafted == ()  # nor through the request's list of orders
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
    # the desk at XB sees the thread, but not the confidential order the result names
    desk_view = requests.get_conversation(b.ctx, b.cora, received.id)
    assert desk_view.thread[-1]["body"]["order"] == "(a confidential order)"
    assert order.id not in str(desk_view)
    assert (
        requests.get_conversation(b.ctx, b.pia, received.id).thread[-1]["body"]["order"] == order.id
    )
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


def test_evidence_crosses_with_custody_that_links_to_the_senders_signed_checkpoint(
    tmp_path: Path,
) -> None:
    import io  # noqa: PLC0415

    from uncc.errors import PermissionDeniedError  # noqa: PLC0415
    from uncc.services import evidence  # noqa: PLC0415
    from uncc.services.network import transfer  # noqa: PLC0415

    clock = Clock()
    net, _, m = make_network(tmp_path, clock)
    a, b, c = m["XA"], m["XB"], m["XC"]
    case, sent, received = ask_to_preserve(net, a, b)
    assert [c.id for c in requests.list_conversations(b.ctx, b.cora, "in")] == [sent.id]
    data = b"leak-site access log\n" * 50_000
    item = evidence.add_evidence(
        b.ctx,
        b.ivan,
        received.case_id,
        source=io.BytesIO(data),
        filename="access.log",
        acquisition={"tool": "dd"},
    )
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    pump(net)
    # nobody but XA may fetch the blob, and XA only with a signed request
    with pytest.raises(PermissionDeniedError):
        transfer.authorise_fetch(b.ctx, item.sha256, None)
    with pytest.raises(PermissionDeniedError, match="was not sent"):
        transfer.authorise_fetch(
            b.ctx,
            item.sha256,
            transfer.fetch_header(c.ctx, "XB", item.sha256)[transfer.FETCH_HEADER],
        )
    (taken,) = transfer.accept_evidence(a.ctx, a.ivan, sent.id, net)
    assert transfer.accept_evidence(a.ctx, a.ivan, sent.id, net) == []  # once only
    mine = next(i for i in evidence.list_evidence(a.ctx, a.ivan, case.id) if i.id == taken)
    assert (mine.sha256, mine.size) == (item.sha256, len(data))
    (first,) = evidence.custody_of(a.ctx, a.ivan, taken)
    assert first.event.details["received_from"] == "XB"
    theirs = evidence.custody_of(b.ctx, b.ivan, item.id)
    assert first.event.details["sender_checkpoint"]["root"] == theirs[-1].checkpoint.root
    assert [e.event.kind.value for e in theirs] == ["acquired", "transferred"]
    assert evidence.verify_vault(a.ctx, a.ivan) == []


def test_a_tampered_custody_continuation_is_refused(tmp_path: Path) -> None:
    import io  # noqa: PLC0415

    from uncc.domain.messages import EvidenceTransfer  # noqa: PLC0415
    from uncc.services import evidence  # noqa: PLC0415
    from uncc.services.network import transfer  # noqa: PLC0415

    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(),
        case_id=case.id,
    )
    pump(net)
    (received,) = requests.list_conversations(b.ctx, b.cora, "in")
    assert received.case_id is not None
    item = evidence.add_evidence(
        b.ctx, b.ivan, received.case_id, source=io.BytesIO(b"x" * 10), filename="x", acquisition={}
    )
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    pump(net)
    offer = requests.get_conversation(a.ctx, a.cora, received.id).thread[-1]["body"]
    good = EvidenceTransfer.model_validate(offer)
    key = b.ctx.key()
    assert transfer.check_continuation(good, key.public_hex, key.key_id, "XA") == []
    forged = offer | {"custody": offer["custody"] | {"root": "0" * 64}}
    found = transfer.check_continuation(
        EvidenceTransfer.model_validate(forged), key.public_hex, key.key_id, "XA"
    )
    assert "the checkpoint's signature does not hold for the sender's key" in found
    other = offer | {"items": [offer["items"][0] | {"sha256": "1" * 64}]}
    found = transfer.check_continuation(
        EvidenceTransfer.model_validate(other), key.public_hex, key.key_id, "XA"
    )
    assert any("is about" in p for p in found)
    assert transfer.check_continuation(good, key.public_hex, key.key_id, "XC") != []


def test_a_subscriber_request_becomes_a_draft_production_order_there(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    requests.send_request(
        a.ctx,
        a.cora,
        kind="subscriber_request",
        recipient="XB",
        case_id=case.id,
        body={
            "reference": "XA-2026-0042/S1",
            "offences": ["illegal_access"],
            "identifiers": ["198.51.100.23 on 2026-03-02 01:14 UTC"],
            "fields": ["identity", "postal_address", "billing_and_payment"],
            "period": "March 2026",
            "provider": "Southnet Broadband",
            "contact": {"name": "Duty officer", "email": "desk@xa.example"},
        },
    )
    pump(net)
    (received,) = requests.list_conversations(b.ctx, b.cora, "in")
    assert received.order_id is not None
    order = orders.get_order(b.ctx, b.pia, received.order_id)
    assert order.power == "production_of_subscriber_information"
    assert [(t.kind, t.location) for t in order.targets] == [("person", "XB")]
    assert "identity, postal address, billing and payment (Art. 45(3))" in order.scope
