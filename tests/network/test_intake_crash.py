"""Taking in transferred evidence survives SIGKILL at any point: no duplicate, no half item.

The item, its custody event and its "taken in" marker are written in one transaction; a
child process takes the evidence in and kills itself at a random SQL statement or blob
chunk; after each kill the vault holds only whole items, and the retry takes in the rest.
"""

from __future__ import annotations

import io
import random
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.network.kit import make_network, pump
from tests.network.test_preservation_flow import ask_to_preserve
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.domain.custody import CustodyEvent, CustodyKind
from uncc.services import evidence
from uncc.services.context import NodeContext
from uncc.services.network import requests, transfer

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 3


def _whole(ctx: NodeContext, case_id: str) -> dict[str, str]:
    """Sender's item → our item, after checking every item is whole and taken in once."""
    with ctx.engine.connect() as conn:
        items = conn.execute(
            select(schema.evidence.c.id).where(schema.evidence.c.case_id == case_id)
        ).scalars()
        ours = set(items)
        events = [
            CustodyEvent.from_leaf(bytes(leaf))
            for leaf in conn.execute(select(schema.custody.c.leaf)).scalars()
        ]
        markers = list(
            conn.execute(
                select(schema.audit.c.details).where(
                    schema.audit.c.action == "network.evidence_accepted",
                    schema.audit.c.outcome == "ok",
                )
            ).scalars()
        )
    acquired = [e for e in events if e.kind is CustodyKind.ACQUIRED and e.evidence in ours]
    assert sorted(e.evidence for e in acquired) == sorted(ours)  # each item: one custody event
    assert sorted(m["evidence"] for m in markers) == sorted(ours)  # each item: one marker
    senders = Counter(e.details["sender_item"] for e in acquired)
    assert all(n == 1 for n in senders.values()), senders  # never taken in twice
    return {e.details["sender_item"]: e.evidence for e in acquired}


def test_sigkill_at_random_points_of_the_intake_never_duplicates_or_halves_an_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    net, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a, b = m["XA"], m["XB"]
    case, sent, received = ask_to_preserve(net, a, b)
    assert [c.id for c in requests.list_conversations(b.ctx, b.cora, "in")] == [sent.id]
    items = [
        evidence.add_evidence(
            b.ctx,
            b.ivan,
            received.case_id,
            source=io.BytesIO(f"log {n}\n".encode() * 40_000),  # several chunks each
            filename=f"log-{n}.txt",
            acquisition={"tool": "dd"},
        )
        for n in range(ITEMS)
    ]
    transfer.send_evidence(b.ctx, b.ivan, received.id, [i.id for i in items])
    pump(net)
    rng = random.Random(15)
    kills = 0
    for _ in range(4):
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.network.intake_child",
                str(tmp_path),
                sent.id,
                clock.now.isoformat(),
                str(rng.randint(1, 64)),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            timeout=120,
        )
        assert child.returncode in (0, -signal.SIGKILL), child.stderr
        kills += child.returncode == -signal.SIGKILL
        _whole(a.ctx, case.id)
    assert kills >= 2  # most trials died part-way
    transfer.accept_evidence(a.ctx, a.ivan, sent.id, net)
    taken = _whole(a.ctx, case.id)
    assert sorted(taken) == sorted(i.id for i in items)
    assert transfer.accept_evidence(a.ctx, a.ivan, sent.id, net) == []
    assert evidence.verify_vault(a.ctx, a.aud) == []
