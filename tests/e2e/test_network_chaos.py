"""1,000 messages to a real receiver process with drops, duplicates, lost receipts and restarts.

Over HTTPS (the demo's local CA, the receiver's TLS key pinned by the directory), each
message encrypted for the receiver (the default: confidential).
"""

from __future__ import annotations

import datetime as dt
import random
import signal
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from uncc.adapters.db import schema
from uncc.adapters.http_transport import HttpTransport
from uncc.bootstrap import build, network_transport
from uncc.config import Settings
from uncc.entrypoints.cli import demo
from uncc.errors import TransportError
from uncc.services.network import outbox, outcomes, posting

MESSAGES = 1000
CONVERSATIONS = 25


class Chaos:
    """HTTP with faults: drop before sending, send twice, lose the receipt."""

    def __init__(self, rng: random.Random, http: HttpTransport) -> None:
        self.http = http
        self.rng = rng
        self.faults = {"dropped": 0, "duplicated": 0, "receipt lost": 0}

    def post(self, url: str, token: str) -> tuple[int, str]:
        roll = self.rng.random()
        if roll < 0.15:
            self.faults["dropped"] += 1
            raise TransportError(f"{url}: dropped")
        answer = self.http.post(url, token)
        if roll < 0.25:
            self.faults["duplicated"] += 1
            answer = self.http.post(url, token)
        if 0.25 <= roll < 0.35:
            self.faults["receipt lost"] += 1
            raise TransportError(f"{url}: reset before the receipt")
        return answer

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        return self.http.get(url, headers)


def test_every_message_takes_effect_exactly_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outcomes, "BASE_DELAY", dt.timedelta(milliseconds=20))
    monkeypatch.setattr(outcomes, "MAX_DELAY", dt.timedelta(milliseconds=300))
    # Small batches (the sender posts up to 100 messages at once): enough posts for every
    # kind of fault to happen, each to a whole batch.
    monkeypatch.setattr(posting, "MAX_BATCH", 5)
    nodes = demo.setup(tmp_path, demo._examples())
    receiver = nodes["XB"]
    demo.start(receiver)
    try:
        demo.wait_ready({"XB": receiver})
        sender_settings = Settings(data_dir=nodes["XA"].folder)
        sender = build(sender_settings)
        conversations = [str(uuid.uuid4()) for _ in range(CONVERSATIONS)]
        with sender.engine.begin() as conn:
            for n in range(MESSAGES):
                outbox.enqueue(
                    sender,
                    conn,
                    kind="consultation",
                    recipient="XB",
                    body={"text": f"message {n}"},
                    conversation=conversations[n % CONVERSATIONS],
                )
        chaos = Chaos(random.Random(2026), network_transport(sender_settings, sender))
        restarts: list[float] = []
        stop = threading.Event()

        def killer() -> None:
            rng = random.Random(7)
            while not stop.is_set() and len(restarts) < 3:
                time.sleep(rng.uniform(0.5, 2.0))
                assert receiver.process is not None
                receiver.process.send_signal(signal.SIGKILL)
                receiver.process.wait()
                time.sleep(0.3)
                demo.start(receiver)
                demo.wait_ready({"XB": receiver})
                restarts.append(time.monotonic())

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            outbox.deliver_due(sender, chaos, limit=100)
            with sender.engine.connect() as conn:
                left = conn.execute(
                    select(func.count()).where(schema.outbox.c.status != "delivered")
                ).scalar()
            if left == 0 and len(restarts) == 3:
                break
            time.sleep(0.02)
        stop.set()
        thread.join(timeout=60)
        assert left == 0
        assert len(restarts) == 3
        assert all(chaos.faults.values()), chaos.faults
    finally:
        demo.stop({"XB": receiver})
    engine = create_engine(f"sqlite:///{receiver.folder / 'node.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.inbox)).scalar() == MESSAGES
        assert (
            conn.execute(select(func.count()).where(schema.inbox.c.status != "applied")).scalar()
            == 0
        )
        rows = conn.execute(
            select(schema.thread.c.conversation, schema.inbox.c.seq)
            .join(schema.inbox, schema.inbox.c.id == schema.thread.c.message)
            .order_by(schema.thread.c.id)
        ).all()
    assert len(rows) == MESSAGES  # every effect exactly once
    per: dict[str, list[int]] = {}
    for conversation, seq in rows:
        per.setdefault(conversation, []).append(seq)
    assert all(seqs == list(range(1, MESSAGES // CONVERSATIONS + 1)) for seqs in per.values())
