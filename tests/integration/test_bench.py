"""Every benchmark runs at the small size (CI checks that they work; no timing is asserted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench import report

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "name",
    [
        "ingest",
        "s3ingest",
        "custody",
        "analysis",
        "api",
        "network",
        "witness",
        "experts",
        "deconfliction",
        "tracing",
        "cli",
    ],
)
def test_the_benchmark_runs_at_the_small_size(name: str, tmp_path: Path) -> None:
    if name == "s3ingest" and not os.environ.get("UNCC_TEST_S3_ENDPOINT"):
        if os.environ.get("UNCC_REQUIRE_S3") == "1":
            pytest.fail("UNCC_REQUIRE_S3=1 but UNCC_TEST_S3_ENDPOINT is not set")
        pytest.skip("no S3 server: run through scripts/with-seaweedfs.sh (make test does)")
    out = tmp_path / "results.md"
    env = {**os.environ}
    env.pop("UNCC_DATA_DIR", None)
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--size", "small", "--only", name, "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    table = out.read_text(encoding="utf-8")
    assert f"| {name} |" in table
    assert report.COLUMNS in table
    assert report.agreement(out.with_suffix("")) == []
