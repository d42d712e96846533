"""Hostile review (issue 20): requests handed to the server's sender, and the
acknowledgments the receiver hands to its own, through real servers killed (SIGKILL)
again and again at random moments.

A request sent through XC's API is stored leased to XC's sender and posted without a
claim; XA stores it and hands the acknowledgment it queued to its sender; deliveries
are recorded without a disk flush. Whatever the kills interrupt (a request committed
but not posted, an acknowledgment queued but not posted, a delivery recorded but not
flushed), once the servers run again every request XC holds reaches XA exactly once,
and its acknowledgment reaches XC exactly once: one request and one acknowledgment in
each side's thread, nothing left undelivered in either outbox.
"""

from __future__ import annotations

import contextlib
import random
import signal
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from uncc.adapters.db import schema
from uncc.entrypoints.cli import demo
from uncc.entrypoints.cli.demo_nodes import DemoError
from uncc.errors import UnccError

BODY = {
    "requesting_authority": "Eastland National Cyber Unit",
    "offences": ["illegal_access"],
    "summary_of_facts": "Records copied to a leak-site server.",
    "data": [{"description": "access logs", "link_to_offence": "who uploaded the records"}],
    "custodian": "Northhost Ltd",
    "necessity": "kept 14 days",
    "formal_request_to_follow": True,
    "contact": {"name": "Desk", "phone": "+00 555 0103"},
}
REQUESTS = 24
KILLS = 4


def _count(folder: Path, statement: object) -> int:
    engine = create_engine(f"sqlite:///{folder / 'node.db'}")
    try:
        with engine.connect() as conn:
            return int(conn.execute(statement).scalar_one())  # type: ignore[call-overload]
    finally:
        engine.dispose()


def _thread_types(folder: Path) -> dict[str, list[str]]:
    engine = create_engine(f"sqlite:///{folder / 'node.db'}")
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(schema.thread.c.conversation, schema.thread.c.type).order_by(
                    schema.thread.c.id
                )
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list[str]] = {}
    for conversation, kind in rows:
        found.setdefault(conversation, []).append(kind)
    return found


def test_handed_requests_and_acknowledgments_survive_kills_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNCC_OUTBOX_LEASE_SECONDS", "2")  # what a killed sender held: 2 s
    nodes = demo.setup(tmp_path, demo._examples(), plain_http=True)
    pair = {"XA": nodes["XA"], "XC": nodes["XC"]}
    for node in pair.values():
        demo.start(node)
    api = demo.Api(pair)
    kills: list[str] = []
    stop = threading.Event()

    def killer() -> None:
        rng = random.Random(2026)
        while not stop.is_set() and len(kills) < KILLS:
            time.sleep(rng.uniform(0.3, 1.5))
            state = rng.choice(["XA", "XC"])
            node = pair[state]
            assert node.process is not None
            node.process.send_signal(signal.SIGKILL)
            node.process.wait()
            demo.start(node)
            demo.wait_ready({state: node})
            kills.append(state)

    try:
        demo.wait_ready(pair)
        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        sent = 0
        deadline = time.monotonic() + 120
        while (sent < REQUESTS or len(kills) < KILLS) and time.monotonic() < deadline:
            body = {**BODY, "reference": f"PROBE-{sent}"}
            request = {"kind": "preservation_request", "recipient": "XA", "body": body}
            with contextlib.suppress(UnccError, DemoError, OSError):
                api.client("XC", "cora")  # a fresh login after a kill is fine
                api.call("XC", "cora", "POST", "/api/v1/network/requests", request)
            api._clients.clear()  # the next call logs in again (the server may be new)
            sent += 1
            time.sleep(0.1)
        stop.set()
        thread.join(timeout=60)
        assert len(kills) == KILLS, kills
        xc, xa = pair["XC"].folder, pair["XA"].folder
        requested = select(func.count()).where(schema.thread.c.type == "preservation_request")
        arrived = select(func.count()).where(
            schema.thread.c.type == "preservation_request", schema.thread.c.direction == "in"
        )
        undelivered = select(func.count()).where(schema.outbox.c.status != "delivered")
        settle = time.monotonic() + 90  # leases of 2 s, backoffs: everything goes
        while time.monotonic() < settle:
            if (
                _count(xc, undelivered) == 0
                and _count(xa, undelivered) == 0
                and _count(xa, arrived) == _count(xc, requested)
            ):
                break
            time.sleep(0.5)
    finally:
        stop.set()
        api.close()
        demo.stop(pair)
    at_c, at_a = _thread_types(xc), _thread_types(xa)
    assert len(at_c) >= REQUESTS // 2, f"only {len(at_c)} requests were committed at XC"
    assert _count(xc, undelivered) == 0
    assert _count(xa, undelivered) == 0
    for conversation, kinds in at_c.items():
        assert kinds == ["preservation_request", "acknowledgment"], (conversation, kinds)
        assert at_a.get(conversation) == ["preservation_request", "acknowledgment"], conversation
    assert set(at_a) == set(at_c)
    inbox_a = _count(xa, select(func.count()).select_from(schema.inbox))
    inbox_c = _count(xc, select(func.count()).select_from(schema.inbox))
    assert (inbox_a, inbox_c) == (len(at_c), len(at_c))  # each message taken in once
