"""CLI start-up: ``uncc --help`` against a minimal Typer app, and ``uncc analyze`` of an example.

Each command is a fresh process calling the console script's entry point
(``uncc.entrypoints.cli.main:run``), run in turn with its baseline (A B A B …) so that
the machine's drift touches both; the CPU time of each run is noted beside the wall time. Goals: ``uncc --help`` ≤ 1.5 × the minimal Typer app;
``uncc analyze`` of the ransomware example with three profiles ≤ 350 ms wall. The first
run of each is not measured: it compiles the bytecode and keeps the validated Convention
beside it, as ``make install`` does (ADR 0038).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Row, Stats, process_env, ratio_row

ROOT = Path(__file__).resolve().parents[1]
RUNS = {"small": 3, "full": 11}
UNCC = [sys.executable, "-c", "from uncc.entrypoints.cli.main import run; run()"]
MINIMAL = [sys.executable, str(ROOT / "bench" / "minimal_typer.py")]
ANALYZE = [
    "analyze",
    "examples/incidents/ransomware-hospital.yaml",
    *("--profile", "examples/profiles/xa-northland.yaml"),
    *("--profile", "examples/profiles/xb-southland.yaml"),
    *("--profile", "examples/profiles/xc-eastland.yaml"),
]


def _once(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True, env=process_env())
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def _paired(a: list[str], b: list[str], runs: int) -> tuple[list[float], ...]:
    """Walls and CPUs of ``a`` and ``b`` run in turn, after one unmeasured run of each."""
    _once(a), _once(b)
    walls_a, cpus_a, walls_b, cpus_b = [], [], [], []
    for _ in range(runs):
        wall, cpu = _once(a)
        walls_a.append(wall)
        cpus_a.append(cpu)
        wall, cpu = _once(b)
        walls_b.append(wall)
        cpus_b.append(cpu)
    return walls_a, cpus_a, walls_b, cpus_b


def run(size: str) -> list[Row]:
    """The two CLI figures."""
    runs = RUNS[size]
    walls, cpus, base_walls, base_cpus = _paired([*UNCC, "--help"], [*MINIMAL, "--help"], runs)
    help_row = ratio_row(
        "cli",
        "uncc --help",
        Stats.of(walls),
        "minimal Typer app --help",
        Stats.of(base_walls),
        goal="≤ 1.5 ×",
        limit=1.5,
        note=f"CPU {Stats.of(cpus).median:.3f} s vs {Stats.of(base_cpus).median:.3f} s",
    )
    analyze = [_once([*UNCC, *ANALYZE]) for _ in range(runs + 1)][1:]
    wall = Stats.of([w for w, _ in analyze])
    cpu = Stats.of([c for _, c in analyze])
    analyze_row = Row(
        "cli",
        "uncc analyze (ransomware example, 3 profiles)",
        "s",
        wall,
        goal="≤ 0.35 s wall",
        met=wall.median <= 0.35,
        note=f"CPU {cpu.median:.3f} s",
    )
    return [help_row, analyze_row]
