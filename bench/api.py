"""The node's API under load, SQLite and PostgreSQL, against a bare FastAPI endpoint.

Every server is a separate ``uvicorn`` process (one worker, access log off), driven by
the same closed-loop client (4 threads, keep-alive). Reads: ``GET /api/v1/cases/{id}``
(authenticated, and audited: a read writes an audit entry) and ``GET /api/v1/node``.
Write: drafting an order (checked against the Convention, stored, audited). Baseline:
``GET /ping`` of a bare FastAPI app. Every figure: five rounds, the median of their
measured rates (requests done / elapsed) with the min–max. Goals: node info ≥ 0.6 × and
the audited case read ≥ 0.4 × the bare endpoint's rate; p99 ≤ 3 × p50 with 4 clients.
PostgreSQL runs with ``fsync=on`` under ``make bench`` (the header says).

Reads during writes: the same two reads while 2 other clients draft orders without
pause, against the read alone (ratio). Plain reads take no write lock (a snapshot, on
SQLite too); an audited read waits only to append its audit entry.

Two servers (PostgreSQL): ``GET /api/v1/node`` from 8 clients against two ``uncc serve``
processes of one node (4 clients each) and against one of them alone (all 8). Goal
(issue 15): ≥ 1.4 × with two. Both servers share the machine with the clients, so the
ratio is bounded by the cores left to the servers.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import httpx

from bench.common import MIN_RUNS, Row, Stats, goal_row, ratio_row
from bench.load import Call, drive, rounds
from bench.nodes import bare_server, free_port, make_node, uncc_server

SIZES = {"small": 120, "full": 600}
"""Requests per round (five rounds at full size, two at the small one)."""
RUNS = {"small": 1, "full": MIN_RUNS}
GOALS = {"GET /api/v1/node": 0.6, "GET /api/v1/cases/{id} (audited read)": 0.4}
"""Each read's least rate as a share of the bare endpoint's."""
ORDER = {
    "power": "production_of_data",
    "offences": ["ict_theft"],
    "targets": [{"id": "designs", "kind": "data", "location": "XA"}],
    "grounds": "g",
    "scope": "s",
    "necessity": "n",
    "proportionality": "p",
}


def _postgres() -> str | None:
    """A fresh database on the test server when one runs (``make bench`` starts one)."""
    base = os.environ.get("UNCC_TEST_DATABASE_URL")
    if not base:
        return None
    from sqlalchemy import create_engine, text  # noqa: PLC0415

    admin = create_engine(
        base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE IF EXISTS "uncc_bench"'))
        conn.execute(text('CREATE DATABASE "uncc_bench"'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/uncc_bench"


def _while_writing(
    node: str,
    call: Call,
    headers: dict[str, str],
    *,
    writer: dict[str, str],
    case_id: str,
    count: int,
    runs: int,
) -> tuple[Stats, float, float]:
    """``drive`` of a read while two other clients draft orders without pause."""
    stop = threading.Event()

    def draft() -> None:
        with httpx.Client(base_url=node, headers=writer, timeout=30) as client:
            while not stop.is_set():
                client.post(f"/api/v1/cases/{case_id}/orders", json=ORDER)

    writers = [threading.Thread(target=draft) for _ in range(2)]
    for thread in writers:
        thread.start()
    try:
        return rounds(node, call, runs=runs, requests=count, headers=headers)
    finally:
        stop.set()
        for thread in writers:
            thread.join()


def _two_servers(work: Path, url: str, headers: dict[str, str], count: int) -> Row:
    """Reads from 8 clients: one ``uncc serve`` of the node against two of them."""
    call: Call = lambda c: c.get("/api/v1/node")  # noqa: E731 - the same call for both
    rates: dict[int, list[float]] = {1: [], 2: []}
    with (
        uncc_server(work, free_port(), url) as first,
        uncc_server(work, free_port(), url) as second,
    ):
        for _ in range(MIN_RUNS):  # alternated, so that a slow moment of the machine hits both
            rates[1].append(drive(first, call, threads=8, requests=count, headers=headers)[0])
            rates[2].append(
                drive([first, second], call, threads=8, requests=count, headers=headers)[0]
            )
    one, two = Stats.of(rates[1]), Stats.of(rates[2])
    ratio = two.median / one.median
    return Row(
        "api",
        "PostgreSQL: GET /api/v1/node through two uncc serve processes, 8 clients",
        "req/s",
        two,
        "one uncc serve process",
        one,
        ratio,
        "≥ 1.4 × one server",
        ratio >= 1.4,
        f"both servers and the 8 clients share the machine's {os.cpu_count()} cores",
    )


def run(size: str) -> list[Row]:
    """Rates and p99 for each endpoint and database, with the bare baseline."""
    count, runs = SIZES[size], RUNS[size]
    rows: list[Row] = []
    with bare_server(free_port()) as bare:
        base, p50, p99 = rounds(bare, lambda c: c.get("/ping"), runs=runs, requests=count)
    rows.append(
        Row(
            "api",
            f"bare FastAPI GET /ping (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
            "req/s",
            base,
        )
    )
    backends = [("SQLite", None)]
    pg = _postgres()
    if pg:
        backends.append(("PostgreSQL", pg))
    for name, url in backends:
        work = Path(tempfile.mkdtemp(prefix="uncc-bench-api-"))
        try:
            case_id, token = make_node(work, url)
            headers = {"Authorization": f"Bearer {token}"}
            with uncc_server(work, free_port(), url) as node:
                pia = httpx.post(
                    node + "/api/v1/login", json={"user": "pia", "password": "bench-password-2026"}
                ).json()["token"]
                figures = [
                    ("GET /api/v1/node", lambda c: c.get("/api/v1/node"), headers, True),
                    (
                        "GET /api/v1/cases/{id} (audited read)",
                        lambda c, case_id=case_id: c.get(f"/api/v1/cases/{case_id}"),
                        headers,
                        True,
                    ),
                    (
                        "POST /api/v1/cases/{id}/orders (draft)",
                        lambda c, case_id=case_id: c.post(
                            f"/api/v1/cases/{case_id}/orders", json=ORDER
                        ),
                        {"Authorization": f"Bearer {pia}"},
                        False,
                    ),
                ]
                alone: dict[str, Stats] = {}
                for label, call, hdrs, is_read in figures:
                    value, p50, p99 = rounds(
                        node,
                        call,
                        runs=runs,
                        requests=count if is_read else count // 2,
                        headers=hdrs,
                    )
                    alone[label] = value
                    least = GOALS.get(label)
                    rows.append(
                        ratio_row(
                            "api",
                            f"{name}: {label} (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
                            value,
                            "bare GET /ping",
                            base,
                            goal=f"≥ {least} × bare" if least else "",
                            limit=least,
                            unit="req/s",
                            higher=True,
                        )
                    )
                    if is_read:
                        spread = p99 / p50
                        rows.append(
                            goal_row(
                                "api",
                                f"{name}: {label}, p99 / p50 with 4 clients",
                                Stats(spread, spread, spread, runs),
                                goal="≤ 3 ×",
                                limit=3.0,
                                unit="×",
                                note="p99 and p50 are the medians of the rounds' own",
                            )
                        )
                for label, call, hdrs, is_read in figures:
                    if not is_read:
                        continue
                    value, p50, p99 = _while_writing(
                        node,
                        call,
                        hdrs,
                        writer={"Authorization": f"Bearer {pia}"},
                        case_id=case_id,
                        count=count,
                        runs=runs,
                    )
                    rows.append(
                        ratio_row(
                            "api",
                            f"{name}: {label} while 2 clients draft orders (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
                            value,
                            "the read alone",
                            alone[label],
                            unit="req/s",
                            higher=True,
                        )
                    )
            if url:
                rows.append(_two_servers(work, url, headers, count))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not pg:
        rows.append(
            Row(
                "api",
                "PostgreSQL",
                "req/s",
                Stats(0, 0, 0, 0),
                note="skipped: no PostgreSQL server (make bench starts one when it can)",
            )
        )
    return rows
