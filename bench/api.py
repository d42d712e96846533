"""The node's API under load, SQLite and PostgreSQL, against a bare FastAPI endpoint.

Every server is a separate ``uvicorn`` process (one worker, access log off), driven by
the same closed-loop client (4 threads, keep-alive). Reads: ``GET /api/v1/cases/{id}``
(authenticated, and audited: a read writes an audit entry) and ``GET /api/v1/node``.
Write: drafting an order (checked against the Convention, stored, audited). Baseline
of each read: a bare FastAPI endpoint answering the same body bytes as
``application/json`` (``bench/bare_same.py``; the bodies are fetched from the node
first), its rounds alternated with the read's; ``GET /ping`` for information. Every
figure: five rounds, the median of their measured rates (requests done / elapsed) with
the min–max. Goals: node info ≥ 0.6 × and the audited case read ≥ 0.4 × its bare twin's
rate; p99 ≤ 3 × p50 with 4 clients.
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
from bench.nodes import bare_same_server, bare_server, free_port, make_node, uncc_server
from bench.rawload import drive_raw

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
    """Reads from 8 clients: one ``uncc serve`` of the node against two of them.

    The clients are ``bench.rawload``'s raw sockets, not ``drive``'s httpx clients: the
    row asks how the servers scale, and an httpx client costs more than half a server's
    CPU per request on the same two cores (bench/findings/reads.md), so it capped the
    ratio whatever the servers did.
    """
    rates: dict[int, list[float]] = {1: [], 2: []}
    with (
        uncc_server(work, free_port(), url) as first,
        uncc_server(work, free_port(), url) as second,
    ):
        for _ in range(MIN_RUNS):  # alternated, so that a slow moment of the machine hits both
            for servers in ([first], [first, second]):
                rate = drive_raw(
                    servers, "/api/v1/node", threads=8, requests=count, headers=headers
                )[0]
                rates[len(servers)].append(rate)
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
        f"both servers and the 8 clients share the machine's {os.cpu_count()} cores; "
        "the clients are raw sockets sending the same request bytes (bench/rawload.py)",
    )


def _get(path: str) -> Call:
    """A GET of ``path``."""
    return lambda c: c.get(path)


def _paired(
    node: str,
    call: Call,
    bare: str,
    bare_call: Call,
    *,
    runs: int,
    count: int,
    headers: dict[str, str],
) -> tuple[tuple[Stats, float, float], tuple[Stats, float, float]]:
    """A read and its bare twin, rounds alternated (a slow moment of the machine hits both)."""
    mine: list[tuple[float, float, float]] = []
    theirs: list[tuple[float, float, float]] = []
    for _ in range(runs):
        theirs.append(drive(bare, bare_call, requests=count))
        mine.append(drive(node, call, requests=count, headers=headers))

    def summary(figures: list[tuple[float, float, float]]) -> tuple[Stats, float, float]:
        rates, p50s, p99s = zip(*figures, strict=True)
        return Stats.of(list(rates)), Stats.of(list(p50s)).median, Stats.of(list(p99s)).median

    return summary(mine), summary(theirs)


def _same_bytes(node: str, headers: dict[str, str], case_id: str, folder: Path) -> dict[str, int]:
    """Write the node's answers to the two reads, for the bare twin; their sizes."""
    sizes = {}
    for name, path in (("node", "/api/v1/node"), ("case", f"/api/v1/cases/{case_id}")):
        answer = httpx.get(node + path, headers=headers, timeout=60)
        answer.raise_for_status()
        (folder / f"{name}.json").write_bytes(answer.content)
        sizes[name] = len(answer.content)
    return sizes


def _reads(
    name: str,
    node: str,
    bare: str,
    *,
    headers: dict[str, str],
    case_id: str,
    sizes: dict[str, int],
    runs: int,
    count: int,
) -> tuple[list[Row], dict[str, Stats]]:
    """Each read against the bare endpoint answering its bytes, with p99 / p50."""
    reads = [
        ("GET /api/v1/node", lambda c: c.get("/api/v1/node"), "/node", sizes["node"]),
        (
            "GET /api/v1/cases/{id} (audited read)",
            lambda c: c.get(f"/api/v1/cases/{case_id}"),
            "/case",
            sizes["case"],
        ),
    ]
    rows: list[Row] = []
    alone: dict[str, Stats] = {}
    for label, call, twin, size in reads:
        (value, p50, p99), (base, b50, b99) = _paired(
            node,
            call,
            bare,
            _get(twin),
            runs=runs,
            count=count,
            headers=headers,
        )
        alone[label] = value
        least = GOALS[label]
        baseline = f"bare FastAPI, the same {size:,} bytes (p50 {b50 * 1e3:.1f} ms, p99 {b99 * 1e3:.1f} ms)"
        rows.append(
            ratio_row(
                "api",
                f"{name}: {label} (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
                value,
                baseline,
                base,
                goal=f"≥ {least} × bare",
                limit=least,
                unit="req/s",
                higher=True,
                note="the bare endpoint answers the same body bytes as application/json; "
                "rounds alternate with the read's",
            )
        )
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
    return rows, alone


def _draft(
    name: str, node: str, pia: str, case_id: str, base: Stats, *, runs: int, count: int
) -> Row:
    """Drafting an order (checked, stored, audited), for information."""
    value, p50, p99 = rounds(
        node,
        lambda c: c.post(f"/api/v1/cases/{case_id}/orders", json=ORDER),
        runs=runs,
        requests=count // 2,
        headers={"Authorization": f"Bearer {pia}"},
    )
    return ratio_row(
        "api",
        f"{name}: POST /api/v1/cases/{{id}}/orders (draft) (p50 {p50 * 1e3:.1f} ms, p99 {p99 * 1e3:.1f} ms)",
        value,
        "bare GET /ping",
        base,
        unit="req/s",
        higher=True,
    )


def _backend(name: str, url: str | None, base: Stats, *, runs: int, count: int) -> list[Row]:
    """Every figure on one database."""
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="uncc-bench-api-"))
    try:
        case_id, token = make_node(work, url)
        headers = {"Authorization": f"Bearer {token}"}
        with uncc_server(work, free_port(), url) as node:
            pia = httpx.post(
                node + "/api/v1/login",
                json={"user": "pia", "password": "bench-password-2026"},
                timeout=60,  # argon2 on a loaded machine
            ).json()["token"]
            bodies = work / "bodies"
            bodies.mkdir()
            sizes = _same_bytes(node, headers, case_id, bodies)
            with bare_same_server(free_port(), bodies) as bare:
                reads, alone = _reads(
                    name,
                    node,
                    bare,
                    headers=headers,
                    case_id=case_id,
                    sizes=sizes,
                    runs=runs,
                    count=count,
                )
            rows += reads
            rows.append(_draft(name, node, pia, case_id, base, runs=runs, count=count))
            for label, call in (
                ("GET /api/v1/node", lambda c: c.get("/api/v1/node")),
                (
                    "GET /api/v1/cases/{id} (audited read)",
                    lambda c: c.get(f"/api/v1/cases/{case_id}"),
                ),
            ):
                value, p50, p99 = _while_writing(
                    node,
                    call,
                    headers,
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
    return rows


def run(size: str) -> list[Row]:
    """Rates and p99 for each endpoint and database, each read against its bare twin."""
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
            note="for information: each read is judged against a bare endpoint answering its own bytes",
        )
    )
    pg = _postgres()
    for name, url in [("SQLite", None)] + ([("PostgreSQL", pg)] if pg else []):
        rows += _backend(name, url, base, runs=runs, count=count)
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
