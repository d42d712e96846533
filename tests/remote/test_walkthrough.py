"""docs/node.md's walkthrough, as written, from a workstation: every command with ``--node``.

The shell blocks of sections 1-6 are read from the document and run by bash, one
statement at a time, with ``uncc`` standing for ``uncc --node URL`` (the CA of the
node's certificate in ``UNCC_CA_FILE``). The node was initialised on its server (the
fixture); the workstation has its own directories and no access to the node's files.
What the document says a statement prints, in its comments, is checked: the refusals
with their provision and exit code, the ids it gives, the lines it shows.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from tests.remote.conftest import ROOT, Server, Workstation

DOC = ROOT / "docs" / "node.md"
SERVER_ONLY = (
    "uncc node init",
    "uncc serve",
    "export UNCC_DATA_DIR",
)
"""Run on the server, not from the workstation."""
EXIT = {"refused": 5, "denied": 4, "error": 2}


@dataclass
class Statement:
    """One shell statement of the document and what its comments expect."""

    text: str
    code: int = 0
    printed: list[str] = field(default_factory=list)


def statements(markdown: str) -> list[Statement]:
    """The statements of the shell blocks before section 7, with their expectations."""
    found: list[Statement] = []
    for block in re.findall(r"```sh\n(.*?)```", markdown.split("\n## 7.", maxsplit=1)[0], re.S):
        pending = ""
        for line in block.splitlines():
            stripped = line.strip()
            if not pending and stripped.startswith("#"):
                _expect(found[-1], stripped.lstrip("# ").strip())
                continue
            joint = "\n" if pending.startswith("for ") else " "
            pending = f"{pending}{joint}{stripped}" if pending else line
            if pending.endswith("\\"):
                pending = pending[:-1].rstrip()
                continue
            if pending.startswith("for ") and not pending.endswith("done"):
                continue
            found.append(_statement(pending))
            pending = ""
    return found


def _statement(text: str) -> Statement:
    command, _, comment = text.partition("  #")
    statement = Statement(command.strip())
    arrow = re.match(r"\s*→ ([^,;(]+)", comment)
    if arrow:
        statement.printed.append(arrow.group(1).strip())
    return statement


def _expect(statement: Statement, comment: str) -> None:
    refusal = re.match(r"uncc: (\w+): (.*?)\s*(?:\(exit (\d)\))?$", comment)
    if refusal:
        statement.code = int(refusal.group(3) or EXIT[refusal.group(1)])
        statement.printed.append(f"uncc: {refusal.group(1)}: {refusal.group(2)}")
    elif re.match(r"(?:[A-Z]{2}-)?[A-Z]{1,2}-\d{4}-\d{4}: ", comment):
        statement.printed.append(comment)


def test_the_walkthrough_runs_from_a_workstation(node: Server, workstation: Workstation) -> None:
    home = workstation.home
    for folder in ("incidents", "ledgers"):
        shutil.copytree(ROOT / "examples" / folder, home / "examples" / folder)
    (home / "usb").mkdir()
    year = dt.datetime.now(dt.UTC).year
    markdown = DOC.read_text(encoding="utf-8")
    markdown = re.sub(r"\b([A-Z]{1,2})-2026-(\d{4})", rf"\1-{year}-\2", markdown)
    markdown = markdown.replace("/tmp/", f"{home}/").replace("/media/usb/", f"{home}/usb/")
    markdown = markdown.replace("head -c 50000000", "head -c 3000000")  # a smaller file in CI
    ran = []
    for statement in statements(markdown):
        if any(part in statement.text for part in SERVER_ONLY):
            continue
        result = subprocess.run(
            ["bash", "-c", 'uncc() { "$PY" -m uncc --node "$NODE" "$@"; }\n' + statement.text],
            capture_output=True,
            text=True,
            env=workstation.env | {"PY": sys.executable, "NODE": node.url},
            cwd=home,
            timeout=300,
            check=False,
        )
        said = result.stdout + result.stderr
        assert result.returncode == statement.code, (statement.text, said)
        assert "Traceback" not in said, (statement.text, said)
        for text in statement.printed:
            assert text in said, (statement.text, text, said)
        ran.append((statement.text, said))
    commands = [text for text, _ in ran]
    assert len(commands) >= 40, commands  # the whole walkthrough, not a part of it
    outputs = dict(ran)
    assert "vault verified" in outputs["uncc evidence verify"]
    since = next(t for t in commands if t.startswith("uncc evidence verify --since"))
    assert "extends the exported head" in outputs[since]
    assert (
        (home / "usb" / "head.note").read_text(encoding="utf-8").startswith("uncc.int/xa/custody")
    )
    assert "matching entries shown" in outputs["uncc audit --limit 20"]
    trail = (home / "case-trail.csv").read_text(encoding="utf-8")
    assert trail.startswith("seq,at,actor,action,object,outcome,details")
    html = (home / f"XA-E-{year}-0001.html").read_text(encoding="utf-8")
    assert "each proven included in the node's signed log" in html
    assert not (home / "data" / "node.db").exists()  # nothing of the node on the workstation


def test_the_document_is_read_as_its_statements() -> None:
    found = statements(DOC.read_text(encoding="utf-8"))
    texts = [s.text for s in found]
    refused = next(s for s in found if "--days 120" in s.text)
    assert refused.code == 5
    assert "[art_43__para_2]" in refused.printed[0]
    loop = next(t for t in texts if t.startswith("for u in"))
    assert loop.endswith("done")
    approve_hint = next(s for s in found if s.text.startswith("for u in"))
    assert approve_hint.printed == [
        "XA-G-2026-0002: judge for jane awaits a second administrator: uncc user approve XA-G-2026-0002"
    ]
