"""A hostile member, or an insider at the requested node, against measure requests.

Each attack is refused and leaves nothing stored: an answer of another kind's request
(a hearing record on an interception request, a traffic disclosure on a search), an
execution result naming an order that is not issued or executes another measure, and a
refusal without a reason code.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.network.conftest import TwoStates
from tests.network.hostile import forge, snapshot
from tests.network.kit import Loopback, Peer, pump
from tests.network.test_attacks_conversations import refusal as deliver
from tests.network.test_measure_requests import body
from tests.service.conftest import Clock, facts
from uncc.domain.orders import Command
from uncc.errors import ConflictError, UserInputError
from uncc.services import cases, orders
from uncc.services.network import requests


@dataclass
class World:
    clock: Clock
    net: Loopback
    a: Peer
    b: Peer
    intercept: str
    """XA's interception request to XB (XB drafted an order a judge must authorise)."""
    produce: str
    """XA's production request to XB (XB issued its production order)."""
    production_order: str


@pytest.fixture(scope="module")
def world(northland_southland: TwoStates) -> World:
    net, a, b, clock = northland_southland
    sent = {}
    for kind in ("interception_request", "production_request"):
        case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
        sent[kind] = requests.send_request(
            a.ctx, a.cora, kind=kind, recipient="XB", body=body(kind), case_id=case.id
        ).id
    pump(net)
    produced = requests.get_conversation(b.ctx, b.pia, sent["production_request"]).order_id
    assert produced is not None
    orders.order_command(b.ctx, b.pia, produced, Command.ISSUE)
    return World(
        clock, net, a, b, sent["interception_request"], sent["production_request"], produced
    )


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        (
            "hearing_record",
            {
                "outcome": "held",
                "held_at": "2026-03-20T09:05:00+00:00",
                "presided_by": "Judge Sud",
                "notes": "heard",
            },
        ),
        (
            "traffic_disclosure",
            {"reference": "XB-1", "path": [{"provider": "Southnet"}], "order": "O-2026-0001"},
        ),
        ("conviction_answer", {"found": False}),
    ],
)
def test_a_member_cannot_answer_a_request_with_another_kinds_answer(
    world: World, kind: str, answer: dict[str, object]
) -> None:
    before = snapshot(world.a)
    token = forge(world.b, world.clock, kind, "XA", answer, conversation=world.intercept, seq=9)
    status, receipt = deliver(world, world.a, world.b, token)  # type: ignore[arg-type]
    assert (status, receipt.reason) == (422, "unfit_answer")
    assert snapshot(world.a) == before
    # and the requested node does not send one either
    mine = snapshot(world.b, "outbox", "thread", "conversations")
    with pytest.raises(ConflictError, match="does not answer"):
        requests.answer(world.b.ctx, world.b.pia, world.intercept, kind, answer)
    assert snapshot(world.b, "outbox", "thread", "conversations") == mine


def test_an_execution_result_must_report_an_outcome_the_measure_can_have(world: World) -> None:
    before = snapshot(world.a)
    result = {"outcome": "preserved", "details": "kept", "order": world.production_order}
    token = forge(
        world.b, world.clock, "execution_result", "XA", result, conversation=world.intercept, seq=9
    )
    status, receipt = deliver(world, world.a, world.b, token)  # type: ignore[arg-type]
    assert (status, receipt.reason) == (422, "unfit_answer")
    assert "outcome" in receipt.detail
    assert snapshot(world.a) == before
    mine = snapshot(world.b, "outbox", "thread", "conversations")
    with pytest.raises(ConflictError, match="outcome"):
        requests.answer(world.b.ctx, world.b.pia, world.intercept, "execution_result", result)
    assert snapshot(world.b, "outbox", "thread", "conversations") == mine


def test_an_execution_result_must_name_an_issued_order_for_this_measure(world: World) -> None:
    drafted = requests.get_conversation(world.b.ctx, world.b.pia, world.intercept).order_id
    assert drafted is not None
    before = snapshot(world.b)
    result = {"outcome": "executed", "details": "intercepted"}
    with pytest.raises(ConflictError, match="draft"):  # not authorised, not issued
        requests.answer(world.b.ctx, world.b.pia, world.intercept, "execution_result", result)
    with pytest.raises(ConflictError, match="case"):  # an issued order of another request
        requests.answer(
            world.b.ctx,
            world.b.pia,
            world.intercept,
            "execution_result",
            {**result, "order": world.production_order},
        )
    assert snapshot(world.b) == before


def test_a_refusal_without_a_reason_code_is_refused_and_nothing_is_stored(world: World) -> None:
    before_b = snapshot(world.b)
    with pytest.raises(UserInputError, match="reason"):
        requests.answer(world.b.ctx, world.b.cora, world.produce, "refusal", {"detail": "no"})
    with pytest.raises(UserInputError, match="conditions"):
        requests.answer(
            world.b.ctx,
            world.b.cora,
            world.produce,
            "refusal",
            {"reason": "human_rights", "detail": "risk of torture", "scope": "conditional"},
        )
    assert snapshot(world.b) == before_b
    before_a = snapshot(world.a)
    token = forge(
        world.b, world.clock, "refusal", "XA", {"detail": "no"}, conversation=world.produce, seq=9
    )
    status, receipt = deliver(world, world.a, world.b, token)  # type: ignore[arg-type]
    assert (status, receipt.reason) == (422, "invalid_body")
    assert snapshot(world.a) == before_a


def test_a_refusal_carries_its_code_and_provision_and_may_be_partial(world: World) -> None:
    partial = {
        "reason": "measure_not_available",
        "grounds": ["no_dual_criminality"],
        "detail": "Southland law has no production order for data older than a year",
        "scope": "partial",
        "refused": ["data before March 2025"],
    }
    sent = requests.answer(world.b.ctx, world.b.cora, world.produce, "refusal", partial)
    assert sent.status == "partly_refused"  # the rest of the request stays open
    pump(world.net)
    seen = requests.get_conversation(world.a.ctx, world.a.cora, world.produce)
    assert seen.status == "partly_refused"
    last = seen.thread[-1]["body"]
    assert (last["reason"], last["provision"], last["refused"]) == (
        "measure_not_available",
        "art_41__para_1",
        ["data before March 2025"],
    )


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("emergency_request", {"justification": ""}),
        ("emergency_request", {"risk_to_life": False}),
        ("video_hearing_request", {"link": "http://plain.example/x"}),
        ("proceeds_request", {"action": "confiscate"}),
        ("interception_request", {"offences": ["illegal access"]}),
    ],
)
def test_an_incomplete_measure_request_from_a_member_is_refused_and_nothing_is_stored(
    world: World, kind: str, changes: dict[str, object]
) -> None:
    before = snapshot(world.a)
    token = forge(world.b, world.clock, kind, "XA", body(kind, **changes))
    status, receipt = deliver(world, world.a, world.b, token)  # type: ignore[arg-type]
    assert (status, receipt.reason) == (422, "invalid_body")
    assert snapshot(world.a) == before  # no case opened, no order drafted, nothing queued
