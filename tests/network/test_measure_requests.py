"""A request for every measure routed abroad, from XA's draft to XB's execution result.

One network for the session (``northland_southland``; building one costs seconds);
each test sends its own request in its own conversation. At XB each request becomes a case and a draft order
under Southland's own profile (Art. 4); XB issues it (a judge first where Southland's
law says so), answers with the issued order's reference, and XA sees the result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.network.conftest import TwoStates
from tests.network.kit import pump
from tests.service.conftest import facts
from uncc.domain.orders import Command, OrderState
from uncc.services import cases, orders
from uncc.services.network import requests

CONTACT = {"name": "Duty officer", "phone": "+00 555 0101", "time_zone": "UTC"}
COMMON: dict[str, Any] = {
    "requesting_authority": "Northland National Cybercrime Unit",
    "offences": ["illegal_access"],
    "summary_of_facts": "Ransomware operators logged in to a hospital's VPN and encrypted its records.",
    "contact": CONTACT,
}
DATA = [{"description": "logs of the leak site", "link_to_offence": "stolen records staged there"}]
ASSET = {
    "description": "account 0042 at Southbank",
    "location": "Southbank plc",
    "value": "12000",
    "currency": "EUR",
}


def body(kind: str, **changes: Any) -> dict[str, Any]:
    """A complete request of ``kind`` (``changes`` replace fields)."""
    own: dict[str, dict[str, Any]] = {
        "production_request": {
            "data": DATA,
            "custodian": "Southhost Ltd",
            "period": "March 2026",
            "necessity": "to name the operators",
        },
        "search_seizure_request": {
            "systems": ["the leak site's server at Southhost"],
            "data": DATA,
            "necessity": "the operators' keys are there",
        },
        "real_time_collection_request": {
            "identifiers": ["198.51.100.7"],
            "provider": "Southnet",
            "duration_days": 30,
            "necessity": "the operators connect daily",
        },
        "interception_request": {
            "identifiers": ["ops@leak.example"],
            "provider": "Southmail",
            "duration_days": 30,
            "necessity": "they plan the next attack",
            "other_means": "logs do not show content",
        },
        "proceeds_request": {
            "action": "freeze",
            "property": [ASSET],
            "link_to_offence": "ransom paid into it",
        },
        "property_return_request": {
            "property": [ASSET],
            "owners": ["Northland General Hospital"],
            "proof_of_ownership": "the ransom transfer record",
        },
        "emergency_request": {
            "risk_to_life": True,
            "risk": "patients on life support; the attackers threaten the ventilation system tonight",
            "justification": "the login data names the machine they control",
            "data": DATA,
            "provider": "Southhost Ltd",
        },
        "video_hearing_request": {
            "pseudonym": "Witness K7",
            "capacity": "witness",
            "scheduled_at": "2026-03-20T09:00:00+00:00",
            "duration_minutes": 90,
            "participants": [{"name": "Judge Nord", "role": "judge", "state": "XA"}],
            "link": "https://hearings.xa.example/k7",
            "language": "en",
        },
    }
    return {**COMMON, "reference": f"XA-{kind}", **own[kind], **changes}


POWERS = {
    "production_request": "production_of_data",
    "search_seizure_request": "search",
    "real_time_collection_request": "realtime_traffic_collection",
    "interception_request": "interception",
    "proceeds_request": "freezing",
    "property_return_request": "confiscation",
    "emergency_request": "production_of_data",
}


OUTCOMES = {"production_request": "produced", "emergency_request": "produced"}


@pytest.fixture
def world(northland_southland: TwoStates) -> TwoStates:
    return northland_southland


def send(world: TwoStates, kind: str, **changes: Any) -> tuple[str, str]:
    """XA opens the hospital case and sends the request; the ids of A's case and the request."""
    net, a, _, _ = world
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    sent = requests.send_request(
        a.ctx, a.cora, kind=kind, recipient="XB", body=body(kind, **changes), case_id=case.id
    )
    pump(net)
    return case.id, sent.id


@pytest.mark.parametrize("kind", sorted(POWERS))
def test_a_measure_request_is_drafted_issued_and_answered_under_the_requested_states_law(
    world: TwoStates, kind: str
) -> None:
    net, a, b, _ = world
    _, request_id = send(world, kind)
    received = requests.get_conversation(b.ctx, b.pia, request_id)
    assert received.kind == kind
    assert received.case_id is not None
    assert received.order_id is not None
    order = orders.get_order(b.ctx, b.pia, received.order_id)
    assert order.power == POWERS[kind]
    assert order.state is OrderState.DRAFT
    assert order.request_id == request_id  # the draft names the request it answers
    assert received.drafted == (order.id,)
    assert orders.get_order(b.ctx, b.jane, order.id).request_id is None  # not for a judge
    assert {t.location for t in order.targets} == {"XB"}
    if order.requires_authorisation:  # Southland: a judge authorises interception
        orders.order_command(b.ctx, b.pia, order.id, Command.SUBMIT)
        orders.order_command(b.ctx, b.jane, order.id, Command.AUTHORISE, "authorised")
    orders.order_command(b.ctx, b.pia, order.id, Command.ISSUE)
    requests.answer(
        b.ctx,
        b.pia,
        request_id,
        "execution_result",
        {"outcome": OUTCOMES.get(kind, "executed"), "details": "done under Southland law"},
    )
    pump(net)
    mine = requests.get_conversation(a.ctx, a.cora, request_id)
    assert mine.status == "answered"
    result = mine.thread[-1]
    assert result["type"] == "execution_result"
    assert result["body"]["order"] == order.id  # the requested State's issued order


def test_each_kind_has_its_own_service_levels_from_data(
    world: TwoStates,
) -> None:
    _, request_id = send(world, "emergency_request")
    _, a, b, _ = world
    sent = requests.get_conversation(a.ctx, a.cora, request_id)
    assert sent.urgency == "emergency"
    assert sent.acknowledge_by - sent.created_at == dt.timedelta(hours=1)
    assert sent.answer_by - sent.created_at == dt.timedelta(hours=8)
    theirs = requests.get_conversation(b.ctx, b.cora, request_id)
    assert (theirs.acknowledge_by, theirs.answer_by) == (sent.acknowledge_by, sent.answer_by)
    _, search_id = send(world, "search_seizure_request")
    search = requests.get_conversation(a.ctx, a.cora, search_id)
    assert search.answer_by - search.created_at == dt.timedelta(days=14)


def test_a_video_hearing_is_recorded_on_both_cases_and_answered_with_its_record(
    world: TwoStates,
) -> None:
    net, a, b, _ = world
    case_id, request_id = send(world, "video_hearing_request")
    received = requests.get_conversation(b.ctx, b.pia, request_id)
    assert received.case_id is not None
    assert received.order_id is None
    for peer, case in ((a, case_id), (b, received.case_id)):
        (note,) = [
            n for n in cases.list_notes(peer.ctx, peer.ivan, case) if "Video hearing" in n.text
        ]
        assert "Witness K7" in note.text
        assert "https://hearings.xa.example/k7" in note.text
    record = {
        "outcome": "held",
        "held_at": "2026-03-20T09:05:00+00:00",
        "presided_by": "Judge Sud, Southland",
        "notes": "heard for 80 minutes",
    }
    requests.answer(b.ctx, b.cora, request_id, "hearing_record", record)
    pump(net)
    assert requests.get_conversation(a.ctx, a.cora, request_id).status == "answered"
    for peer, case in ((a, case_id), (b, received.case_id)):  # the record, on both cases
        texts = [n.text for n in cases.list_notes(peer.ctx, peer.ivan, case)]
        assert any("held at 2026-03-20T09:05:00" in t and "Judge Sud" in t for t in texts), texts


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("emergency_request", {"justification": ""}, "justification"),
        ("emergency_request", {"risk_to_life": False}, "risk_to_life"),
        ("proceeds_request", {"action": "confiscate"}, "confiscation_decision"),
        ("interception_request", {"other_means": None}, "other_means"),
        ("video_hearing_request", {"scheduled_at": "2020-01-01T09:00:00+00:00"}, "scheduled_at"),
        ("video_hearing_request", {"link": "http://plain.example/x"}, "link"),
        ("real_time_collection_request", {"duration_days": 0}, "duration_days"),
    ],
)
def test_an_incomplete_measure_request_is_refused_naming_the_field_and_nothing_is_sent(
    world: TwoStates, kind: str, changes: dict[str, Any], field: str
) -> None:
    from uncc.errors import UserInputError  # noqa: PLC0415

    _, a, _, _ = world
    before = len(requests.list_conversations(a.ctx, a.cora, "out"))
    with pytest.raises(UserInputError, match=field):
        requests.send_request(a.ctx, a.cora, kind=kind, recipient="XB", body=body(kind, **changes))
    assert len(requests.list_conversations(a.ctx, a.cora, "out")) == before


def test_without_a_basis_in_the_requested_states_law_no_order_is_drafted_and_the_desk_is_told(
    world: TwoStates,
) -> None:
    """Art. 4: Southland analyses the facts under its own law; an offence its analysis does
    not find gives no order, and its desk sees why, with the provision."""
    _, _, b, _ = world
    _, request_id = send(world, "interception_request", offences=["grooming"])
    received = requests.get_conversation(b.ctx, b.pia, request_id)
    assert received.case_id is not None
    assert received.order_id is None
    told = [text for _, text in orders.notices(b.ctx, b.cora) if "XA-interception_request" in text]
    assert any("no order drafted under our law" in t and "art_41__para_2" in t for t in told), told
    assert any("to refuse: no_dual_criminality [art_4__para_1]" in t for t in told), told
