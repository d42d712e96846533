"""A small closed-loop load generator: threads with keep-alive clients, latencies per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import httpx

from bench.common import MIN_RUNS, Stats, percentile

Call = Callable[[httpx.Client], httpx.Response]


def drive(
    base: str | Sequence[str],
    call: Call,
    *,
    threads: int = 4,
    requests: int = 300,
    headers: dict[str, str] | None = None,
) -> tuple[float, float, float]:
    """(requests per second, p50, p99) of ``call`` from ``threads`` clients.

    With several base URLs (servers of one node), the clients are spread over them in turn.
    """
    bases = [base] if isinstance(base, str) else list(base)

    def client(n: int, latencies: list[float], errors: list[str]) -> None:
        url = bases[n % len(bases)]
        with httpx.Client(base_url=url, headers=headers or {}, timeout=30) as http:
            call(http)  # warm the connection
            for _ in range(requests // threads):
                start = time.perf_counter()
                response = call(http)
                latencies.append(time.perf_counter() - start)
                if response.status_code >= 400:
                    errors.append(f"{response.status_code}: {response.text[:200]}")

    return run_clients(threads, client)


Client = Callable[[int, list[float], list[str]], None]
"""One closed-loop client: its number, where it puts its latencies and its failures."""


def run_clients(threads: int, client: Client) -> tuple[float, float, float]:
    """(requests per second, p50, p99) of ``threads`` clients run at once.

    Each ``client(n, latencies, errors)`` runs in a thread of its own; any failure it
    records fails the run.
    """
    results: list[tuple[list[float], list[str]]] = [([], []) for _ in range(threads)]
    workers = [threading.Thread(target=client, args=(n, *results[n])) for n in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    latencies = [t for mine, _ in results for t in mine]
    errors = [e for _, theirs in results for e in theirs]
    if errors:
        msg = f"{len(errors)} failed requests, e.g. {errors[0]}"
        raise RuntimeError(msg)
    return len(latencies) / elapsed, percentile(latencies, 50), percentile(latencies, 99)


def rounds(
    base: str | Sequence[str],
    call: Call,
    *,
    runs: int = MIN_RUNS,
    threads: int = 4,
    requests: int = 300,
    headers: dict[str, str] | None = None,
) -> tuple[Stats, float, float]:
    """``drive`` ``runs`` times: the rates' median and range, and the medians of p50 and p99."""
    rates: list[float] = []
    p50s: list[float] = []
    p99s: list[float] = []
    for _ in range(runs):
        rate, p50, p99 = drive(base, call, threads=threads, requests=requests, headers=headers)
        rates.append(rate)
        p50s.append(p50)
        p99s.append(p99)
    return Stats.of(rates), Stats.of(p50s).median, Stats.of(p99s).median
