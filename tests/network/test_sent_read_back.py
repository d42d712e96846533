"""A request sent is read back for the answer in its own transaction, and that read is audited."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.network.kit import make_network
from tests.network.test_preservation_flow import preservation
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.services.network import requests


def test_the_answer_to_a_send_is_the_request_as_read_and_its_read_is_audited(
    tmp_path: Path,
) -> None:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a = m["XA"]
    handed: list[object] = []
    sent = requests.send_request(
        a.ctx,
        a.cora,
        kind="preservation_request",
        recipient="XB",
        body=preservation(),
        hand_off=handed.extend,
    )
    with a.ctx.engine.connect() as conn:
        trail = conn.execute(
            select(schema.audit.c.actor, schema.audit.c.action)
            .where(schema.audit.c.object == sent.id)
            .order_by(schema.audit.c.seq)
        ).all()
    assert [tuple(t) for t in trail] == [("cora", "network.send"), ("cora", "network.read")]
    assert requests.get_conversation(a.ctx, a.cora, sent.id) == sent
    assert [t["type"] for t in sent.thread] == ["preservation_request"]
    assert len(handed) == 1
