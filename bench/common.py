"""Timing, figures and the machine shared by every benchmark.

Every figure is the median of at least ``MIN_RUNS`` measured runs with its min–max;
rates are measured throughput (items done / elapsed seconds of each run), never the
inverse of a latency. The tables themselves are written by ``bench.report``.
"""

from __future__ import annotations

import gc
import os
import platform
import re
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MIN_RUNS = 5
"""The fewest measured runs behind any figure of a full run."""
MEASURED = re.compile(r"\s*\([^)]*\d[^)]*\)")
"""A parenthesised part of a figure's label holding a measured number (p99, MiB/s)."""


@dataclass(frozen=True)
class Stats:
    """Median and range of repeated measurements (seconds, or the unit given)."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: list[float]) -> Stats:
        """Summary of measurements."""
        return cls(statistics.median(values), min(values), max(values), len(values))


def timed(function: Callable[[], Any], repeat: int = MIN_RUNS, warmup: int = 0) -> Stats:
    """Wall time of ``function`` over ``repeat`` runs (after ``warmup`` unmeasured ones)."""
    for _ in range(warmup):
        function()
    values = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        function()
        values.append(time.perf_counter() - start)
    return Stats.of(values)


def throughput(work: Callable[[], int], repeat: int = MIN_RUNS, warmup: int = 0) -> Stats:
    """Measured rate of ``work`` (it returns how many items it did) over ``repeat`` runs."""
    for _ in range(warmup):
        work()
    values = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        done = work()
        values.append(done / (time.perf_counter() - start))
    return Stats.of(values)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Row:
    """One line of the results table.

    ``limit`` is the goal as a number, compared with the ratio when there is a baseline
    and with the median otherwise; ``higher`` says whether more is better (rates).
    """

    bench: str
    figure: str
    unit: str
    value: Stats
    baseline: str = ""
    baseline_value: Stats | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    limit: float | None = None
    higher: bool = False

    @property
    def key(self) -> str:
        """A name for the figure that stays the same across runs (no measured numbers)."""
        return f"{self.bench}: {MEASURED.sub('', self.figure)}"


def judged(row: Row) -> Row:
    """``row`` with ``met`` decided from its limit (ratio if any, else median)."""
    if row.limit is not None:
        figure = row.ratio if row.baseline_value is not None else row.value.median
        if figure is not None:
            row.met = figure >= row.limit if row.higher else figure <= row.limit
    return row


def ratio_row(
    bench: str,
    figure: str,
    value: Stats,
    baseline: str,
    base: Stats,
    *,
    goal: str = "",
    limit: float | None = None,
    note: str = "",
    unit: str = "s",
    higher: bool = False,
) -> Row:
    """A row comparing a figure with its baseline by median (value / baseline)."""
    ratio = value.median / base.median if base.median else None
    row = Row(bench, figure, unit, value, baseline, base, ratio, goal, None, note)
    row.limit, row.higher = limit, higher
    return judged(row)


def goal_row(
    bench: str,
    figure: str,
    value: Stats,
    *,
    goal: str,
    limit: float,
    unit: str = "s",
    higher: bool = False,
    note: str = "",
) -> Row:
    """A row judged by its own median against ``limit`` (no baseline)."""
    row = Row(bench, figure, unit, value, goal=goal, note=note, limit=limit, higher=higher)
    return judged(row)


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a process the benchmarks start: this one's, with bytecode caching.

    ``PYTHONDONTWRITEBYTECODE`` (set in some shells and CI) would make every ``uncc``
    process compile the project's modules again (seconds); an installed node has them
    compiled (``make install`` compiles the environment), so the benchmarks' processes
    may write and reuse their bytecode too.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **extra}


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.rstrip()


def source_state() -> dict[str, Any]:
    """The commit measured, and whether the tree differed from it (results files aside)."""
    changed = [
        line[3:]
        for line in _git("status", "--porcelain", "--untracked-files=no").splitlines()
        if not re.match(r"bench/(results|history)", line[3:])
    ]
    return {"commit": _git("rev-parse", "--short=10", "HEAD").strip() or "?", "dirty": changed}


def machine() -> dict[str, str]:
    """What this machine is (for the table's header)."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1048576:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import sqlite3  # noqa: PLC0415

    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
        "host": platform.node(),
    }


def fmt(value: float, unit: str) -> str:
    """A number for the table."""
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.1f} µs"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.2f} {unit}"
