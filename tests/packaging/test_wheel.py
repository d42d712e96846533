"""The wheel, installed alone: ``uncc`` starts, serves and runs the demo without dev tools.

Slow (a build, a fresh virtual environment and four demo servers), so one test, marked
``wheel``: ``uv run --frozen pytest -m wheel`` runs it alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "examples/profiles/xa-northland.yaml"


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def _run(*args: str | Path, env: dict[str, str], stdin: str | None = None, cwd: Path) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        input=stdin,
        cwd=cwd,
        timeout=600,
    )
    assert result.returncode == 0, f"{args}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _served(url: str, server: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        time.sleep(0.2)
    return False


@pytest.mark.wheel
def test_the_wheel_installed_without_dev_dependencies_serves_and_runs_the_demo(
    tmp_path: Path,
) -> None:
    # outside the checkout, with none of the test run's settings
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UNCC_", "VIRTUAL_ENV"))}
    env |= {"UNCC_DATA_DIR": str(tmp_path / "data"), "COLUMNS": "250", "PYTHONPATH": ""}
    _run(*_uv(), "build", "--wheel", "--out-dir", tmp_path / "dist", ROOT, env=env, cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("uncc-*.whl")
    venv = tmp_path / "venv"
    _run(*_uv(), "venv", "--quiet", "--python", sys.executable, venv, env=env, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(*_uv(), "pip", "install", "--quiet", "--compile-bytecode", "--python", python, wheel, env=env, cwd=tmp_path)  # fmt: skip
    uncc = venv / "bin" / "uncc"

    # no dev tool and no optional driver came with it; the code was compiled at install
    probe = "import importlib.util as u; print([m for m in ('pytest', 'psycopg', 'obstore') if u.find_spec(m)])"
    assert _run(python, "-c", probe, env=env, cwd=tmp_path).strip() == "[]"
    (package,) = (venv / "lib").glob("python3*/site-packages/uncc")
    assert list((package / "adapters" / "db" / "migrations").rglob("__pycache__/*.pyc"))

    assert "serve" in _run(uncc, "--help", env=env, cwd=tmp_path)
    missing = subprocess.run(
        [uncc, "node", "info"],
        env=env | {"UNCC_DATABASE_URL": "postgresql://uncc@127.0.0.1:1/uncc"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2, missing.stderr
    assert "uncc[postgresql]" in missing.stderr
    assert "Traceback" not in missing.stderr

    password = "a long wheel test password\n"
    _run(uncc, "node", "init", "--profile", PROFILE, "--name", "Wheel", "--password-stdin", env=env, stdin=password, cwd=tmp_path)  # fmt: skip
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [uncc, "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=log,
        stderr=log,
        text=True,
    )
    try:
        assert _served(f"http://127.0.0.1:{port}/healthz", server), (
            tmp_path / "serve.log"
        ).read_text()
        # the French catalog ships as a .po file and is compiled when first used
        french = httpx.get(f"http://127.0.0.1:{port}/login", headers={"Accept-Language": "fr"})
        assert "Se connecter" in french.text
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()

    out = _run(uncc, "demo", "--no-wait", "--plain-http", "--dir", tmp_path / "demo", env=env, cwd=tmp_path)  # fmt: skip
    assert "vault verifies clean" in out
    assert "execution result received: preserved" in out
