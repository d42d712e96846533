"""Batched delivery: several envelopes per POST, each checked alone, stored with one commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select

from tests.network.hostile import audit_rows, snapshot
from tests.network.kit import Loopback, Peer, make_network, pump
from tests.service.conftest import Clock
from uncc.adapters import jws
from uncc.adapters.crypto import NodeKey
from uncc.adapters.db import schema
from uncc.config import Settings
from uncc.domain.envelope import Envelope, Handling
from uncc.domain.messages import Receipt
from uncc.entrypoints.api.app import create_app
from uncc.services.network import directory, inbox_batch, outbox
from uncc.services.network.envelopes import open_envelope, seal


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Loopback, Clock, Peer, Peer]:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    return net, clock, m["XA"], m["XB"]


@contextmanager
def write_transactions(engine: Engine) -> Iterator[list[str]]:
    """The write transactions (SQLite's BEGIN IMMEDIATE) the engine starts meanwhile."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN IMMEDIATE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def consultation(clock: Clock, conversation: str, seq: int, text: str) -> Envelope:
    return Envelope(
        type="consultation",
        sender="XA",
        recipient="XB",
        body={"text": text},
        created=clock.now,
        expires=clock.now + dt.timedelta(hours=1),
        conversation=conversation,
        seq=seq,
        handling=Handling(confidential=False),
    )


def receipts(a: Peer, clock: Clock, body: str) -> list[Receipt | None]:
    """Each line of a batch's answer, verified as the sender reads it."""
    with a.ctx.engine.connect() as conn:
        held = directory.directory(conn)
    found: list[Receipt | None] = []
    for line in body.rstrip("\n").split("\n"):
        if not line:
            found.append(None)
            continue
        reply = open_envelope(line, directory=held, me="XA", now=clock.now)
        assert reply.sender == "XB"
        found.append(Receipt.model_validate(reply.body))
    return found


def test_the_sender_posts_a_batch_and_the_receiver_commits_it_once(
    pair: tuple[Loopback, Clock, Peer, Peer],
) -> None:
    net, _, a, b = pair
    conversation = str(uuid.uuid4())
    with a.ctx.engine.begin() as conn:
        for n in range(12):
            outbox.enqueue(
                a.ctx,
                conn,
                kind="consultation",
                recipient="XB",
                body={"text": f"message {n}"},
                conversation=conversation,
            )
    posts = net.posts
    with write_transactions(b.ctx.engine) as at_b, write_transactions(a.ctx.engine) as at_a:
        report = outbox.deliver_due(a.ctx, net)
    assert len(report.delivered) == 12
    assert net.posts - posts == 12
    assert len(at_b) == 1  # twelve messages stored and applied in one transaction
    assert len(at_a) == 2  # claimed in one, their receipts recorded in another
    with b.ctx.engine.connect() as conn:
        applied = conn.execute(
            select(schema.inbox.c.seq)
            .where(schema.inbox.c.status == "applied")
            .order_by(schema.inbox.c.applied_at, schema.inbox.c.seq)
        ).scalars()
        assert list(applied) == list(range(1, 13))


def test_batches_beyond_the_first_are_sealed_while_one_is_in_flight_and_land_in_order(
    pair: tuple[Loopback, Clock, Peer, Peer],
) -> None:
    net, _, a, b = pair
    conversation = str(uuid.uuid4())
    count = 2 * inbox_batch.MAX_BATCH + 30  # three batches: the pipelined path
    with a.ctx.engine.begin() as conn:
        for n in range(count):  # confidential (the default): sealed for XB one by one
            outbox.enqueue(
                a.ctx,
                conn,
                kind="consultation",
                recipient="XB",
                body={"text": f"message {n}"},
                conversation=conversation,
            )
    with write_transactions(b.ctx.engine) as at_b, write_transactions(a.ctx.engine) as at_a:
        report = outbox.deliver_due(a.ctx, net, limit=count)
    assert len(report.delivered) == count
    assert report.retrying == report.rejected == report.dead == []
    assert len(at_b) == 3  # one commit per batch at the receiver
    assert len(at_a) == 4  # the claim, then each batch's receipts
    with b.ctx.engine.connect() as conn:
        applied = conn.execute(
            select(schema.inbox.c.seq)
            .where(schema.inbox.c.status == "applied")
            .order_by(schema.inbox.c.applied_at, schema.inbox.c.seq)
        ).scalars()
        assert list(applied) == list(range(1, count + 1))
    with a.ctx.engine.connect() as conn:
        statuses = conn.execute(select(schema.outbox.c.status, schema.outbox.c.receipt)).all()
    assert {status for status, _ in statuses} == {"delivered"}
    assert all(receipt for _, receipt in statuses)  # every message's own signed receipt


def test_a_forged_envelope_in_a_batch_is_refused_alone_and_nothing_of_it_is_stored(
    pair: tuple[Loopback, Clock, Peer, Peer], tmp_path: Path
) -> None:
    _, clock, a, b = pair
    conversation = str(uuid.uuid4())
    first = consultation(clock, conversation, 1, "first")
    second = consultation(clock, conversation, 2, "second")
    stranger = NodeKey.generate(tmp_path / "stranger.pem")
    forged = consultation(clock, str(uuid.uuid4()), 1, "pay here")
    forged_by_stranger = jws.sign(stranger, forged.canonical())  # a key no member lists
    head, _, signature = seal(a.ctx, consultation(clock, conversation, 3, "x")).split(".")
    tampered = ".".join(  # XA's signature over other words
        (head, seal(a.ctx, consultation(clock, conversation, 3, "y")).split(".")[1], signature)
    )
    before = snapshot(b)
    answers = inbox_batch.receive_batch(
        b.ctx, [seal(a.ctx, first), forged_by_stranger, tampered, seal(a.ctx, second)]
    )
    assert [status for status, _ in filter(None, answers)] == [200, 401, 401, 200]
    found = receipts(a, clock, inbox_batch.joined(answers))
    assert [(r.outcome, r.reason) for r in filter(None, found)] == [
        ("accepted", None),
        ("rejected", "unknown_sender"),
        ("rejected", "bad_signature"),
        ("accepted", None),
    ]
    after = snapshot(b)
    assert sorted(r[0] for r in after["inbox"]) == sorted([first.id, second.id])
    assert all(forged.id not in str(row) for rows in after.values() for row in rows)
    assert before["cases"] == after["cases"]
    assert before["outbox"] == after["outbox"]
    with b.ctx.engine.connect() as conn:
        said = conn.execute(select(schema.thread.c.body)).scalars().all()
    assert {"text": "pay here"} not in said
    assert {"text": "y"} not in said


def test_a_batch_over_its_caps_is_refused_with_413_and_nothing_is_stored(
    pair: tuple[Loopback, Clock, Peer, Peer],
) -> None:
    net, clock, a, b = pair
    client = TestClient(create_app(Settings(max_body_bytes=256 * 1024), b.ctx, transport=net))
    conversation = str(uuid.uuid4())
    tokens = [
        seal(a.ctx, consultation(clock, conversation, n + 1, "m"))
        for n in range(inbox_batch.MAX_BATCH + 1)
    ]
    before, audited = snapshot(b), audit_rows(b)
    too_many = client.post(inbox_batch.BATCH_PATH, content="\n".join(tokens))
    assert too_many.status_code == 413
    assert too_many.headers["content-type"].startswith("application/problem+json")
    assert str(inbox_batch.MAX_BATCH) in too_many.json()["detail"]
    too_big = client.post(inbox_batch.BATCH_PATH, content="\n".join(tokens[:2]) + " " * 300_000)
    assert too_big.status_code == 413
    empty = client.post(inbox_batch.BATCH_PATH, content="\n\n")
    assert empty.status_code == 400
    assert (snapshot(b), audit_rows(b)) == (before, audited)
    fits = client.post(inbox_batch.BATCH_PATH, content="\n".join(tokens[:3]))
    assert fits.status_code == 200
    assert [r.outcome for r in filter(None, receipts(a, clock, fits.text))] == ["accepted"] * 3


def test_a_receiver_without_batches_gets_the_messages_one_by_one(
    pair: tuple[Loopback, Clock, Peer, Peer],
) -> None:
    net, _, a, b = pair
    older = _OlderNode(net)  # answers 404 to the batch route, as a node before batches
    conversation = str(uuid.uuid4())
    with a.ctx.engine.begin() as conn:
        for n in range(5):
            outbox.enqueue(
                a.ctx,
                conn,
                kind="consultation",
                recipient="XB",
                body={"text": f"message {n}"},
                conversation=conversation,
            )
    report = outbox.deliver_due(a.ctx, older)
    assert len(report.delivered) == 5
    assert older.batches == 1
    assert older.singles == 5
    pump(net)
    with b.ctx.engine.connect() as conn:
        assert len(conn.execute(select(schema.inbox.c.id)).all()) == 5


class _OlderNode:
    """The loopback network, with XB's node as it was before batches."""

    def __init__(self, net: Loopback) -> None:
        self.net = net
        self.batches = 0
        self.singles = 0

    def post(self, url: str, token: str) -> tuple[int, str]:
        if url.endswith(inbox_batch.BATCH_PATH):
            self.batches += 1
            return 404, '{"type": "about:blank", "status": 404}'
        self.singles += 1
        return self.net.post(url, token)

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        return self.net.get(url, headers)

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        return self.net.chunks(url, headers)
