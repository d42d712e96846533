"""A child process that takes in evidence offered to XA and SIGKILLs itself at statement k.

``python -m tests.network.intake_child TMP CONVERSATION AT K``: rebuilds the XA and XB
nodes of a test network kept in TMP (their clocks frozen at AT), counts the SQL
statements XA executes and kills itself with SIGKILL just before statement K (0: never),
as a power cut would.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event

from tests.network.kit import ROLES, Loopback, Peer
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.services.context import Principal
from uncc.services.network import transfer


def peer(tmp: Path, state: str, at: dt.datetime) -> Peer:
    settings = Settings(data_dir=tmp / state, database_url=f"sqlite:///{tmp / state / 'node.db'}")
    ctx = build(settings, clock=lambda: at)
    people = {u: Principal(u, frozenset({r})) for u, r in ROLES.items()}
    admin = Principal("admin", frozenset({Role.ADMIN}))
    return Peer(state, ctx, f"http://{state.lower()}.test", admin, people)


def main(tmp: Path, conversation: str, at: dt.datetime, kill_at: int) -> None:
    net = Loopback()
    a, b = peer(tmp, "XA", at), peer(tmp, "XB", at)
    net.peers = {"XA": a, "XB": b}
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1
        if statements == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    event.listen(a.ctx.engine, "before_cursor_execute", count)
    event.listen(a.ctx.engine, "commit", count)
    fetch = net.chunks

    def chunks(url: str, headers: dict[str, str]) -> Iterator[bytes]:
        for chunk in fetch(url, headers):
            count()  # a kill point while the blob is being written into the vault
            yield chunk

    net.chunks = chunks  # type: ignore[method-assign]
    taken = transfer.accept_evidence(a.ctx, a.ivan, conversation, net)
    print(len(taken), statements)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], dt.datetime.fromisoformat(sys.argv[3]), int(sys.argv[4]))
