"""docs/node.md's walkthrough, run as a user runs it (subprocesses, a fresh data dir)."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery\n"


def test_the_walkthrough_works_as_written(tmp_path: Path) -> None:
    env = {**os.environ, "UNCC_DATA_DIR": str(tmp_path / "node")}
    env.pop("UNCC_DATABASE_URL", None)
    env.pop("UNCC_TOKEN", None)

    def uncc(*args: str, stdin: str = "", code: int = 0) -> str:
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

    def login(user: str) -> None:
        uncc("login", user, "--password-stdin", stdin=PASSWORD)

    year = dt.datetime.now(dt.UTC).year
    case, order, item = f"XA-C-{year}-0001", f"XA-O-{year}-0001", f"XA-E-{year}-0001"
    uncc(
        "node",
        "init",
        "--profile",
        "examples/profiles/xa-northland.yaml",
        "--name",
        "Northland National Cybercrime Unit",
        "--admin",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    login("admin")
    uncc("user", "add", "adam", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    added = ""
    for user, role in [
        ("ivan", "investigator"),
        ("pia", "prosecutor"),
        ("jane", "judge"),
        ("aud", "auditor"),
    ]:
        added += uncc("user", "add", user, "--role", role, "--password-stdin", stdin=PASSWORD)
    grant = f"XA-G-{year}-0002"
    assert f"{grant}: judge for jane awaits a second administrator" in added
    uncc("user", "approve", grant, code=4)  # not by the admin who asked
    login("adam")
    assert "approved: jane is judge" in uncc("user", "approve", grant)
    assert "jane" in uncc("user", "list")
    login("ivan")
    assert case in uncc("case", "open", "examples/incidents/insider-company.yaml")
    draft = [
        "order",
        "draft",
        case,
        "--power",
        "preservation",
        "--offence",
        "ict_theft",
        "--target",
        "designs:data:XB",
        "--grounds",
        "copied",
        "--scope",
        "logs",
        "--necessity",
        "kept 30 days",
        "--proportionality",
        "one account",
    ]
    assert "[art_43__para_2]" in uncc(*draft, "--days", "120", code=5)
    assert "draft" in uncc(*draft, "--days", "90")
    uncc("order", "submit", order)
    login("pia")
    assert "[art_42__para_2]" in uncc("order", "issue", order, code=5)
    assert "may not order.authorise" in uncc("order", "authorise", order, code=4)
    login("jane")
    uncc("order", "authorise", order, "--note", "grounds are sufficient")
    login("pia")
    assert "issued" in uncc("order", "issue", order)
    assert "renewals 1" in uncc("order", "renew", order)
    blob = tmp_path / "designs.bin"
    blob.write_bytes(os.urandom(3_000_000))
    login("ivan")
    added = uncc(
        "evidence",
        "add",
        str(blob),
        "--case",
        case,
        "--order",
        order,
        "--tool",
        "dd",
        "--tool-version",
        "9.1",
    )
    assert re.search(rf"{item}: designs.bin, 3000000 bytes, sha256 [0-9a-f]{{64}}", added)
    uncc("evidence", "seal", item, "--note", "pending")
    assert "vault verified" in uncc("evidence", "verify")
    head = tmp_path / "head.note"
    assert "head of 2 entries" in uncc("evidence", "head", "-o", str(head))
    assert "extends the exported head" in uncc("evidence", "verify", "--since", str(head))
    report = uncc("evidence", "report", item)
    assert "each proven included in the node's signed log" in report
    assert "Witness A" in uncc(
        "protect",
        "add",
        case,
        "--kind",
        "witness",
        "--name",
        "Ingrid Holm",
        "--whereabouts",
        "12 Harbour Road",
        "--views",
        "fears reprisals",
    )
    assert "Ingrid" not in uncc("protect", "list", case)
    login("jane")
    assert "Ingrid Holm" in uncc(
        "protect", "disclose", f"XA-P-{year}-0001", "--reason", "hearing on 3 April"
    )
    uncc("case", "export", case, "-o", str(tmp_path / "case.jsonld"))
    assert '"case-investigation:Investigation"' in (tmp_path / "case.jsonld").read_text(
        encoding="utf-8"
    )
    assert "fifo: proceeds in 38.5" in uncc(
        "proceeds", "trace", "examples/ledgers/ransom-laundering.csv"
    )
    login("pia")
    registered = uncc(
        "proceeds",
        "register",
        case,
        "examples/ledgers/ransom-laundering.csv",
        "--basis",
        "ict_theft",
        "--model",
        "fifo",
        "--location",
        "wallet-launderer=XA",
        "--location",
        "exchange-hot=XC",
    )
    assert f"XA-PR-{year}-0002: wallet-launderer (XA)" in registered
    freeze = [
        "order",
        "draft",
        case,
        "--power",
        "freezing",
        "--offence",
        "ict_theft",
        "--grounds",
        "traced ransom",
        "--scope",
        "the wallet",
        "--necessity",
        "dissipation risk",
        "--proportionality",
        "traced amount only",
    ]
    assert "[art_4__para_3]" in uncc(*freeze, "--target", f"XA-PR-{year}-0001:property:", code=5)
    uncc(*freeze, "--target", f"XA-PR-{year}-0002:property:")
    uncc("order", "issue", f"XA-O-{year}-0002")
    assert "frozen" in uncc("proceeds", "list", case)
    derived = uncc(
        "proceeds",
        "derive",
        case,
        f"XA-PR-{year}-0002",
        "--kind",
        "income",
        "--description",
        "staking rewards",
        "--value",
        "1.2",
        "--location",
        "XA",
    )
    assert f"income from XA-PR-{year}-0002, assessed 1.2" in derived
    assert "--value 'lots'" in uncc(
        "proceeds",
        "derive",
        case,
        f"XA-PR-{year}-0002",
        "--kind",
        "income",
        "--description",
        "x",
        "--value",
        "lots",
        code=2,
    )
    login("aud")
    assert '"action": "protected.disclose"' in uncc("audit", "--limit", "100", "--json")
    # an insider undoes the seal consistently: only the head kept outside the node shows it
    with sqlite3.connect(tmp_path / "node" / "node.db") as db:
        db.execute("DELETE FROM custody WHERE seq = 1")
        db.execute("DELETE FROM checkpoints WHERE size = 2")
        db.execute("UPDATE evidence SET sealed = 0")
    # the signed state snapshot of the first verify still covers the undone entry
    assert "[state-snapshot-invalid]" in uncc("evidence", "verify", code=1)
    with sqlite3.connect(tmp_path / "node" / "node.db") as db:
        db.execute("DELETE FROM custody_states")
    assert "vault verified" in uncc("evidence", "verify")
    assert "[rollback]" in uncc("evidence", "verify", "--since", str(head), code=1)
