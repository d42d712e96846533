"""A key rotated by a CLI process reaches a server that is already running.

The server reads the current key id from the database at each signature, so the custody
checkpoint it signs after ``uncc network rotate-key`` names the new key, without a
restart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from uncc.adapters.db import schema
from uncc.adapters.db.engine import make_engine
from uncc.entrypoints.cli import demo
from uncc.yaml12 import load_yaml


def _cli(node: demo.Node, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "UNCC_DATA_DIR": str(node.folder)}
    env.pop("UNCC_DATABASE_URL", None)
    env.pop("UNCC_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "uncc", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )


def _last_checkpoint_key(node: demo.Node) -> str:
    engine = make_engine(f"sqlite:///{node.folder / 'node.db'}")
    with engine.connect() as conn:
        kid = conn.execute(
            select(schema.checkpoints.c.key_id).order_by(schema.checkpoints.c.id.desc()).limit(1)
        ).scalar_one()
    engine.dispose()
    return str(kid)


def test_a_running_server_signs_with_the_key_a_cli_process_rotated_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = demo.setup(tmp_path, demo._examples(), plain_http=True)  # the keys, not TLS, are tested
    hub, xa = nodes["XH"], nodes["XA"]
    running = {"XH": hub, "XA": xa}
    try:
        for node in running.values():
            demo.start(node)
        demo.wait_ready(running)

        def client(user: str) -> httpx.Client:
            token = httpx.post(
                xa.url + "/api/v1/login", json={"user": user, "password": demo.PASSWORD}
            ).json()["token"]
            return httpx.Client(base_url=xa.url, headers={"Authorization": f"Bearer {token}"})

        api, aud = client("ivan"), client("aud")
        facts = (demo._examples() / "incidents" / "insider-company.yaml").read_text()
        body = json.loads(json.dumps({"facts": load_yaml(facts)}, default=str))
        case = api.post("/api/v1/cases", json=body).json()["id"]

        def upload(name: str) -> None:
            answer = api.post(
                f"/api/v1/cases/{case}/evidence", params={"filename": name}, content=name.encode()
            )
            assert answer.status_code == 201, answer.text

        upload("before.txt")
        old = api.get("/api/v1/node").json()["key_id"]
        assert _last_checkpoint_key(xa) == old

        login = _cli(xa, "login", "admin", "--password-stdin", stdin=demo.PASSWORD + "\n")
        assert login.returncode == 0, login.stderr
        rotated = _cli(xa, "network", "rotate-key")
        assert rotated.returncode == 0, rotated.stderr
        new = rotated.stdout.split("now signing with key ")[1].split(";")[0]
        assert new != old

        upload("after.txt")  # signed by the server process that was running all along
        assert _last_checkpoint_key(xa) == new
        assert api.get("/api/v1/node").json()["key_id"] == new
        verified = aud.get("/api/v1/evidence/verify").json()
        assert (verified["ok"], verified["breaks"]) == (True, [])
    finally:
        demo.stop(running)
