"""Several users at the same moment, on SQLite and PostgreSQL: no lost update, no 500.

Threads call the service layer at once (a barrier releases them together); each thread
has its own connection, as each request of a server has.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from tests.service.conftest import PASSWORD, Node, facts
from tests.service.test_node_flow import PRESERVE
from uncc.adapters.db import schema
from uncc.domain.custody import CustodyEvent, CustodyKind
from uncc.domain.orders import Command, OrderState
from uncc.errors import ConflictError
from uncc.services import cases, evidence, identity, orders
from uncc.services.context import audit
from uncc.services.orders import DraftRequest

T = TypeVar("T")


def at_once(calls: list[Callable[[], T]]) -> list[T | Exception]:
    """Run the calls in threads released together; each one's result or exception."""
    gate = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T | Exception:
        gate.wait()
        try:
            return call()
        except Exception as exc:  # the test looks at what each call got
            return exc

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def submitted_order(node: Node, case_id: str) -> str:
    request = DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)})
    order = orders.draft_order(node.ctx, node.ivan, case_id, request)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    return order.id


def history(node: Node, order_id: str) -> list[tuple[str, str, str]]:
    with node.ctx.engine.connect() as conn:
        rows = conn.execute(
            select(
                schema.order_events.c.command,
                schema.order_events.c.from_state,
                schema.order_events.c.to_state,
            )
            .where(schema.order_events.c.order_id == order_id)
            .order_by(schema.order_events.c.id)
        ).all()
    return [tuple(r) for r in rows]


def test_authorise_and_refuse_at_once_exactly_one_wins(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    for _ in range(10):
        order_id = submitted_order(node, case_id)
        got = at_once(
            [
                partial(orders.order_command, node.ctx, node.jane, order_id, Command.AUTHORISE),
                partial(
                    orders.order_command,
                    node.ctx,
                    node.jane,
                    order_id,
                    Command.REFUSE,
                    "not necessary",
                ),
            ]
        )
        won = [g for g in got if not isinstance(g, Exception)]
        lost = [g for g in got if isinstance(g, Exception)]
        assert len(won) == 1, got
        assert len(lost) == 1, got
        assert isinstance(lost[0], ConflictError)  # a 409, never a 500
        final = orders.get_order(node.ctx, node.jane, order_id)
        assert final.state is won[0].state
        assert [e[0] for e in history(node, order_id)] == ["submit", won[0].history[-1].command]


def test_authorise_and_revoke_at_once_never_lose_the_revocation(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    for _ in range(10):
        order_id = submitted_order(node, case_id)
        authorise, revoke = at_once(
            [
                partial(orders.order_command, node.ctx, node.jane, order_id, Command.AUTHORISE),
                partial(
                    orders.order_command,
                    node.ctx,
                    node.pia,
                    order_id,
                    Command.REVOKE,
                    "no longer needed",
                ),
            ]
        )
        # a revocation that was acknowledged is never overwritten by the authorisation
        assert not isinstance(revoke, Exception), revoke
        final = orders.get_order(node.ctx, node.pia, order_id)
        assert final.state is OrderState.REVOKED
        events = history(node, order_id)
        if isinstance(authorise, Exception):  # the revocation came first: nothing to authorise
            assert isinstance(authorise, ConflictError)
            assert events == [("submit", "draft", "submitted"), ("revoke", "submitted", "revoked")]
        else:  # the authorisation came first, and was then revoked
            assert events == [
                ("submit", "draft", "submitted"),
                ("authorise", "submitted", "authorised"),
                ("revoke", "authorised", "revoked"),
            ]


def _add(node: Node, case_id: str, n: int) -> evidence.EvidenceItem:
    return evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(f"exhibit {n}".encode()),
        filename=f"exhibit-{n}.bin",
        acquisition={"tool": "test"},
    )


def _custody(node: Node) -> list[CustodyEvent]:
    with node.ctx.engine.connect() as conn:
        leaves = conn.execute(
            select(schema.custody.c.leaf).order_by(schema.custody.c.seq)
        ).scalars()
        return [CustodyEvent.from_leaf(bytes(leaf)) for leaf in leaves]


def test_eight_seals_at_once_append_eight_events_and_the_log_verifies(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    items = [_add(node, case_id, n) for n in range(8)]
    got = at_once(
        [
            lambda item=item: evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True)
            for item in items
        ]
    )
    assert all(not isinstance(g, Exception) for g in got), got
    log = _custody(node)
    assert [e.seq for e in log] == list(range(16))
    assert sorted(e.evidence for e in log if e.kind is CustodyKind.SEALED) == [i.id for i in items]
    assert evidence.verify_vault(node.ctx, node.aud) == []


def test_one_item_sealed_eight_times_at_once_is_sealed_once(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    item = _add(node, case_id, 0)
    got = at_once([lambda: evidence.set_sealed(node.ctx, node.pia, item.id, sealed=True)] * 8)
    refused = [g for g in got if isinstance(g, Exception)]
    assert len(refused) == 7, got
    assert all(isinstance(g, ConflictError) for g in refused), got
    assert [e.kind for e in _custody(node)] == [CustodyKind.ACQUIRED, CustodyKind.SEALED]
    assert evidence.verify_vault(node.ctx, node.aud) == []


@pytest.mark.parametrize("uploads", [50])
def test_fifty_uploads_at_once_give_fifty_items_in_one_log(node: Node, uploads: int) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    gate = threading.Barrier(8)

    def upload(n: int) -> str:
        if n < 8:
            gate.wait()
        return _add(node, case_id, n).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(upload, range(uploads)))
    assert len(set(ids)) == uploads
    log = _custody(node)
    assert [e.seq for e in log] == list(range(uploads))
    assert sorted(e.evidence for e in log) == sorted(ids)
    with node.ctx.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(schema.evidence)).scalar_one()
        heads = conn.execute(select(schema.checkpoints.c.size)).scalars().all()
    assert stored == uploads
    assert sorted(heads) == list(range(1, uploads + 1))
    assert evidence.verify_vault(node.ctx, node.aud) == []


def test_plain_reads_do_not_wait_for_a_writer_and_audited_reads_wait_only_to_append(
    node: Node,
) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    token = identity.login(node.ctx, "ivan", PASSWORD)
    writing, done = threading.Event(), threading.Event()

    def writer() -> None:  # a unit of work that holds the write lock until told to end
        with node.ctx.engine.begin() as conn:
            audit(conn, node.clock(), "admin", "test.write", obj="", outcome="ok")
            writing.set()
            done.wait(timeout=60)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(timeout=60)
        # while the writer holds the lock: these read a snapshot and return
        assert identity.authenticate(node.ctx, token).user == "ivan"
        assert [c[0] for c in cases.list_cases(node.ctx, node.ivan)] == [case_id]
        with node.ctx.engine.connect() as conn:
            assert identity.node_info(conn).state == "XA"
        audited = ThreadPoolExecutor(max_workers=1)
        pending = audited.submit(cases.get_case, node.ctx, node.ivan, case_id)
    finally:
        done.set()
        thread.join()
    assert pending.result(timeout=60).id == case_id  # its audit entry appended after the writer
    audited.shutdown()
    trail = [e["action"] for e in cases.audit_trail(node.ctx, node.aud, limit=3)]
    assert trail[-2:] == ["test.write", "case.read"]
