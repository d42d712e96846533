"""Against a real ``uncc serve`` process: memory stays flat under an oversized body, a
stalled body is cut off, and an upload the user may not make is refused unread."""

from __future__ import annotations

import hashlib
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.parties.catalogue import parse_profile
from uncc.services import cases, identity
from uncc.services.context import Principal
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
Served = tuple[str, int, str]
"""The server's address, its process id, and the id of a case on it."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _init(data: Path) -> str:
    """Create the node, its users and a case in-process (quicker than CLI processes)."""
    settings = Settings(data_dir=data)
    ctx = build(settings)
    profile = parse_profile((ROOT / "examples/profiles/xb-southland.yaml").read_text())
    identity.init_node(ctx, profile, "Southland", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    identity.add_user(ctx, admin, "aud", {Role.AUDITOR}, PASSWORD)
    identity.add_user(ctx, admin, "ivan", {Role.INVESTIGATOR}, PASSWORD)
    facts = load_yaml((ROOT / "examples/incidents/insider-company.yaml").read_text())
    case = cases.open_case(ctx, Principal("ivan", frozenset({Role.INVESTIGATOR})), facts)
    ctx.engine.dispose()
    return case.id


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A node with an auditor, served with a 1 MiB body limit and a 1 s read timeout."""
    data = tmp_path_factory.mktemp("node")
    env = {
        **os.environ,
        "UNCC_DATA_DIR": str(data),
        "UNCC_MAX_BODY_BYTES": str(1024 * 1024),
        "UNCC_READ_TIMEOUT": "1",
    }
    env.pop("UNCC_DATABASE_URL", None)
    case_id = _init(data)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uncc", "serve", "--port", str(port), "--tick", "0", "--send", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            try:
                httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield f"127.0.0.1:{port}", process.pid, case_id
    finally:
        process.terminate()
        process.wait(timeout=30)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def raw(address: str, head: str, body: Iterator[bytes]) -> bytes:
    """Send a request by hand (the body can be endless or stall); the answer's status line.

    The body stops as soon as the server answers (or stops reading).
    """
    host, port = address.split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head.encode())
        try:
            for chunk in body:
                if select.select([conn], [], [], 0)[0]:
                    break  # the server has answered already
                conn.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: what the test wants
        answer = b""
        while b"\r\n\r\n" not in answer and (part := conn.recv(65536)):
            answer += part
    return answer


def test_memory_stays_flat_under_a_200_mb_chunked_post_to_the_inbox(
    server: Served,
) -> None:
    address, pid, _ = server
    before = rss_kib(pid)
    chunk = b"x" * (1024 * 1024)
    framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
    head = (
        f"POST /network/v1/inbox HTTP/1.1\r\nHost: {address}\r\n"
        "Content-Type: application/jose\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    answer = raw(address, head, iter([framed] * 200))
    assert answer.startswith(b"HTTP/1.1 413")
    grown_mib = (rss_kib(pid) - before) / 1024
    assert grown_mib < 50, f"the server grew by {grown_mib:.0f} MiB"  # the body is 200 MiB


def test_a_declared_huge_login_body_is_refused_unread(server: Served) -> None:
    address, pid, _ = server
    before = rss_kib(pid)
    head = (
        f"POST /api/v1/login HTTP/1.1\r\nHost: {address}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {400 * 1024 * 1024}\r\n\r\n"
    )
    answer = raw(address, head, iter([b"{" + b" " * 65536]))
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"application/problem+json" in answer.lower()
    assert (rss_kib(pid) - before) / 1024 < 50


def test_a_stalled_body_is_cut_off_with_408(server: Served) -> None:
    address, _, _ = server
    head = (
        f"POST /api/v1/login HTTP/1.1\r\nHost: {address}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    )
    answer = raw(address, head, iter([b'{"user": "a']))  # then nothing: the client stalls
    assert answer.startswith(b"HTTP/1.1 408")


def test_an_auditor_upload_is_refused_before_the_body_is_read(server: Served) -> None:
    address, _, case_id = server
    token = httpx.post(
        f"http://{address}/api/v1/login", json={"user": "aud", "password": PASSWORD}
    ).json()["token"]
    head = (
        f"POST /api/v1/cases/{case_id}/evidence?filename=x.dd HTTP/1.1\r\nHost: {address}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {4 * 1024**3}\r\n\r\n"
    )
    answer = raw(address, head, iter([b"x" * 65536]))  # 64 KiB of a declared 4 GiB
    assert answer.startswith(b"HTTP/1.1 403")


def test_memory_stays_flat_while_a_64_mib_upload_streams_into_the_vault(
    server: Served,
) -> None:
    address, pid, case_id = server
    token = httpx.post(
        f"http://{address}/api/v1/login", json={"user": "ivan", "password": PASSWORD}
    ).json()["token"]
    chunk = bytes(range(256)) * 4096  # 1 MiB
    digest = hashlib.sha256()
    for _ in range(64):
        digest.update(chunk)
    before = rss_kib(pid)
    response = httpx.post(
        f"http://{address}/api/v1/cases/{case_id}/evidence",
        params={"filename": "image.dd"},
        content=iter([chunk] * 64),
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == digest.hexdigest()
    assert (rss_kib(pid) - before) / 1024 < 32  # the body is 64 MiB
