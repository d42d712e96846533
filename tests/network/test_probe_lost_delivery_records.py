"""Hostile review (issue 20): a delivery record lost in a power cut takes no second effect.

Deliveries and retries are now committed without a disk flush (ADR 0043): after a power
cut the outbox may show a message as never posted although the receiver took it in.
Here both records of a round trip (A's request, B's acknowledgment) are put back as a
lost commit leaves them — pending, due, no receipt, no attempt counted — and the
network runs again: each message is posted once more, answered as a duplicate and
recorded delivered, and nothing happens twice: the same threads, the same inboxes,
the same audit trail, the conversation still acknowledged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from tests.network.kit import make_network, pump
from tests.network.test_preservation_flow import preservation
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.services.network import requests


def _state(ctx: Any) -> tuple[Any, ...]:
    with ctx.engine.connect() as conn:

        def rows(statement: Any) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in conn.execute(statement).all()]

        return (
            rows(select(schema.thread.c.message, schema.thread.c.type).order_by("id")),
            rows(select(schema.inbox.c.id, schema.inbox.c.status).order_by("id")),
            rows(select(schema.audit.c.action, schema.audit.c.object).order_by("seq")),
            rows(select(schema.outbox.c.id, schema.outbox.c.status).order_by("id")),
        )


def _lose_the_delivery_records(ctx: Any, now: Any) -> int:
    """The outbox as a lost unflushed commit leaves it: every delivered message pending."""
    with ctx.engine.begin() as conn:
        return int(
            conn.execute(
                update(schema.outbox)
                .where(schema.outbox.c.status == "delivered")
                .values(
                    status="pending",
                    receipt=None,
                    delivered_at=None,
                    attempts=0,
                    next_attempt_at=now,
                )
            ).rowcount
        )


def test_a_lost_delivery_record_is_a_duplicate_not_a_second_effect(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    sent = requests.send_request(
        a.ctx, a.cora, kind="preservation_request", recipient="XB", body=preservation()
    )
    pump(net)
    assert requests.get_conversation(a.ctx, a.cora, sent.id).status == "acknowledged"
    before = {peer.state: _state(peer.ctx) for peer in (a, b)}
    assert _lose_the_delivery_records(a.ctx, clock()) == 1  # the request
    assert _lose_the_delivery_records(b.ctx, clock()) == 1  # the acknowledgment
    pump(net)
    for peer in (a, b):
        assert _state(peer.ctx) == before[peer.state], peer.state
        with peer.ctx.engine.connect() as conn:
            receipts = conn.execute(
                select(func.count()).where(schema.outbox.c.receipt.is_not(None))
            ).scalar_one()
        assert receipts == 1  # the duplicate's signed receipt is kept
    assert requests.get_conversation(a.ctx, a.cora, sent.id).status == "acknowledged"
