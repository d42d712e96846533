"""Kill the real server (SIGKILL) at random moments during ingest, order moves and
renewals, again and again: nothing acknowledged is lost, no half-written state remains,
verify passes."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(env: dict[str, str], *args: str, stdin: str = "") -> None:
    result = subprocess.run(
        [sys.executable, "-m", "uncc", *args],
        input=stdin,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uncc", "serve", "--port", str(port), "--tick", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the server did not start")


def test_sigkill_never_loses_acknowledged_work_or_leaves_half_state(tmp_path: Path) -> None:
    env = {**os.environ, "UNCC_DATA_DIR": str(tmp_path / "node")}
    env.pop("UNCC_DATABASE_URL", None)
    _run(
        env,
        "node",
        "init",
        "--profile",
        "examples/profiles/xb-southland.yaml",
        "--name",
        "Southland",
        "--admin",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    _run(env, "login", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    _run(
        env,
        "user",
        "add",
        "pia",
        "--role",
        "prosecutor",
        "--role",
        "investigator",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    port = _free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    rng = random.Random(20261128)
    acknowledged: dict[str, str] = {}  # evidence id -> sha256
    issued: set[str] = set()
    renewed: dict[str, int] = {}  # preservation order -> renewals acknowledged
    server = _start(env, port)
    token = httpx.post(f"{base}/login", json={"user": "pia", "password": PASSWORD}).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    facts = {
        "uncc": "incident/1",
        "id": "crash",
        "persons": [{"id": "p1", "kind": "natural"}],
        "data": [{"id": "d1", "kinds": ["content"], "stored_in": "XB"}],
        "acts": [
            {
                "id": "a1",
                "by": "p1",
                "conduct": "input",
                "object": "d1",
                "acted_in": "XB",
                "without_right": True,
                "mental_state": "intent",
                "purposes": ["economic_benefit"],
            }
        ],
        "results": [{"id": "r1", "kind": "loss_of_property", "caused_by": ["a1"]}],
    }
    case = httpx.post(f"{base}/cases", json={"facts": facts}, headers=auth, timeout=60).json()["id"]
    try:
        for round_ in range(4):

            def work(round_: int = round_) -> None:
                client = httpx.Client(timeout=30)
                for _ in range(50):
                    try:
                        body = os.urandom(rng.randint(1, 4) * 250_000)
                        r = client.post(
                            f"{base}/cases/{case}/evidence",
                            params={"filename": f"r{round_}.bin"},
                            content=body,
                            headers=auth,
                        )
                        if r.status_code == 201:
                            acknowledged[r.json()["id"]] = r.json()["sha256"]
                        o = client.post(
                            f"{base}/cases/{case}/orders",
                            json={
                                "power": "production_of_data",
                                "offences": ["computer_fraud"],
                                "targets": [{"id": "d1", "kind": "data", "location": "XB"}],
                                "grounds": "g",
                                "scope": "s",
                                "necessity": "n",
                                "proportionality": "p",
                            },
                            headers=auth,
                        )
                        if (
                            o.status_code == 201
                            and client.post(
                                f"{base}/orders/{o.json()['id']}/issue", headers=auth
                            ).status_code
                            == 200
                        ):
                            issued.add(o.json()["id"])
                        p = client.post(
                            f"{base}/cases/{case}/orders",
                            json={
                                "power": "preservation",
                                "offences": ["computer_fraud"],
                                "targets": [{"id": "d1", "kind": "data", "location": "XB"}],
                                "grounds": "g",
                                "scope": "s",
                                "necessity": "n",
                                "proportionality": "p",
                                "duration_days": 30,
                            },
                            headers=auth,
                        )
                        if (
                            p.status_code == 201
                            and client.post(
                                f"{base}/orders/{p.json()['id']}/issue", headers=auth
                            ).status_code
                            == 200
                        ):
                            issued.add(p.json()["id"])
                            if (
                                client.post(
                                    f"{base}/orders/{p.json()['id']}/renew", headers=auth
                                ).status_code
                                == 200
                            ):
                                renewed[p.json()["id"]] = 1
                    except httpx.TransportError:
                        return

            worker = threading.Thread(target=work)
            worker.start()
            time.sleep(rng.uniform(0.3, 2.5))
            server.send_signal(signal.SIGKILL)
            server.wait()
            worker.join()
            server = _start(env, port)
            verify = httpx.get(f"{base}/evidence/verify", headers=auth, timeout=120).json()
            assert (verify["ok"], verify["breaks"]) == (True, []), verify
            for order_id, count in renewed.items():
                assert (
                    httpx.get(f"{base}/orders/{order_id}", headers=auth).json()["renewals"] >= count
                )
            for order_id in issued:
                assert (
                    httpx.get(f"{base}/orders/{order_id}", headers=auth).json()["state"] == "issued"
                )
            for item, sha in acknowledged.items():
                chain = httpx.get(f"{base}/evidence/{item}/custody", headers=auth).json()
                assert chain, f"{item} was acknowledged but has no custody"
                assert chain[0]["kind"] == "acquired"
                assert chain[0]["sha256"] == sha
        assert acknowledged, "no upload was acknowledged before the kills"
        assert renewed, "no renewal was acknowledged before the kills"
    finally:
        server.kill()
        server.wait()
