"""The inbox's table of effects is built in the composition root and covers every kind."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from uncc.bootstrap import message_handlers
from uncc.domain.messages import REGISTRY

NETWORK = Path(__file__).resolve().parents[2] / "src/uncc/services/network"


def test_every_message_kind_that_reaches_an_inbox_has_an_effect() -> None:
    kinds = {kind for kind, _ in REGISTRY}
    table = message_handlers()
    assert kinds - set(table) == {"receipt"}  # receipts answer a delivery; they are never posted
    assert set(table) <= kinds


def test_no_network_service_imports_the_inbox_or_a_private_name_of_another() -> None:
    """Handlers are injected, not registered at import; no module reaches into another's privates."""
    for path in sorted(NETWORK.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "uncc.services.network"
            ):
                assert node.module != "uncc.services.network.inbox", path.name
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports {private} from {node.module}"


def test_a_node_builds_its_table_when_a_message_is_first_handled(tmp_path: Path) -> None:
    """Building a node imports no effect's module: an ingest's start does not pay for them."""
    probe = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from uncc.bootstrap import build, message_handlers\n"
        "from uncc.config import Settings\n"
        f"ctx = build(Settings(data_dir=Path({str(tmp_path)!r})), schema_check=False)\n"
        "before = sorted(m for m in sys.modules if m.startswith('uncc.services.network.'))\n"
        "kinds = sorted(ctx.handlers)\n"
        "same = kinds == sorted(message_handlers()) and all(\n"
        "    ctx.handlers.get(k) is ctx.handlers[k] for k in kinds)\n"
        "print(json.dumps([before, len(kinds), same]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    before, count, same = json.loads(done.stdout.strip().splitlines()[-1])
    assert "uncc.services.network.requested" not in before
    assert "uncc.services.network.deconfliction" not in before
    assert count == len(message_handlers())
    assert same
