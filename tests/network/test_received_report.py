"""Received evidence keeps its history: the admissibility report of an item taken in
from another State shows the sender's order, authorisation and custody chain, each link
checked again, and shows it when an insider edits the stored transfer; evidence acquired
under a confidential order is sent only by someone with need to know of it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.network.kit import make_network, pump
from tests.network.test_preservation_flow import ask_to_preserve
from tests.service.conftest import PASSWORD, Clock
from uncc.adapters.db import schema
from uncc.domain.orders import Command, Target
from uncc.domain.policy import Role
from uncc.errors import ConflictError
from uncc.services import evidence, identity, orders
from uncc.services.admissibility import admissibility
from uncc.services.context import Principal, count
from uncc.services.network import requests, transfer
from uncc.services.orders import DraftRequest
from uncc.services.reports import admissibility_html, admissibility_markdown

ISSUE_NOTE = "issued-after-review-5KQ"
GROUNDS = "grounds-stay-home-8TV"


def test_a_received_item_reports_the_senders_order_and_custody(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    _, sent, received = ask_to_preserve(net, a, b)
    assert [c.id for c in requests.list_conversations(b.ctx, b.cora, "in")] == [sent.id]
    # XB produces the data under its own order, issued by its prosecutor
    order = orders.draft_order(
        b.ctx,
        b.ivan,
        received.case_id,
        DraftRequest(
            "production_of_data",
            ("illegal_access",),
            (Target("vpn-logs", "data", "XB"),),
            GROUNDS,
            "VPN logs",
            "n",
            "p",
        ),
    )
    orders.order_command(b.ctx, b.ivan, order.id, Command.SUBMIT)
    orders.order_command(b.ctx, b.jane, order.id, Command.AUTHORISE, "authorised")
    orders.order_command(b.ctx, b.pia, order.id, Command.ISSUE, ISSUE_NOTE)
    item = evidence.add_evidence(
        b.ctx,
        b.ivan,
        received.case_id,
        source=io.BytesIO(b"vpn log\n" * 100),
        filename="vpn.log",
        acquisition={"tool": "export"},
        order_id=order.id,
    )
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    pump(net)
    (taken,) = transfer.accept_evidence(a.ctx, a.ivan, sent.id, net)

    report = admissibility(a.ctx, a.jane, taken)
    got = report["received"]
    assert (got["from"], got["sender_item"]) == ("XB", item.id)
    assert got["checkpoint"]["signature_valid"] is True
    assert got["complete"] is True
    assert [(e["kind"], e["actor"], e["recorded"], e["included"]) for e in got["custody"]] == [
        ("acquired", "ivan", True, True),
        ("transferred", "ivan", True, True),
    ]
    assert got["order"]["id"] == order.id
    assert got["order"]["power"] == "production_of_data"
    assert got["order"]["authorised_by"] == "jane"
    assert [(e["command"], e["actor"]) for e in got["order"]["history"]] == [
        ("submit", "ivan"),
        ("authorise", "jane"),
        ("issue", "pia"),
    ]
    text = admissibility_markdown(report)
    assert "no order recorded" not in text
    assert f"acquired there under order {order.id} (production_of_data)" in text
    assert "## Custody at XB before the transfer" in text
    assert "each event recorded in our log and proven included in their checkpoint" in text
    page = admissibility_html(report)
    assert "Custody at XB before the transfer" in page
    assert order.id in page
    # the sender's grounds and notes stay with the sender
    for shown in (text, page, str(report)):
        assert ISSUE_NOTE not in shown
        assert GROUNDS not in shown

    # an insider at XA rewrites the stored transfer: the report says the chain no longer holds
    with a.ctx.engine.begin() as conn:
        row = conn.execute(
            select(schema.thread.c.id, schema.thread.c.body).where(
                schema.thread.c.type == "evidence_transfer"
            )
        ).one()
        body = row.body
        first = body["custody"]["leaves"][item.id][0]
        first["entry"] = first["entry"].replace('"ivan"', '"someone-else"')
        conn.execute(update(schema.thread).where(schema.thread.c.id == row.id).values(body=body))
    forged = admissibility(a.ctx, a.jane, taken)["received"]
    assert [(e["actor"], e["recorded"], e["included"]) for e in forged["custody"]] == [
        ("someone-else", False, False),
        ("ivan", True, True),
    ]
    assert "NOT fully proven" in admissibility_markdown(admissibility(a.ctx, a.jane, taken))

    # evidence acquired under a confidential order is sent only with need to know: its
    # custody leaf names the order
    identity.add_user(b.ctx, b.admin, "ines", {Role.INVESTIGATOR}, PASSWORD)
    ines = Principal("ines", frozenset({Role.INVESTIGATOR}))
    secret = orders.draft_order(
        b.ctx,
        ines,
        received.case_id,
        DraftRequest(
            "preservation",
            ("illegal_access",),
            (Target("vpn-logs", "data", "XB"),),
            "g",
            "s",
            "n",
            "p",
            30,
        ),
    )
    assert secret.confidential is not None
    item = evidence.add_evidence(
        b.ctx,
        ines,
        received.case_id,
        source=io.BytesIO(b"preserved"),
        filename="p.log",
        acquisition={},
        order_id=secret.id,
    )

    def stored() -> tuple[int, int]:
        with b.ctx.engine.connect() as conn:
            return count(conn, schema.custody), count(conn, schema.outbox)

    before = stored()
    with pytest.raises(ConflictError, match="confidential order you have no need to know"):
        transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    assert stored() == before
    # a prosecutor may: the order travels with the item
    transfer.send_evidence(b.ctx, b.pia, received.id, [item.id])
    assert stored() == (before[0] + 1, before[1] + 1)
    offer = requests.get_conversation(b.ctx, b.pia, received.id).thread[-1]["body"]
    assert offer["orders"][item.id]["id"] == secret.id
