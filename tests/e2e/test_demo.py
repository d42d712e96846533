"""``uncc demo --no-wait``: four server processes and the cross-border case, end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_demo_runs_the_cross_border_case_across_four_processes(tmp_path: Path) -> None:
    env = {**os.environ, "UNCC_DATA_DIR": str(tmp_path / "cli"), "COLUMNS": "250"}
    env.pop("UNCC_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "uncc", "demo", "--no-wait", "--dir", str(tmp_path / "demo")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    for line in (
        "opened from the facts; established under Eastland law: illegal_access",
        "refused at home: leak-server is in XA, not in XC's territory",
        "request verified and received",
        "issuing before a judge authorises is refused",
        "Northland's judge authorises order",
        "traffic data disclosed to Eastland (Art. 44)",
        "sent to XB in one step, following",
        "follow-up received: case",
        "path so far: Northhost Ltd (XA) ← Southnet Transit (XB); pending: 2 request(s)",
        "execution result received: preserved",
        "custody continuation verified",
        "vault verifies clean",
        "passing Eastland's facts on to Southland is refused",
        "1 hit (email with XB)",
        "hit confirmed against Southland's case",
        "consultation message from Southland received",
        "on call now: Marie Dubois (XB)",
        "password demo-password-2026",
    ):
        assert line in out, line
    for state in ("xh", "xa", "xb", "xc"):
        assert (tmp_path / "demo" / state / "node.db").is_file()
        assert "Traceback" not in (tmp_path / "demo" / state / "server.log").read_text(
            encoding="utf-8"
        )
