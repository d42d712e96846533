"""Experts published through the hub; deconfliction hits between States (Arts. 40(5), 56(3))."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.network.kit import make_network, pump
from tests.service.conftest import Clock, facts
from uncc.errors import PermissionDeniedError, UserInputError
from uncc.services import cases, notifications, work_queue
from uncc.services.network import deconfliction, deconfliction_keys, experts, requests


def test_experts_are_published_through_the_hub_and_found_by_availability(tmp_path: Path) -> None:
    clock = Clock()  # a Tuesday, 09:00 UTC
    net, hub, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    experts.add_expert(
        b.ctx,
        b.cora,
        {
            "id": "marie",
            "name": "Marie D.",
            "expertise": ["ransomware", "cryptocurrency"],
            "languages": ["fr", "en"],
            "time_zone": "Europe/Paris",
            "schedule": ["mon-fri 08:00-18:00"],
            "channel": "+00 555 0200",
            "clearance": "secret",
        },
    )
    experts.add_expert(
        b.ctx,
        b.cora,
        {
            "id": "night",
            "name": "Night Desk",
            "expertise": ["ransomware"],
            "languages": ["en"],
            "time_zone": "UTC",
            "schedule": ["mon-sun 20:00-06:00"],
            "channel": "desk@xb.example",
        },
    )
    with pytest.raises(UserInputError, match=r"expected e\.g\."):
        experts.add_expert(
            b.ctx,
            b.cora,
            {
                "id": "x",
                "name": "X",
                "expertise": ["a"],
                "languages": ["en"],
                "time_zone": "UTC",
                "schedule": ["always"],
                "channel": "c",
            },
        )
    with pytest.raises(PermissionDeniedError):
        experts.add_expert(b.ctx, b.ivan, {"id": "y"})
    experts.sync(b.ctx, b.cora, net)
    assert experts.sync(a.ctx, a.cora, net) == 2
    found = experts.find(a.ctx, a.ivan, expertise="ransomware", language="fr", available_only=True)
    assert [(f.expert.state, f.expert.id) for f in found] == [("XB", "marie")]
    ranked = experts.find(
        a.ctx, a.ivan, expertise="ransomware", language=None, available_only=False
    )
    assert [f.expert.id for f in ranked] == ["marie", "night"]
    # a member cannot publish another State's experts
    with pytest.raises(PermissionDeniedError):
        experts.take_roster(
            hub.ctx,
            _forged_roster(a, "XB"),
        )


def _forged_roster(peer, state: str) -> str:  # type: ignore[no-untyped-def]
    import rfc8785  # noqa: PLC0415

    from uncc.adapters import jws  # noqa: PLC0415

    return jws.sign(
        peer.ctx.key(),
        rfc8785.dumps(
            {
                "uncc": "roster/1",
                "state": state,
                "issued": "2026-03-10T09:00:00+00:00",
                "experts": [],
            }
        ),
    )


def test_a_shared_selector_is_found_without_sharing_it_and_both_states_consult(
    tmp_path: Path,
) -> None:
    clock = Clock()
    net, hub, m = make_network(tmp_path, clock)
    a, b, c = m["XA"], m["XB"], m["XC"]
    deconfliction_keys.rotate_key(hub.ctx, hub.admin)
    pump(net)
    case_a = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital")).id
    case_c = cases.open_case(c.ctx, c.ivan, facts("ransomware-hospital")).id
    case_b = cases.open_case(b.ctx, b.ivan, facts("insider-company")).id
    deconfliction.add_selector(a.ctx, a.ivan, case_a, "ip", "203.0.113.7")
    deconfliction.add_selector(a.ctx, a.ivan, case_a, "email", "Ops@Lockbit.example")
    deconfliction.add_selector(c.ctx, c.ivan, case_c, "email", "ops@lockbit.example")
    deconfliction.add_selector(b.ctx, b.ivan, case_b, "ip", "198.51.100.1")
    assert b"lockbit" not in deconfliction.own_filter(c.ctx).encode()
    hits, notes = deconfliction.check(a.ctx, a.cora, net)
    assert notes == []
    assert [(h.case_id, h.state, h.kind) for h in hits] == [(case_a, "XC", "email")]
    assert deconfliction.check(a.ctx, a.cora, net)[0] == []  # notified once
    pump(net)
    (theirs,) = requests.list_conversations(c.ctx, c.cora, "in")
    assert (theirs.kind, theirs.status, theirs.case_id) == (
        "deconfliction_hit",
        "confirmed",
        case_c,
    )
    assert [h["case_id"] for h in deconfliction.hits_of(c.ctx, c.cora)] == [case_c]
    # the case's investigator and the desk are told, and consulting waits in their queues
    (told,) = notifications.listed(c.ctx, c.ivan)
    assert (told.kind, told.link) == ("hit.confirmed", f"/cases/{case_c}")
    assert [t.move for t in work_queue.tasks(c.ctx, c.cora)] == ["consult"]
    assert notifications.listed(b.ctx, b.ivan) == []
    requests.answer(
        c.ctx, c.cora, theirs.id, "consultation", {"text": "We have a suspect; let us coordinate."}
    )
    pump(net)
    mine = requests.get_conversation(a.ctx, a.cora, hits[0].conversation)
    assert [t["type"] for t in mine.thread] == [
        "deconfliction_hit",
        "acknowledgment",
        "consultation",
    ]
    # confirmed at XC, so confirmed at XA: the same status on both sides
    assert mine.status == theirs.status == "confirmed"
    assert mine.thread[1]["body"]["confirmed"] is True
    assert work_queue.tasks(c.ctx, c.cora) == []  # consulted: nothing waits
    assert requests.list_conversations(b.ctx, b.cora, "in") == []


def test_selectors_are_checked_before_they_are_kept(tmp_path: Path) -> None:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA",))
    a = m["XA"]
    case_a = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital")).id
    with pytest.raises(UserInputError, match="not an IPv4"):
        deconfliction.add_selector(a.ctx, a.ivan, case_a, "ip", "999.1.1.1")
    with pytest.raises(UserInputError, match="expected one of"):
        deconfliction.add_selector(a.ctx, a.ivan, case_a, "passport", "X1")
