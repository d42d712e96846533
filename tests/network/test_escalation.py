"""Escalation is one indexed query over deadlines, whatever the number of open requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, event, select

from tests.network.kit import make_network
from tests.service.conftest import Clock
from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.services.network import requests
from uncc.services.network.conversations import open_conversation


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine runs meanwhile."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_escalation_reads_only_what_is_due_and_forgets_what_it_escalated(tmp_path: Path) -> None:
    clock = Clock()
    _, _, m = make_network(tmp_path, clock, ("XA", "XB"))
    a = m["XA"]
    opened = []
    with a.ctx.engine.begin() as conn:
        for n in range(40):
            envelope = Envelope(
                type="assistance_request",
                sender="XB",
                recipient="XA",
                body={"urgency": "emergency", "reference": f"XB-{n}"},
                created=clock(),
                expires=clock(),
                conversation=str(uuid.uuid4()),
            )
            open_conversation(
                conn, envelope, "in", "XB", case_id=None, order_id=None, status="received"
            )
            opened.append(envelope.conversation)
    with statements(a.ctx.engine) as seen:
        assert requests.escalate(a.ctx) == []
    assert len([s for s in seen if s.lstrip().upper().startswith("SELECT")]) == 1
    assert not any("thread" in s for s in seen)  # no conversation's thread is loaded

    clock.advance(2 / 24)  # the emergency acknowledgments (1 h) are late
    flagged = requests.escalate(a.ctx)
    assert sorted(flagged) == sorted((c, "acknowledgment") for c in opened)
    assert not any("thread" in s for s in seen)
    with a.ctx.engine.connect() as conn:
        looks = set(conn.execute(select(schema.conversations.c.escalate_at)).scalars())
    assert len(looks) == 1  # each waits for its answer deadline now
    assert requests.escalate(a.ctx) == []  # escalated once

    clock.advance(30)  # every answer is late too: escalated once, then nothing is watched
    assert len(requests.escalate(a.ctx)) == 40
    with a.ctx.engine.connect() as conn:
        assert set(conn.execute(select(schema.conversations.c.escalate_at)).scalars()) == {None}
    with statements(a.ctx.engine) as seen:
        assert requests.escalate(a.ctx) == []
    assert [s for s in seen if s != "BEGIN"] == [seen[-1]]  # one read, no write transaction
    with a.ctx.engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM conversations WHERE escalate_at <= '2030-01-01'"
            )
        )
    assert "ix_conversations_escalate_at" in plan  # the read is over the index
