"""Evidence ingest: ``uncc evidence add`` against ``sha256sum`` and ``cp`` on the same file.

Each tool runs as a process on the same file (which the page cache holds after the first
read, for all three alike), three times. Ingest reads, hashes and writes the bytes into
the content-addressed vault in one pass and records custody. Goal: ≤ 1.15 × sha256sum;
peak memory independent of the file's size.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Row, Stats, ratio_row
from bench.nodes import make_node

SIZES = {"small": (64 << 20,), "full": (1 << 30, 4 << 30)}
BLOCK = os.urandom(1 << 20)


def make_file(path: Path, size: int) -> None:
    """A file of ``size`` bytes (1 MiB random blocks, each made unique by its number)."""
    with path.open("wb") as out:
        for n in range(size >> 20):
            out.write(n.to_bytes(8, "big") + BLOCK[8:])


def run_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and peak resident memory (KiB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        msg = f"{' '.join(args)} failed: {error}"
        raise RuntimeError(msg)
    return elapsed, usage.ru_maxrss


def run(size: str) -> list[Row]:
    """Ingest, sha256sum and cp for each size; memory at each size."""
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="uncc-bench-ingest-"))
    try:
        case_id, token = make_node(work / "node")
        env = {**os.environ, "UNCC_DATA_DIR": str(work / "node"), "UNCC_TOKEN": token}
        env.pop("UNCC_DATABASE_URL", None)
        memory: dict[int, int] = {}
        for nbytes in SIZES[size]:
            source = work / "evidence.bin"
            make_file(source, nbytes)
            results: dict[str, list[float]] = {"sha": [], "cp": [], "ingest": []}
            peaks = []
            run_process(["sha256sum", str(source)])  # warm the page cache for everyone
            for _ in range(3 if nbytes <= 1 << 30 else 2):
                results["sha"].append(run_process(["sha256sum", str(source)])[0])
                target = work / "copy.bin"
                results["cp"].append(run_process(["cp", str(source), str(target)])[0])
                target.unlink()
                elapsed, peak = run_process(
                    [
                        sys.executable,
                        "-m",
                        "uncc",
                        "evidence",
                        "add",
                        str(source),
                        "--case",
                        case_id,
                        "--tool",
                        "bench",
                    ],
                    env,
                )
                results["ingest"].append(elapsed)
                peaks.append(peak)
                shutil.rmtree(work / "node" / "blobs", ignore_errors=True)
            memory[nbytes] = max(peaks)
            label = f"{nbytes / (1 << 30):g} GiB" if nbytes >= 1 << 30 else f"{nbytes >> 20} MiB"
            ingest, sha, cp = (Stats.of(results[k]) for k in ("ingest", "sha", "cp"))
            throughput = nbytes / ingest.median / (1 << 20)
            rows.append(
                ratio_row(
                    "ingest",
                    f"uncc evidence add, {label} ({throughput:,.0f} MiB/s)",
                    ingest,
                    "sha256sum",
                    sha,
                    goal="≤ 1.15 × sha256sum",
                    limit=1.15,
                    note="The command includes starting Python and the node (≈ 1 s), opening the database, and fsync of the blob; sha256sum only reads and hashes."
                    if nbytes == SIZES[size][0]
                    else "",
                )
            )
            rows.append(
                ratio_row(
                    "ingest",
                    f"uncc evidence add, {label}",
                    ingest,
                    "cp (read and write, no hash)",
                    cp,
                )
            )
            source.unlink()
        sizes = sorted(memory)
        peak = Stats(
            memory[sizes[-1]] / 1024, memory[sizes[0]] / 1024, memory[sizes[-1]] / 1024, len(sizes)
        )
        flat = memory[sizes[-1]] <= memory[sizes[0]] * 1.1
        rows.append(
            Row(
                "ingest",
                "peak memory of uncc evidence add (min–max: smallest–largest file)",
                "MiB",
                peak,
                goal="independent of size",
                met=flat,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows
