"""``uncc demo``: four server processes and the cross-border case, end to end; resumed later,
and stopped whole by SIGTERM."""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from uncc.entrypoints.cli.demo_nodes import STATE_FILE, _examples, fixed_ports, setup

ROOT = Path(__file__).resolve().parents[2]


def _free_port_base() -> int:
    """A port base whose four ports are free now (the default ones may be taken in CI)."""
    for _ in range(200):
        base = random.randrange(20000, 60000)
        try:
            for port in fixed_ports(base).values():
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no four free ports in a row")


def _env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "UNCC_DATA_DIR": str(tmp_path / "cli"), "COLUMNS": "250"}
    env.pop("UNCC_DATABASE_URL", None)
    return env


def test_the_demo_runs_the_cross_border_case_across_four_processes(tmp_path: Path) -> None:
    base = _free_port_base()
    demo = [sys.executable, "-m", "uncc", "demo", "--no-wait", "--dir", str(tmp_path / "demo")]
    result = subprocess.run(
        [*demo, "--port-base", str(base)],
        cwd=ROOT,
        env=_env(tmp_path),
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
    # a deadline is printed with its date and zone, not a bare time of day
    assert re.search(r"acknowledge by \w{3} \d{2} \w{3} \d{4} \d{2}:\d{2} UTC", out), out
    assert f"127.0.0.1:{base}/" in out  # the hub on the port base, the others after it
    assert f"127.0.0.1:{base + 3}/" in out
    for state in ("xh", "xa", "xb", "xc"):
        assert (tmp_path / "demo" / state / "node.db").is_file()
        assert "Traceback" not in (tmp_path / "demo" / state / "server.log").read_text(
            encoding="utf-8"
        )


def _servers_of(folder: Path) -> list[int]:
    """The processes alive whose data folder is under ``folder`` (the demo's servers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            status = (entry / "status").read_text()
        except OSError:
            continue
        zombie = re.search(r"^State:\s+Z", status, re.MULTILINE)
        if f"UNCC_DATA_DIR={folder}".encode() in environ and not zombie:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc (Linux)")
def test_a_demo_folder_resumes_and_sigterm_stops_every_server(tmp_path: Path) -> None:
    """``--dir`` of a demo made earlier starts its servers again on the same ports and data,
    without making it anew; SIGTERM to the demo stops every server it started."""
    base, folder = _free_port_base(), tmp_path / "demo"
    setup(folder, _examples(), plain_http=True, ports=fixed_ports(base))
    made = (folder / STATE_FILE).read_text(encoding="utf-8")
    demo = subprocess.Popen(
        [sys.executable, "-m", "uncc", "demo", "--dir", str(folder)],
        cwd=ROOT,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert demo.stdout is not None
        seen = []
        for line in demo.stdout:
            seen.append(line)
            if "Press Ctrl-C" in line:
                break
        out = "".join(seen)
        assert "Resuming the demo" in out, out
        assert f"http://127.0.0.1:{base + 1}/" in out  # XA where the directory knows it
        assert (folder / STATE_FILE).read_text(encoding="utf-8") == made  # not made anew
        with socket.create_connection(("127.0.0.1", base + 3), timeout=5):
            pass
        assert len(_servers_of(folder)) >= 4
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=60) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
    deadline = time.monotonic() + 10
    while _servers_of(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _servers_of(folder) == []
    for port in fixed_ports(base).values():
        with (
            pytest.raises(ConnectionRefusedError),
            socket.create_connection(("127.0.0.1", port), timeout=2),
        ):
            pass


def test_a_folder_that_holds_no_demo_is_refused(tmp_path: Path) -> None:
    """A non-empty folder without a demo is neither overwritten nor resumed."""
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "uncc", "demo", "--dir", str(tmp_path)],
        cwd=ROOT,
        env=_env(tmp_path / "env"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "holds no demo" in result.stderr
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (tmp_path / STATE_FILE).exists()
    assert not (tmp_path / "xh").exists()
