"""A node whose keys are protected by a passphrase (UNCC_KEY_PASSPHRASE), from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery\n"


def test_keys_need_the_passphrase_and_say_so(tmp_path: Path) -> None:
    base = {**os.environ, "UNCC_DATA_DIR": str(tmp_path / "node")}
    for name in ("UNCC_DATABASE_URL", "UNCC_TOKEN", "UNCC_KEY_PASSPHRASE"):
        base.pop(name, None)
    secret = {**base, "UNCC_KEY_PASSPHRASE": "a long node passphrase"}

    def uncc(env: dict[str, str], *args: str, stdin: str = "", code: int = 0) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "uncc", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert result.returncode == code, (
            f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
        assert "Traceback" not in result.stderr
        return result.stdout + result.stderr

    uncc(
        secret,
        "node",
        "init",
        "--profile",
        "examples/profiles/xa-northland.yaml",
        "--name",
        "N",
        "--admin",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "node" / "node-signing-key.pem").read_bytes()
    uncc(secret, "login", "admin", "--password-stdin", stdin=PASSWORD)
    uncc(
        secret, "user", "add", "ivan", "--role", "investigator", "--password-stdin", stdin=PASSWORD
    )
    uncc(secret, "login", "ivan", "--password-stdin", stdin=PASSWORD)
    opened = uncc(secret, "case", "open", "examples/incidents/insider-company.yaml")
    found = re.search(r"(?:[A-Z]{2}-)?C-\d{4}-\d{4}", opened)
    assert found, opened
    case = found.group(0)
    sample = tmp_path / "sample.bin"
    sample.write_bytes(b"evidence" * 1000)
    refused = uncc(base, "evidence", "add", str(sample), "--case", case, code=2)
    assert "set UNCC_KEY_PASSPHRASE" in refused
    wrong = uncc(
        {**base, "UNCC_KEY_PASSPHRASE": "not it"},
        "evidence",
        "add",
        str(sample),
        "--case",
        case,
        code=2,
    )
    assert "passphrase is wrong" in wrong
    assert "E-" in uncc(secret, "evidence", "add", str(sample), "--case", case)
    assert "vault verified" in uncc(secret, "evidence", "verify")
