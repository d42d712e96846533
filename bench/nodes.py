"""Nodes for the benchmarks: an initialised data directory, and servers in subprocesses."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import ROOT, process_env

PASSWORD = "bench-password-2026"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_node(folder: Path, database_url: str | None = None) -> tuple[str, str]:
    """Initialise a Northland node with an investigator and a prosecutor; (case id, investigator token)."""
    from uncc.bootstrap import build  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.domain.policy import Role  # noqa: PLC0415
    from uncc.parties.catalogue import parse_profile  # noqa: PLC0415
    from uncc.services import cases, identity  # noqa: PLC0415
    from uncc.services.context import Principal  # noqa: PLC0415
    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    ctx = build(Settings(data_dir=folder, database_url=database_url))
    profile = parse_profile(
        (ROOT / "examples/profiles/xa-northland.yaml").read_text(encoding="utf-8")
    )
    identity.init_node(ctx, profile, "Bench node", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "ivan", {Role.INVESTIGATOR}, PASSWORD)
    identity.add_user(ctx, admin, "pia", {Role.PROSECUTOR}, PASSWORD)
    facts = load_yaml(
        (ROOT / "examples/incidents/insider-company.yaml").read_text(encoding="utf-8")
    )
    case = cases.open_case(ctx, Principal("ivan", frozenset({Role.INVESTIGATOR})), facts)  # type: ignore[arg-type]
    token = identity.login(ctx, "ivan", PASSWORD)
    ctx.engine.dispose()
    return case.id, token


@contextlib.contextmanager
def serve(args: list[str], env: dict[str, str], port: int, ready: str) -> Iterator[str]:
    """Run a server process until the block ends; yields its base URL."""
    with served(args, env, port, ready) as (url, _):
        yield url


def peak_kib(process: subprocess.Popen[bytes]) -> int:
    """A running process's own peak resident size so far (``VmHWM``), in KiB."""
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    msg = f"no VmHWM for process {process.pid}"
    raise RuntimeError(msg)


@contextlib.contextmanager
def served(
    args: list[str], env: dict[str, str], port: int, ready: str
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run a server process until the block ends; yields its base URL and the process."""
    process = subprocess.Popen(
        args,
        env=process_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + ready, timeout=1).status_code < 500:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                msg = f"server {' '.join(args)} did not start"
                raise RuntimeError(msg)
            time.sleep(0.1)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def uncc_command(
    folder: Path, port: int, database_url: str | None = None, send: str = "0"
) -> tuple[list[str], dict[str, str]]:
    """The arguments and environment of ``uncc serve`` for a data directory."""
    env = {"UNCC_DATA_DIR": str(folder)}
    if database_url:
        env["UNCC_DATABASE_URL"] = database_url
    args = [
        sys.executable,
        "-m",
        "uncc",
        "serve",
        "--port",
        str(port),
        "--tick",
        "0",
        "--send",
        send,
        "--no-access-log",
        "--plain-http",  # loopback benchmarks measure the node, not TLS
    ]
    return args, env


def uncc_server(
    folder: Path, port: int, database_url: str | None = None, send: str = "0"
) -> contextlib.AbstractContextManager[str]:
    """``uncc serve`` for a data directory."""
    args, env = uncc_command(folder, port, database_url, send)
    return serve(args, env, port, "/login")


def bare_server(port: int) -> contextlib.AbstractContextManager[str]:
    """A bare FastAPI app served by the same uvicorn."""
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_app:app",
        "--port",
        str(port),
        "--no-access-log",
    ]
    return serve(args, {"PYTHONPATH": str(ROOT)}, port, "/ping")


def bare_same_server(port: int, bodies: Path) -> contextlib.AbstractContextManager[str]:
    """Bare FastAPI endpoints answering the bytes in ``bodies`` (``bench/bare_same.py``).

    Served by the same uvicorn with the options ``uncc serve`` passes that touch a
    request's path (no access log, no ``server`` header).
    """
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.bare_same:app",
        "--port",
        str(port),
        "--no-access-log",
        "--no-server-header",
    ]
    env = {"PYTHONPATH": str(ROOT), "UNCC_BENCH_BODIES": str(bodies)}
    return serve(args, env, port, "/node")
