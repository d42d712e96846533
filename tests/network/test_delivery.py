"""Delivery under faults: drops, duplicates, lost receipts, reordering, a receiver down for hours."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from sqlalchemy import func, select

from tests.network.kit import Peer, make_network, pump
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.domain.messages import Urgency
from uncc.services.network import outbox, requests
from uncc.services.orders import notices


def send(
    peer: Peer, to: str, conversation: str, text: str, urgency: Urgency = Urgency.ROUTINE
) -> None:
    with peer.ctx.engine.begin() as conn:
        outbox.enqueue(
            peer.ctx,
            conn,
            kind="consultation",
            recipient=to,
            body={"text": text},
            conversation=conversation,
            urgency=urgency,
        )


def applied_in_order(peer: Peer) -> dict[str, list[int]]:
    """Per conversation, the seq of each message in the order its effect happened."""
    with peer.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(schema.thread.c.conversation, schema.inbox.c.seq)
            .join(schema.inbox, schema.inbox.c.id == schema.thread.c.message)
            .where(schema.thread.c.direction == "in")
            .order_by(schema.thread.c.id)
        ).all()
    found: dict[str, list[int]] = {}
    for conversation, seq in rows:
        found.setdefault(conversation, []).append(seq)
    return found


def pending(peer: Peer) -> int:
    with peer.ctx.engine.connect() as conn:
        return int(
            conn.execute(select(func.count()).where(schema.outbox.c.status == "pending")).scalar()
            or 0
        )


def test_every_message_takes_effect_once_and_in_order_despite_faults(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    net.drop_rate, net.duplicate_rate, net.lose_receipt_rate = 0.3, 0.2, 0.2
    conversations = [str(uuid.uuid4()) for _ in range(8)]
    for n in range(240):
        send(a, "XB", conversations[n % 8], f"message {n}")
    for _ in range(400):
        pump(net, rounds=1)
        clock.advance(1 / 24 / 6)  # 10 minutes: every backoff has run out
        if pending(a) == 0:
            break
    assert pending(a) == 0
    order = applied_in_order(b)
    assert sorted(order) == sorted(conversations)
    assert all(seqs == list(range(1, 31)) for seqs in order.values()), order
    with b.ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.inbox)).scalar() == 240
        assert (
            conn.execute(select(func.count()).where(schema.inbox.c.status != "applied")).scalar()
            == 0
        )
    assert net.posts > 240  # retries and duplicates really happened


def test_a_receiver_down_for_hours_catches_up_and_backoff_stays_bounded(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    net.down.add("XB")
    conversation = str(uuid.uuid4())
    for n in range(20):
        send(a, "XB", conversation, f"while down {n}")
    for _ in range(6 * 60):  # six hours, a pass every minute
        pump(net, rounds=1)
        clock.advance(1 / 24 / 60)
    entries = outbox.list_outbox(a.ctx, a.cora)
    assert {e.status for e in entries} == {"pending"}
    assert max(e.attempts for e in entries) < 60  # capped exponential backoff, not one try a minute
    assert all(e.last_error and "connection refused" in e.last_error for e in entries)
    net.down.clear()
    clock.advance(1 / 24 / 6)
    pump(net)
    assert {e.status for e in outbox.list_outbox(a.ctx, a.cora)} == {"delivered"}
    assert applied_in_order(b)[conversation] == list(range(1, 21))


def test_an_undeliverable_message_is_dead_lettered_at_expiry_and_the_desk_is_alerted(
    tmp_path: Path,
) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a = m["XA"]
    net.down.add("XB")
    send(
        a, "XB", str(uuid.uuid4()), "call us", urgency=Urgency.EMERGENCY
    )  # deliverable for 8 hours
    for _ in range(9 * 6):
        pump(net, rounds=1)
        clock.advance(1 / 24 / 6)
    (entry,) = outbox.list_outbox(a.ctx, a.cora)
    assert entry.status == "dead"
    assert any("dead letter: consultation" in text for _, text in notices(a.ctx, a.cora))


def test_late_acknowledgments_and_answers_are_escalated_once_on_both_sides(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="assistance_request",
        recipient="XB",
        body={
            "needed": "decrypt a ransomware sample",
            "expertise": ["ransomware"],
            "urgency": "emergency",
            "contact": {"name": "Desk", "phone": "+00 1"},
            "reference": "XA-77",
        },
    )
    assert sent.acknowledge_by - sent.created_at == dt.timedelta(hours=1)
    pump(net)
    clock.advance(2 / 24)
    assert requests.escalate(a.ctx) == [(sent.id, "acknowledgment")]
    assert requests.escalate(b.ctx) == [(sent.id, "acknowledgment")]
    assert requests.escalate(a.ctx) == []
    clock.advance(7 / 24)
    assert requests.escalate(a.ctx) == [(sent.id, "answer")]
    assert any("late acknowledgment: our request to XB" in t for _, t in notices(a.ctx, a.cora))
    assert any("late answer: the request from XA" in t for _, t in notices(b.ctx, b.cora)) is False
    requests.escalate(b.ctx)
    assert any("late answer: the request from XA" in t for _, t in notices(b.ctx, b.cora))
    # an answer closes it: no more escalations
    requests.answer(b.ctx, b.cora, sent.id, "assistance_answer", {"answer": "Marie will call you"})
    pump(net)
    assert requests.get_conversation(a.ctx, a.cora, sent.id).status == "answered"
    clock.advance(30)
    assert requests.escalate(a.ctx) == []
