"""The witness cosign round trip over HTTPS on loopback (issue 12).

A member (XA) and the hub (XH) as two ``uncc serve`` processes set up as ``uncc demo``
sets them up (the demo's local CA, TLS keys pinned in the directory). Each trip: one
evidence item is added at XA (its custody log grows), then XA's administrator asks XA
to publish its newest head (``POST /api/v1/network/witness/publish``): XA signs it and
posts it with the consistency proof to the hub, which checks the member's signature,
the request's age and the proof, cosigns, stores and audits; XA checks the
cosignature and stores it. Timed at the administrator's client, so it holds two HTTPS
round trips (client → XA → XH → XA → client). Baseline, in the same run: one bare
HTTPS POST round trip (kept-alive connection) to a FastAPI endpoint served by the same
uvicorn with a certificate of the same CA, on the same loopback. XA's background sender
runs as in the demo (a pass every 0.5 s, which also sends a grown log's head when due);
the administrator's publish comes right after the upload, so it is normally first.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import MIN_RUNS, ROOT, Row, Stats, percentile, process_env
from bench.nodes import free_port
from uncc.adapters.tls import CA, CERT, KEY, client_context
from uncc.entrypoints.cli import demo
from uncc.yaml12 import load_yaml

SIZES = {"small": MIN_RUNS, "full": 50}
"""Cosign round trips measured (after two unmeasured ones)."""
GOAL = 0.100
"""Seconds: the issue's limit on the round trip's median."""


@contextlib.contextmanager
def _bare_https(tls: Path) -> Iterator[str]:
    """The bare FastAPI app over HTTPS with ``tls``'s certificate; yields its base URL."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port)]
    args += ["--no-access-log", "--ssl-certfile", str(tls / CERT), "--ssl-keyfile", str(tls / KEY)]
    process = subprocess.Popen(
        args, env=process_env(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/ping", verify=client_context(tls / CA), timeout=1).is_success:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                msg = "the bare HTTPS server did not start"
                raise RuntimeError(msg)
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _floor(tls: Path, trips: int) -> list[float]:
    """Seconds of bare HTTPS POST round trips (JSON body): the transport floor."""
    with (
        _bare_https(tls) as url,
        httpx.Client(base_url=url, verify=client_context(tls / CA)) as client,
    ):
        client.post("/ping", json={"head": "x"})
        times = []
        for _ in range(max(trips, 50)):
            start = time.perf_counter()
            client.post("/ping", json={"head": "x"})
            times.append(time.perf_counter() - start)
    return times


def _cosigns(api: demo.Api, trips: int) -> list[float]:
    """Seconds of each publish-and-cosign round trip, the log grown by one item before each."""
    incident = demo._examples() / "incidents" / "insider-company.yaml"
    facts = json.loads(json.dumps(load_yaml(incident.read_text(encoding="utf-8")), default=str))
    case = api.call("XA", "ivan", "POST", "/api/v1/cases", {"facts": facts})["id"]
    times = []
    for n in range(trips + 2):  # the first two warm the connections and caches
        api.call(
            "XA",
            "ivan",
            "POST",
            f"/api/v1/cases/{case}/evidence",
            params={"filename": f"item-{n}.txt"},
            content=f"item {n}".encode(),
        )
        start = time.perf_counter()
        answer = api.call("XA", "admin", "POST", "/api/v1/network/witness/publish")
        elapsed = time.perf_counter() - start
        if answer["cosigned"] != ["XH"]:
            msg = f"the hub did not cosign: {answer}"
            raise RuntimeError(msg)
        if n >= 2:
            times.append(elapsed)
    return times


def run(size: str) -> list[Row]:
    """The cosign round trip (p50, p99) against a bare HTTPS POST, same run, same loopback."""
    trips = SIZES[size]
    work = Path(tempfile.mkdtemp(prefix="uncc-bench-witness-"))
    try:
        nodes = demo.setup(work, demo._examples())
        pair = {s: nodes[s] for s in ("XH", "XA")}
        floor = _floor(nodes["XH"].folder / "tls", trips)
        for node in pair.values():
            demo.start(node)
        try:
            demo.wait_ready(pair)
            api = demo.Api(pair)
            try:
                times = _cosigns(api, trips)
            finally:
                api.close()
        finally:
            demo.stop(pair)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    trip = Stats(percentile(times, 50), min(times), percentile(times, 99), len(times))
    base = Stats(percentile(floor, 50), min(floor), percentile(floor, 99), len(floor))
    p99 = percentile(times, 99) * 1e3
    return [
        Row(
            "witness",
            f"custody head published by XA and cosigned by the hub, p50 (p99 {p99:.0f} ms), {trips} round trips",
            "s",
            trip,
            "one bare HTTPS POST round trip",
            base,
            trip.median / base.median,
            goal="under 100 ms",
            met=trip.median < GOAL,
            note="Two uncc serve processes as uncc demo sets them up (HTTPS, local CA, pinned TLS keys). Timed at XA's administrator: XA signs its newest head, posts it with the consistency proof to the hub over a kept-alive connection; the hub verifies the member's signature, the request's age and the proof, cosigns, stores and audits (one commit); XA verifies the cosignature and stores it (one commit). Two HTTPS round trips in all; the baseline is one.",
        )
    ]
