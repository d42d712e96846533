"""The node's API under load, SQLite and PostgreSQL, against a bare FastAPI endpoint.

Every server is a separate ``uvicorn`` process (one worker, access log off), driven by
the same closed-loop client (4 threads, keep-alive). Reads: ``GET /api/v1/cases/{id}``
(authenticated, and audited: a read writes an audit entry) and ``GET /api/v1/node``.
Write: drafting an order (checked against the Convention, stored, audited). Baseline:
``GET /ping`` of a bare FastAPI app. Goal: reads ≥ 50 % of the bare endpoint's rate.

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

from bench.common import Row, Stats
from bench.load import Call, drive
from bench.nodes import bare_server, free_port, make_node, uncc_server

SIZES = {"small": 120, "full": 1_200}
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
) -> tuple[float, float, float]:
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
        return drive(node, call, requests=count, headers=headers)
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
        for _ in range(3):  # alternated, so that a slow moment of the machine hits both
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
    count = SIZES[size]
    rows: list[Row] = []
    with bare_server(free_port()) as bare:
        rate, p50, p99 = drive(bare, lambda c: c.get("/ping"), requests=count)
    base = Stats(rate, rate, rate, 1)
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
                    rate, p50, p99 = drive(
                        node, call, requests=count if is_read else count // 2, headers=hdrs
                    )
                    value = alone[label] = Stats(rate, rate, rate, 1)
                    ratio = rate / base.median
                    rows.append(
                        Row(
                            "api",
                            f"{name}: {label} (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
                            "req/s",
                            value,
                            "bare GET /ping",
                            base,
                            ratio,
                            "reads ≥ 50 % of bare" if is_read else "",
                            (ratio >= 0.5) if is_read else None,
                        )
                    )
                for label, call, hdrs, is_read in figures:
                    if not is_read:
                        continue
                    rate, p50, p99 = _while_writing(
                        node,
                        call,
                        hdrs,
                        writer={"Authorization": f"Bearer {pia}"},
                        case_id=case_id,
                        count=count,
                    )
                    rows.append(
                        Row(
                            "api",
                            f"{name}: {label} while 2 clients draft orders (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
                            "req/s",
                            Stats(rate, rate, rate, 1),
                            "the read alone",
                            alone[label],
                            rate / alone[label].median,
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
