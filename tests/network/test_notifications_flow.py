"""Across States: a request received, answered and evidence offered each tell the right people."""

from __future__ import annotations

import io
from pathlib import Path

from tests.network.kit import make_network, pump
from tests.network.test_preservation_flow import ask_to_preserve
from tests.service.conftest import Clock
from uncc.domain.orders import Command
from uncc.services import evidence, notifications, orders, work_queue
from uncc.services.network import requests, transfer


def _kinds(ctx: object, who: object) -> list[str]:
    return [n.kind for n in notifications.listed(ctx, who)]  # type: ignore[arg-type]


def test_request_answer_and_evidence_reach_the_desk_and_the_case_owner(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    case, sent, received = ask_to_preserve(net, a, b)

    # XB's desk is told, and its queue holds the answer due (acknowledged on receipt)
    (told,) = notifications.listed(b.ctx, b.cora)
    assert told.kind == "request.received"
    assert told.link == f"/network/requests/{sent.id}"
    assert "answer by" in told.text
    (task,) = work_queue.tasks(b.ctx, b.cora)
    assert (task.move, task.due) == ("answer", received.answer_by)
    assert _kinds(b.ctx, b.ivan) == []  # an investigator is not the desk

    # the desk (no need to know) never reads the id of the confidential order made from it
    order_id = requests.get_conversation(b.ctx, b.pia, received.id).order_id
    assert order_id is not None
    orders.order_command(b.ctx, b.pia, order_id, Command.ISSUE)
    requests.answer(
        b.ctx,
        b.cora,
        received.id,
        "execution_result",
        {"outcome": "preserved", "details": "kept", "order": order_id},
    )
    pump(net)
    assert all(order_id not in t.text for t in work_queue.tasks(b.ctx, b.cora))
    assert work_queue.tasks(b.ctx, b.cora) == []  # answered: nothing waits

    # XA: the case's investigator and the desk learn of the acknowledgment and the answer
    assert _kinds(a.ctx, a.ivan) == ["request.answered", "request.answered"]
    assert _kinds(a.ctx, a.cora) == ["request.answered", "request.answered"]
    assert _kinds(a.ctx, a.pia) == []

    item = evidence.add_evidence(
        b.ctx,
        b.ivan,
        received.case_id,
        source=io.BytesIO(b"log\n"),
        filename="a.log",
        acquisition={"tool": "dd"},
    )
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id])
    pump(net)
    assert _kinds(a.ctx, a.ivan)[0] == "evidence.offered"
    assert [t.move for t in work_queue.tasks(a.ctx, a.ivan)] == ["take in"]
    transfer.accept_evidence(a.ctx, a.ivan, sent.id, net)
    assert work_queue.tasks(a.ctx, a.ivan) == []
    assert case.id
