"""Messages claimed at birth and handed to the sender: posted without a claim, never lost.

A request sent through the API, and the acknowledgment a received request queues, are
stored already leased to the server's own sender and handed to it once committed
(``services.network.handoff``). Nothing else may take them meanwhile; if the process
dies before posting them, the lease runs out and any sender posts them, and the
receiver takes them in once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.network.kit import Loopback, make_network, pump
from tests.network.test_preservation_flow import preservation
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.entrypoints.api.sender import Sender
from uncc.services.network import inbox, outbox, requests
from uncc.services.network.outbox import INBOX_PATH

Rows = list[Mapping[str, Any]]


@dataclass
class Handing:
    """The loopback, but each receiver hands what its effect queued to its own list."""

    net: Loopback
    handed: dict[str, Rows] = field(default_factory=dict)

    def post(self, url: str, token: str) -> tuple[int, str]:
        peer, path = self.net._peer(url)
        if path != INBOX_PATH:
            return self.net.post(url, token)
        return inbox.receive(
            peer.ctx, token, hand_off=self.handed.setdefault(peer.state, []).extend
        )

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        return self.net.get(url, headers)


def _inbox_count(ctx: Any) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(schema.inbox)).scalar_one())


def test_a_handed_request_and_its_acknowledgment_are_posted_without_a_claim(
    tmp_path: Path,
) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    handed: Rows = []
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(),
        hand_off=handed.extend,
    )
    assert [r["conversation"] for r in handed] == [sent.id]
    assert outbox.claim_due(a.ctx, clock(), 10) == []  # leased at birth: no one else takes it
    wire = Handing(net)
    report = outbox.deliver_due(a.ctx, wire, handed=handed)
    assert report.delivered == [handed[0]["id"]]
    (ack,) = wire.handed["XB"]  # B's acknowledgment, handed to B's sender
    assert ack["type"] == "acknowledgment"
    assert outbox.claim_due(b.ctx, clock(), 10) == []
    assert outbox.deliver_due(b.ctx, wire, handed=[ack]).delivered == [ack["id"]]
    mine = requests.get_conversation(a.ctx, a.cora, sent.id)
    assert mine.status == "acknowledged"
    assert [t["type"] for t in mine.thread] == ["preservation_request", "acknowledgment"]
    # the same request again (a lost receipt): a duplicate, and nothing new is handed
    wire.handed.clear()
    assert outbox.deliver_due(a.ctx, wire, handed=handed).delivered == [handed[0]["id"]]
    assert wire.handed["XB"] == []
    assert _inbox_count(b.ctx) == 1


def test_what_a_dead_sender_was_handed_goes_once_its_lease_runs_out(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    lost: Rows = []  # the process dies between the commit and the post
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(),
        hand_off=lost.extend,
    )
    pump(net)
    assert _inbox_count(b.ctx) == 0  # still leased to the dead sender
    clock.advance(a.ctx.outbox_lease / dt.timedelta(days=1) * 1.01)
    pump(net)
    assert _inbox_count(b.ctx) == 1
    assert requests.get_conversation(a.ctx, a.cora, sent.id).status == "acknowledged"


def test_the_servers_sender_posts_what_it_is_handed_and_gives_back_the_rest_at_stop(
    tmp_path: Path,
) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    sender = Sender(a.ctx, net, 1.0)
    for n in range(2):
        requests.send_request(
            a.ctx,
            a.cora,
            kind="preservation_request",
            recipient="XB",
            body=preservation(reference=f"XA-{n}"),
            hand_off=sender.hand_off,
        )
        if n == 0:
            assert sender.once() is True  # posted alone; a pass that claims follows at once
            assert _inbox_count(b.ctx) == 1
    sender.release()  # stopping with the second one not posted: due at once, for anyone
    (due,) = outbox.claim_due(a.ctx, clock(), 10)
    assert due["type"] == "preservation_request"
    assert _inbox_count(b.ctx) == 1


def test_a_transaction_that_fails_hands_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a = m["XA"]
    handed: Rows = []

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("the disk is gone")

    monkeypatch.setattr(requests, "audit", broken)  # after the request is queued
    with pytest.raises(RuntimeError):
        requests.send_request(
            a.ctx,
            a.cora,
            kind="preservation_request",
            recipient="XB",
            body=preservation(),
            hand_off=handed.extend,
        )
    assert handed == []
    with a.ctx.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one() == 0


def test_the_courier_posts_what_it_is_handed_on_its_own_thread(tmp_path: Path) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    sender = Sender(a.ctx, net, 1.0)
    sender.start_courier()
    try:
        requests.send_request(
            a.ctx,
            a.cora,
            kind="preservation_request",
            recipient="XB",
            body=preservation(),
            hand_off=sender.hand_off,
        )
    finally:
        sender.stop_courier()  # returns once what it holds is posted
    assert _inbox_count(b.ctx) == 1
    assert outbox.claim_due(a.ctx, clock(), 10) == []  # delivered, not left to a lease
    sender.release()
    assert outbox.claim_due(a.ctx, clock(), 10) == []
