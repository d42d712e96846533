"""The I-24/7 network on loopback: request round trips and sustained message rate.

Two national nodes (and the hub's directory) as separate server processes, as in
``uncc demo``. Round trip: one preservation request A → B at a time (signed, delivered,
verified, stored, taken up) and B's automatic acknowledgment B → A, timed from the
request's creation to the acknowledgment's arrival at A. Sustained: messages queued at A
and delivered to B, over HTTPS (the demo's local CA, pinned TLS keys), confidential ones
(signed, encrypted for B, routing header signed; ADR 0015), with no other request open
and with 1,000 open requests on both sides (each with its thread, deadlines to watch),
against the same messages signed only; rounds interleaved. Baseline: two plain HTTP
POSTs of a JSON body to a bare FastAPI endpoint (the transport floor of a round trip),
measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.common import MIN_RUNS, Row, Stats, goal_row, percentile, ratio_row
from bench.nodes import bare_server, free_port
from uncc.entrypoints.cli import demo

SIZES = {"small": (10, 100, 2), "full": (50, 1_000, MIN_RUNS)}
"""Round trips, messages per sustained round, and rounds of each kind of round."""
OPEN = 1_000
"""Open requests on both sides for the loaded rounds."""
POLL = 0.05
"""Seconds between the harness's looks for an acknowledgment. The figure is read from
the nodes' own timestamps, so a look's timing does not enter it; but each look is an
API request the requesting node serves on the same two cores (every 10 ms, they took
about as much CPU as the round trips themselves)."""
FIRST_LOOK = 0.25
"""Seconds before the first look: a look made while the round trip is under way takes
the cores and the write lock (its audit entry) from the nodes being timed."""
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


def _iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _floor(trips: int) -> Stats:
    """Two plain POSTs of the same JSON body to a bare endpoint: the transport floor."""
    with bare_server(free_port()) as bare, httpx.Client(base_url=bare) as client:
        client.post("/ping", json=BODY)
        floor = []
        for _ in range(max(trips, 50)):
            start = time.perf_counter()
            client.post("/ping", json=BODY)
            client.post("/ping", json=BODY)
            floor.append(time.perf_counter() - start)
    return Stats(percentile(floor, 50), min(floor), percentile(floor, 99), len(floor))


def _round_trips(api: demo.Api, trips: int) -> list[float]:
    """Seconds from each request's creation at A to its acknowledgment's arrival at A.

    One request at a time: the next is sent once the previous one's acknowledgment is
    in, so each figure is one round trip, not a place in a queue.
    """
    times: list[float] = []
    for n in range(trips):
        body = {**BODY, "reference": f"BENCH-{n}"}
        request = {"kind": "preservation_request", "recipient": "XA", "body": body}
        request_id = api.call("XC", "cora", "POST", "/api/v1/network/requests", request)["id"]
        deadline = time.monotonic() + 60
        time.sleep(FIRST_LOOK)
        while True:
            found = api.call("XC", "cora", "GET", f"/api/v1/network/requests/{request_id}")
            acks = [t for t in found["thread"] if t["type"] == "acknowledgment"]
            if acks:
                times.append((_iso(acks[0]["at"]) - _iso(found["created_at"])).total_seconds())
                break
            if time.monotonic() > deadline:
                msg = "an acknowledgment did not arrive"
                raise RuntimeError(msg)
            time.sleep(POLL)
    return times


def _open_requests(folders: dict[str, Path], count: int) -> None:
    """``count`` open requests from XC to XA, tracked on both sides with their threads."""
    from sqlalchemy import insert  # noqa: PLC0415

    from uncc.adapters.db import schema  # noqa: PLC0415
    from uncc.bootstrap import build  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.domain.envelope import Envelope  # noqa: PLC0415
    from uncc.services.network.conversations import open_conversation  # noqa: PLC0415

    now = dt.datetime.now(dt.UTC)
    envelopes = [
        Envelope(
            type="assistance_request",
            sender="XC",
            recipient="XA",
            body={"needed": "help", "expertise": ["ransomware"], "reference": f"OPEN-{n}"},
            created=now,
            expires=now + dt.timedelta(days=3),
            conversation=str(uuid.uuid4()),
        )
        for n in range(count)
    ]
    for state, direction, peer in (("XC", "out", "XA"), ("XA", "in", "XC")):
        node = build(Settings(data_dir=folders[state]))
        with node.engine.begin() as conn:
            for envelope in envelopes:
                open_conversation(
                    conn, envelope, direction, peer, case_id=None, order_id=None, status="sent"
                )
                conn.execute(
                    insert(schema.thread).values(
                        conversation=envelope.conversation,
                        message=envelope.id,
                        sender="XC",
                        direction=direction,
                        type=envelope.type,
                        at=now,
                        body=envelope.body,
                    )
                )
        node.engine.dispose()


def _sustained(folder: Path, api: demo.Api, bulk: int, *, encrypted: bool = True) -> float:
    """Messages per second from A's outbox to B, signed, verified, stored and receipted.

    ``encrypted``: confidential messages (sealed with JWE for B); otherwise signed only.
    """
    from sqlalchemy import func, select  # noqa: PLC0415

    from uncc.adapters.db import schema  # noqa: PLC0415
    from uncc.bootstrap import build  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.domain.envelope import Handling  # noqa: PLC0415
    from uncc.services.network import outbox  # noqa: PLC0415

    sender = build(Settings(data_dir=folder))
    conversation = str(uuid.uuid4())
    with sender.engine.begin() as conn:
        for n in range(bulk):
            outbox.enqueue(
                sender,
                conn,
                kind="consultation",
                recipient="XA",
                body={"text": f"message {n}"},
                conversation=conversation,
                handling=Handling(confidential=encrypted),
            )
    start = time.perf_counter()
    kick = {"reference": "kick", "person": {"name": "V. K."}, "purpose": "sentencing"}
    api.call(
        "XC",
        "cora",
        "POST",
        "/api/v1/network/requests",
        {"kind": "conviction_query", "recipient": "XA", "body": kick},
    )
    while True:
        with sender.engine.connect() as conn:
            left = conn.execute(
                select(func.count()).where(schema.outbox.c.status == "pending")
            ).scalar()
        if left == 0:
            break
        if time.perf_counter() - start > 300:
            msg = "bulk messages were not delivered"
            raise RuntimeError(msg)
        time.sleep(0.05)
    sender.engine.dispose()
    return (bulk + 1) / (time.perf_counter() - start)


def run(size: str) -> list[Row]:
    """Round trips (p50, p99) and messages per second, with the transport floor."""
    trips, bulk, rounds = SIZES[size]
    base = _floor(trips)
    work = Path(tempfile.mkdtemp(prefix="uncc-bench-net-"))
    try:
        nodes = demo.setup(work, demo._examples())
        pair = {s: nodes[s] for s in ("XA", "XC")}
        for node in pair.values():
            demo.start(node)
        demo.wait_ready(pair)
        try:
            api = demo.Api(pair)
            times = _round_trips(api, trips)
            rates: dict[str, list[float]] = {"plain": [], "sealed": [], "loaded": []}
            for _ in range(rounds):  # interleaved: no warm-up bias
                for kind in ("plain", "sealed"):
                    rates[kind].append(
                        _sustained(pair["XC"].folder, api, bulk, encrypted=kind == "sealed")
                    )
            _open_requests({s: n.folder for s, n in pair.items()}, OPEN)
            for _ in range(rounds):
                rates["loaded"].append(_sustained(pair["XC"].folder, api, bulk))
        finally:
            demo.stop(pair)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    trip = Stats(percentile(times, 50), min(times), max(times), len(times))
    plain, sealed, loaded = (Stats.of(rates[k]) for k in ("plain", "sealed", "loaded"))
    delivery = "signed, encrypted, decrypted, verified, stored, receipted"
    return [
        goal_row(
            "network",
            f"one preservation request A → B → acknowledgment at A, p50 (p99 {percentile(times, 99) * 1e3:.0f} ms; two bare POSTs {base.median * 1e3:.1f} ms), {trips} requests one at a time",
            trip,
            goal="p50 ≤ 20 ms",
            limit=0.020,
            note="Each request is signed (JWS Ed25519 over RFC 8785 JSON), stored in the outbox, posted, verified, stored in B's inbox with its effect (the conversation opened, the desk alerted; the request carries no incident facts, so B opens no case and the acknowledgment's reference is the conversation), acknowledged through B's outbox and verified again at A; timed from the request's creation at A to the acknowledgment's arrival at A. One at a time: the next request goes once the acknowledgment is in; the harness first looks 0.25 s after sending. Transport floor: two plain HTTP POSTs of the same JSON to a bare FastAPI endpoint, same run.",
        ),
        goal_row(
            "network",
            f"sustained delivery A → B, no other request open, {bulk:,} confidential messages per round ({delivery})",
            sealed,
            unit="msg/s",
            goal="≥ 200 msg/s",
            limit=200,
            higher=True,
            note=f"Messages queued at A, timed until A's outbox is empty: posted in batches (up to 100 per POST, one commit per batch at each end, a signed receipt per message). Median of {rounds} rounds.",
        ),
        goal_row(
            "network",
            f"sustained delivery A → B, {OPEN:,} requests open on both sides, {bulk:,} confidential messages per round",
            loaded,
            unit="msg/s",
            goal="≥ 200 msg/s",
            limit=200,
            higher=True,
            note=f"As above, after {OPEN:,} open requests (with deadlines and threads) were added on both sides: escalation runs on its own timer over an indexed deadline, not at each message. Median of {rounds} rounds.",
        ),
        ratio_row(
            "network",
            f"sustained delivery A → B, {bulk:,} confidential messages vs signed only",
            sealed,
            "the same messages signed only",
            plain,
            unit="msg/s",
            goal="encryption loses at most 20 %",
            limit=0.8,
            higher=True,
            note="Encrypted: the message is signed, encrypted for B's X25519 key (JWE ECDH-ES, A256GCM) and its routing header signed; B verifies the header, decrypts, verifies the message (ADR 0015). Signed only: handling.confidential false. Same nodes, rounds interleaved.",
        ),
    ]
