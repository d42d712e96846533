"""The inbox's table of effects is built in the composition root and covers every kind."""

from __future__ import annotations

import ast
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
