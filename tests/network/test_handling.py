"""Handling codes enforced by the receiver: onward transfer only with consent; retention decided."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.network.kit import Loopback, Peer, make_network, pump
from tests.network.test_preservation_flow import ask_to_preserve, preservation
from tests.service.conftest import Clock, facts
from uncc.adapters.db import schema
from uncc.domain.envelope import Handling, Onward
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError
from uncc.services import cases, evidence
from uncc.services.network import consent, onward, outbox, requests, retention, transfer


def counts(peer: Peer) -> dict[str, Any]:
    """What a refused forwarding must leave untouched."""
    with peer.ctx.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in (schema.outbox, schema.conversations, schema.thread, schema.custody)
        }


def consent_request_id(peer: Peer, conversation: str) -> str:
    with peer.ctx.engine.connect() as conn:
        return str(
            conn.execute(
                select(schema.inbox.c.id).where(
                    schema.inbox.c.conversation == conversation,
                    schema.inbox.c.type == "consent_request",
                )
            ).scalar_one()
        )


@pytest.fixture(scope="module")
def trio(tmp_path_factory: pytest.TempPathFactory) -> tuple[Clock, Loopback, dict[str, Peer]]:
    clock = Clock()
    net, _, members = make_network(tmp_path_factory.mktemp("handling"), clock)
    return clock, net, members


def test_received_facts_and_evidence_go_to_a_third_state_only_with_the_senders_consent(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    _, net, m = trio
    a, b, c = m["XA"], m["XB"], m["XC"]
    _, sent, received = ask_to_preserve(net, a, b)

    def forward() -> requests.Conversation:
        return requests.send_request(
            b.ctx,
            b.cora,
            kind="preservation_request",
            recipient="XC",
            body=preservation(reference="XB-2026-7"),
            case_id=received.case_id,
        )

    before = counts(b)
    with pytest.raises(PermissionDeniedError, match="only with XA's consent"):
        forward()
    assert counts(b) == before  # nothing sent, nothing recorded
    # a grant from anyone but XA does not count, even on XA's conversation
    with c.ctx.engine.begin() as conn:
        grant = {"granted": True, "to_state": "XC", "purpose": "joint case"}
        outbox.enqueue(
            c.ctx, conn, kind="consent_answer", recipient="XB", body=grant, conversation=sent.id
        )
    pump(net)
    with pytest.raises(PermissionDeniedError, match="only with XA's consent"):
        forward()
    # XB asks, XA's desk grants: now it may go
    consent.ask_consent(
        b.ctx, b.cora, received.id, to_state="XC", purpose="joint case", what="the facts"
    )
    pump(net)
    asked = consent_request_id(a, sent.id)
    with pytest.raises(PermissionDeniedError):  # an investigator does not answer for the State
        consent.answer_consent(a.ctx, a.ivan, sent.id, asked, granted=True)
    consent.answer_consent(a.ctx, a.cora, sent.id, asked, granted=True, conditions="same case")
    with pytest.raises(ConflictError, match="already answered"):
        consent.answer_consent(a.ctx, a.cora, sent.id, asked, granted=False)
    pump(net)
    assert forward().peer == "XC"
    # evidence XB sends to XA for this case only may not go on from XA to XC at all
    item = evidence.add_evidence(
        b.ctx,
        b.ivan,
        received.case_id,
        source=io.BytesIO(b"leak-site log\n" * 100),
        filename="log",
        acquisition={"tool": "dd"},
    )
    only_here = onward.handling_of(use="the hospital case", onward="none", retention_days=365)
    transfer.send_evidence(b.ctx, b.ivan, received.id, [item.id], handling=only_here)
    pump(net)
    (taken,) = transfer.accept_evidence(a.ctx, a.ivan, sent.id, net)
    from_c = requests.send_request(  # XC asks XA: XA may answer, but not with XB's evidence
        c.ctx, c.cora, kind="preservation_request", recipient="XA", body=preservation()
    )
    pump(net)
    before = counts(a)
    with pytest.raises(PermissionDeniedError, match=f"evidence {taken} .*not even with consent"):
        transfer.send_evidence(a.ctx, a.ivan, from_c.id, [taken])
    assert counts(a) == before  # no custody event, no message


def test_onward_none_is_refused_even_with_consent(
    trio: tuple[Clock, Loopback, dict[str, Peer]],
) -> None:
    clock, net, m = trio  # last: it moves the clock 42 days
    a, b = m["XA"], m["XB"]
    case = cases.open_case(a.ctx, a.ivan, facts("ransomware-hospital"))
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(),
        case_id=case.id,
        handling=onward.handling_of(use="this case only", onward="none", retention_days=30),
    )
    pump(net)
    received = requests.get_conversation(b.ctx, b.cora, sent.id)
    with b.ctx.engine.connect() as conn:
        (origin,) = onward.origins(conn, case_id=received.case_id, evidence_ids=[])
        assert (origin.state, origin.onward, origin.use) == ("XA", Onward.NONE, "this case only")
        with pytest.raises(PermissionDeniedError, match="not even with consent"):
            onward.check_onward(conn, to_state="XC", case_id=received.case_id, evidence_ids=[])
        onward.check_onward(conn, to_state="XA", case_id=received.case_id, evidence_ids=[])
    for wrong in ({"onward": "anyone"}, {"retention_days": 0}, {"use": " "}):
        values: dict[str, Any] = {"use": None, "onward": "none", "retention_days": 30, **wrong}
        with pytest.raises(UserInputError, match=next(iter(wrong))):
            onward.handling_of(**values)
    # retention: past 30 days the request is flagged; an administrator decides, with a reason
    assert retention.flagged(b.ctx, b.cora) == []
    clock.advance(31)
    (flag,) = retention.flagged(b.ctx, b.cora)
    assert retention.notify(b.ctx) == 1  # the desk is told once
    assert retention.notify(b.ctx) == 0
    with b.ctx.engine.connect() as conn:
        told = conn.execute(select(schema.notices.c.text)).scalars().all()
    assert any(flag.message in text and "past its retention" in text for text in told)
    assert (flag.sender, flag.type, flag.conversation) == (
        "XA",
        "preservation_request",
        received.id,
    )
    with pytest.raises(PermissionDeniedError):
        retention.decide(b.ctx, b.cora, flag.message, delete=True, reason="ended")
    with pytest.raises(UserInputError, match="reason"):
        retention.decide(b.ctx, b.admin, flag.message, delete=True, reason=" ")
    assert (
        retention.decide(b.ctx, b.admin, flag.message, delete=False, reason="trial", keep_days=10)
        == "kept"
    )
    assert retention.flagged(b.ctx, b.cora) == []
    with pytest.raises(ConflictError, match="not past its retention"):
        retention.decide(b.ctx, b.admin, flag.message, delete=True, reason="early")
    clock.advance(11)
    assert [f.message for f in retention.flagged(b.ctx, b.cora)] == [flag.message]
    assert (
        retention.decide(b.ctx, b.admin, flag.message, delete=True, reason="case closed")
        == "deleted"
    )
    assert retention.flagged(b.ctx, b.cora) == []
    shown = requests.get_conversation(b.ctx, b.cora, received.id)
    assert "erased" in shown.request
    assert all("erased" in t["body"] for t in shown.thread if t["type"] == "preservation_request")
    with b.ctx.engine.connect() as conn:
        decisions = (
            conn.execute(
                select(schema.audit.c.outcome).where(schema.audit.c.action == retention.DECISION)
            )
            .scalars()
            .all()
        )
        assert decisions == ["kept", "deleted"]
        with pytest.raises(PermissionDeniedError, match="not even with consent"):  # erased: never
            onward.check_onward(conn, to_state="XC", case_id=received.case_id, evidence_ids=[])
    assert Handling().retention_days == 365
