"""Timing, machine description and the results table shared by every benchmark."""

from __future__ import annotations

import gc
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


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


def timed(function: Callable[[], Any], repeat: int = 3, warmup: int = 0) -> Stats:
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


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


@dataclass
class Row:
    """One line of the results table."""

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
) -> Row:
    """A row comparing a figure with its baseline by median (value / baseline)."""
    ratio = value.median / base.median if base.median else None
    met = None if limit is None or ratio is None else ratio <= limit
    return Row(bench, figure, unit, value, baseline, base, ratio, goal, met, note)


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

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": f"{platform.system()} {platform.release()}",
        "commit": commit or "?",
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


def table(rows: list[Row], size: str) -> str:
    """The results as Markdown."""
    info = machine()
    lines = [
        "# Benchmark results",
        "",
        f"Size `{size}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {info['commit']}.",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['os']}; Python {info['python']}; SQLite {info['sqlite']}.",
        "Every figure is the median of repeated runs with the min–max beside it; the ratio compares",
        "medians with the baseline measured in the same run on the same machine (lower is better",
        "for times, higher for rates).",
        "",
        "| bench | figure | median | min–max | baseline | baseline median | ratio | goal | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = fmt(r.baseline_value.median, r.unit) if r.baseline_value else ""
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[r.met]
        lines.append(
            f"| {r.bench} | {r.figure} | {fmt(r.value.median, r.unit)} | {fmt(r.value.low, r.unit)} – {fmt(r.value.high, r.unit)} | {r.baseline} | {base} | {ratio} | {r.goal} | {met} |"
        )
    notes = [r for r in rows if r.note]
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- **{r.bench} — {r.figure}**: {r.note}" for r in notes]
    return "\n".join(lines) + "\n"


def as_json(rows: list[Row]) -> list[dict[str, Any]]:
    """The rows as JSON-ready dicts."""
    return [asdict(r) for r in rows]
