"""A real node for the remote command line: ``uncc node init`` and ``uncc serve`` over HTTPS.

The server runs as a subprocess with its own data directory and a certificate from a
CA made for the test; the commands under test run from another directory, with
another data directory and config directory, and reach the node only through its URL.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import trustme

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


@dataclass
class Server:
    """A running node and what a workstation needs to reach it."""

    url: str
    ca: Path
    data: Path
    env: dict[str, str] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(url: str, ca: Path, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if process.poll() is not None:
            raise RuntimeError(f"uncc serve stopped with {process.returncode}")
        try:
            httpx.get(f"{url}/api/v1/openapi.json", verify=trusting(ca), timeout=2)
        except httpx.HTTPError:
            time.sleep(0.1)
            continue
        return
    raise RuntimeError("uncc serve did not start")


def trusting(ca: Path) -> ssl.SSLContext:
    """A TLS context that trusts only the test's CA."""
    return ssl.create_default_context(cafile=str(ca))


def server_env(data: Path) -> dict[str, str]:
    """The environment of the node's own commands (on the server)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNCC_")}
    return env | {"UNCC_DATA_DIR": str(data)}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Northland's node, initialised as docs/node.md does, served over HTTPS."""
    base = tmp_path_factory.mktemp("server")
    data = base / "node"
    env = server_env(data)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "uncc",
            "node",
            "init",
            "--profile",
            "examples/profiles/xa-northland.yaml",
            "--name",
            "Northland National Cybercrime Unit",
            "--admin",
            "admin",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
        text=True,
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    tls = data / "tls"
    tls.mkdir(mode=0o700)
    cert.cert_chain_pems[0].write_to_path(str(tls / "cert.pem"))
    cert.private_key_pem.write_to_path(str(tls / "key.pem"))
    ca_file = base / "unit-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uncc",
            "serve",
            "--port",
            str(port),
            "--tick",
            "0",
            "--send",
            "0",
            "--no-access-log",
        ],
        env=env,
        cwd=base,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"https://127.0.0.1:{port}"
    try:
        _wait(url, ca_file, process)
        yield Server(url, ca_file, data, env)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Workstation:
    """Another directory, data dir and config dir: no access to the node's files."""

    home: Path
    env: dict[str, str]

    def uncc(
        self, *args: str, stdin: str = "", node: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``uncc`` here (with ``UNCC_NODE_URL``/``UNCC_CA_FILE`` set unless ``node`` is False)."""
        env = dict(self.env)
        if not node:
            env.pop("UNCC_NODE_URL", None)
            env.pop("UNCC_CA_FILE", None)
        return subprocess.run(
            [sys.executable, "-m", "uncc", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=self.home,
            timeout=120,
            check=False,
        )


@pytest.fixture
def workstation(tmp_path: Path, node: Server) -> Workstation:
    """An investigator's workstation pointed at the node (``UNCC_NODE_URL``, ``UNCC_CA_FILE``)."""
    home = tmp_path / "workstation"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("UNCC_")}
    env |= {
        "UNCC_DATA_DIR": str(home / "data"),
        "UNCC_CONFIG_DIR": str(home / "config"),
        "UNCC_NODE_URL": node.url,
        "UNCC_CA_FILE": str(node.ca),
        "COLUMNS": "200",
    }
    return Workstation(home, env)
