"""Evidence ingest of 1 GiB and 4 GiB files, through the CLI and the API, against a Python floor.

The floor (``bench/ingest_floor.py``) reads the file, hashes it with hashlib's SHA-256,
writes the same bytes and fsyncs them, in one Python process: the least any ingest of
the vault must do. ``sha256sum`` and ``openssl dgst -sha256`` (hashing only) are
reported beside it. Every tool is a fresh process on the same file (which the page cache
holds after a first unmeasured read, for all alike), run in turn, five times at full
size. CLI: ``uncc evidence add`` (starting Python and the node, the blob written and
fsynced, its record and custody event). API: the same file streamed to
``POST /api/v1/cases/{id}/evidence`` of ``uncc serve`` on loopback.

Memory is measured on the ingesting process itself: the CLI is spawned by a small
launcher (``bench/spawn.py``), so that its ``ru_maxrss`` is its own; the server's own
high-water mark (``VmHWM``) is read after its uploads. Goals: ≤ 1.2 × the floor; peak
memory flat in file size.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.common import HERE, MIN_RUNS, Row, Stats, goal_row, process_env, ratio_row
from bench.nodes import free_port, make_node, peak_kib, served, uncc_command

SIZES = {"small": (64 << 20,), "full": (1 << 30, 4 << 30)}
RUNS = {"small": 2, "full": MIN_RUNS}
BLOCK = os.urandom(1 << 20)
FLOOR = "Python: read, hashlib SHA-256, write, fsync"


def make_file(path: Path, size: int) -> None:
    """A file of ``size`` bytes (1 MiB random blocks, each made unique by its number)."""
    with path.open("wb") as out:
        for n in range(size >> 20):
            out.write(n.to_bytes(8, "big") + BLOCK[8:])


def spawned(args: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall time and the process's own peak resident size (KiB), through ``bench/spawn.py``."""
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        launcher = [sys.executable, "-I", str(HERE / "spawn.py"), result.name, "--", *args]
        done = subprocess.run(launcher, env=env, capture_output=True, check=False)
        if done.returncode != 0:
            msg = f"{' '.join(args)} failed: {done.stderr.decode()[-2000:]}"
            raise RuntimeError(msg)
        figures = json.loads(Path(result.name).read_text(encoding="utf-8"))
    return figures["wall"], figures["maxrss_kib"]


def stream(path: Path) -> Iterator[bytes]:
    """The file in 1 MiB chunks (the upload's body)."""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def label(nbytes: int) -> str:
    """1 GiB, 64 MiB …"""
    return f"{nbytes / (1 << 30):g} GiB" if nbytes >= 1 << 30 else f"{nbytes >> 20} MiB"


def measure(work: Path, source: Path, runs: int, case_id: str, token: str) -> dict[str, Any]:
    """Times of every tool on ``source``, in turn; the CLI's peaks and the server's."""
    env = process_env(UNCC_DATA_DIR=str(work / "node"), UNCC_TOKEN=token)
    env.pop("UNCC_DATABASE_URL", None)
    target = work / "copy.bin"
    times: dict[str, list[float]] = {k: [] for k in ("floor", "sha", "openssl", "cli", "api")}
    peaks: list[int] = []
    port = free_port()
    args, server_env = uncc_command(work / "node", port)
    spawned(["sha256sum", str(source)])  # warm the page cache for everyone
    spawned([sys.executable, "-m", "uncc", "--help"], env)  # and the bytecode cache
    with (
        served(args, server_env, port, "/login") as (url, server),
        httpx.Client(
            base_url=url, timeout=3600, headers={"Authorization": f"Bearer {token}"}
        ) as http,
    ):
        for n in range(runs):
            floor_cmd = [sys.executable, str(HERE / "ingest_floor.py"), str(source), str(target)]
            times["floor"].append(spawned(floor_cmd)[0])
            target.unlink()
            times["sha"].append(spawned(["sha256sum", str(source)])[0])
            times["openssl"].append(spawned(["openssl", "dgst", "-sha256", str(source)])[0])
            cli = [sys.executable, "-m", "uncc", "evidence", "add", str(source)]
            wall, peak = spawned([*cli, "--case", case_id, "--tool", "bench"], env)
            times["cli"].append(wall)
            peaks.append(peak)
            shutil.rmtree(work / "node" / "blobs", ignore_errors=True)
            began = time.perf_counter()
            answer = http.post(
                f"/api/v1/cases/{case_id}/evidence",
                params={"filename": f"image-{n}.dd"},
                content=stream(source),
            )
            times["api"].append(time.perf_counter() - began)
            answer.raise_for_status()
            shutil.rmtree(work / "node" / "blobs", ignore_errors=True)
        server_peak = peak_kib(server)
    return {"times": times, "cli_peak": max(peaks), "server_peak": server_peak}


def run(size: str) -> list[Row]:
    """Every tool at each size; memory across sizes."""
    rows: list[Row] = []
    work = Path(tempfile.mkdtemp(prefix="uncc-bench-ingest-"))
    cli_peaks: dict[int, int] = {}
    server_peaks: dict[int, int] = {}
    try:
        case_id, token = make_node(work / "node")
        for nbytes in SIZES[size]:
            source = work / "evidence.bin"
            make_file(source, nbytes)
            found = measure(work, source, RUNS[size], case_id, token)
            source.unlink()
            cli_peaks[nbytes], server_peaks[nbytes] = found["cli_peak"], found["server_peak"]
            stats = {k: Stats.of(v) for k, v in found["times"].items()}
            floor, name = stats["floor"], label(nbytes)
            for key, what in (
                ("cli", "uncc evidence add (CLI)"),
                ("api", "upload through the API"),
            ):
                rate = nbytes / stats[key].median / (1 << 20)
                rows.append(
                    ratio_row(
                        "ingest",
                        f"{what}, {name} ({rate:,.0f} MiB/s)",
                        stats[key],
                        FLOOR,
                        floor,
                        goal="≤ 1.2 × floor",
                        limit=1.2,
                    )
                )
            for key, what in (
                ("sha", "sha256sum (hash only)"),
                ("openssl", "openssl dgst -sha256 (hash only)"),
            ):
                rows.append(ratio_row("ingest", f"{what}, {name}", stats[key], FLOOR, floor))
        rows += _memory(cli_peaks, "uncc evidence add (CLI)")
        rows += _memory(server_peaks, "uncc serve during API uploads")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def _memory(peaks: dict[int, int], who: str) -> list[Row]:
    """The peak at the largest size, judged against the smallest (flat: ≤ 1.1 ×)."""
    sizes = sorted(peaks)
    small, large = peaks[sizes[0]] / 1024, peaks[sizes[-1]] / 1024
    growth = large / small
    return [
        goal_row(
            "ingest",
            f"peak memory of {who} at {label(sizes[-1])} / at {label(sizes[0])} ({small:.0f} → {large:.0f} MiB)",
            Stats(growth, growth, growth, len(sizes)),
            goal="flat in file size (≤ 1.1 ×)",
            limit=1.1,
            unit="×",
            note="Measured on the process itself: the CLI's ru_maxrss through a small launcher that forks it, the server's VmHWM.",
        )
    ]
