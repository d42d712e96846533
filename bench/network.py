"""The I-24/7 network on loopback: request round trips and sustained message rate.

Two national nodes (and the hub's directory) as separate server processes, as in
``uncc demo``. Round trip: a preservation request A → B (signed, delivered, verified,
stored, taken up) and B's automatic acknowledgment B → A, timed from the request's
creation to the acknowledgment's arrival at A. Sustained: messages queued at A and
delivered to B, over HTTPS (the demo's local CA, pinned TLS keys), confidential ones
(signed, encrypted for B, routing header signed; ADR 0015) against the same messages
signed only, two rounds of each interleaved. Baseline: two plain HTTP POSTs of a JSON body to a bare FastAPI
endpoint (the transport floor of a round trip), measured in the same run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from bench.common import Row, Stats, percentile
from bench.nodes import bare_server, free_port
from uncc.entrypoints.cli import demo

SIZES = {"small": (10, 100), "full": (50, 1_000)}
"""Round trips, and messages per sustained round (two rounds each, encrypted and signed only)."""
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
    """Seconds from each request's creation at A to its acknowledgment's arrival at A."""
    sent = []
    for n in range(trips):
        body = {**BODY, "reference": f"BENCH-{n}"}
        request = {"kind": "preservation_request", "recipient": "XA", "body": body}
        sent.append(api.call("XC", "cora", "POST", "/api/v1/network/requests", request)["id"])
    deadline = time.monotonic() + 120
    times: list[float] = []
    for request_id in sent:
        while True:
            found = api.call("XC", "cora", "GET", f"/api/v1/network/requests/{request_id}")
            acks = [t for t in found["thread"] if t["type"] == "acknowledgment"]
            if acks:
                times.append((_iso(acks[0]["at"]) - _iso(found["created_at"])).total_seconds())
                break
            if time.monotonic() > deadline:
                msg = "acknowledgments did not arrive"
                raise RuntimeError(msg)
            time.sleep(0.05)
    return times


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
    trips, bulk = SIZES[size]
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
            rates: dict[bool, list[float]] = {False: [], True: []}
            for encrypted in (False, True, False, True):  # interleaved: no warm-up bias
                rates[encrypted].append(
                    _sustained(pair["XC"].folder, api, bulk, encrypted=encrypted)
                )
            plain, rate = max(rates[False]), max(rates[True])
        finally:
            demo.stop(pair)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    trip = Stats(percentile(times, 50), min(times), max(times), len(times))
    return [
        Row(
            "network",
            f"preservation request A → B → acknowledgment at A, p50 (p99 {percentile(times, 99) * 1e3:.0f} ms), {trips} requests",
            "s",
            trip,
            "two bare HTTP POSTs",
            base,
            trip.median / base.median,
            note="Each request is signed (JWS Ed25519 over RFC 8785 JSON), stored in the outbox, posted, verified, stored in B's inbox with its effect, acknowledged through B's outbox and verified again at A. Requests are queued back to back, so later ones wait for the sender's earlier passes.",
        ),
        Row(
            "network",
            f"sustained delivery A → B, {bulk:,} confidential messages (signed, encrypted, decrypted, verified, stored, receipted)",
            "msg/s",
            Stats(rate, rate, rate, 1),
            "the same messages signed only",
            Stats(plain, plain, plain, 1),
            rate / plain,
            goal="encryption loses at most 20 %",
            met=rate >= 0.8 * plain,
            note="Encrypted: the message is signed, encrypted for B's X25519 key (JWE ECDH-ES, A256GCM) and its routing header signed; B verifies the header, decrypts, verifies the message (ADR 0015). Signed only: handling.confidential false. Same run, same nodes, two rounds of each interleaved, the better round of each.",
        ),
    ]
