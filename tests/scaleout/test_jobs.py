"""Several workers share the node's jobs: each claimed row is worked on by one of them."""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Connection, insert, select, update

from tests.service.conftest import Node, facts
from tests.service.test_node_flow import PRESERVE
from uncc.adapters.db import schema
from uncc.adapters.db.lease import lease_transaction
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.orders import Command, OrderState
from uncc.entrypoints.cli import worker as worker_cli
from uncc.errors import ConflictError, PermissionDeniedError
from uncc.services import cases, evidence, jobs, orders
from uncc.services.network import outbox
from uncc.services.orders import DraftRequest
from uncc.services.worker import Job, Worker


def _queue(node: Node, count: int) -> list[str]:
    now = node.clock()
    ids = [str(uuid.uuid4()) for _ in range(count)]
    with node.ctx.engine.begin() as conn:
        for n, message in enumerate(ids):
            conn.execute(
                insert(schema.outbox).values(
                    id=message,
                    conversation=str(uuid.uuid4()),
                    seq=1,
                    recipient="XB",
                    type="consultation",
                    token=f"token {n}",
                    created_at=now,
                    expires_at=now + dt.timedelta(days=1),
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                )
            )
    return ids


def test_concurrent_claims_never_share_a_message(node: Node) -> None:
    ids = _queue(node, 60)
    start = threading.Barrier(4)
    claimed: list[list[str]] = [[] for _ in range(4)]

    def claimer(slot: int) -> None:
        start.wait()
        while rows := outbox.claim_due(node.ctx, node.clock(), 5):
            claimed[slot] += [r["id"] for r in rows]

    threads = [threading.Thread(target=claimer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [m for batch in claimed for m in batch]
    assert sorted(every) == sorted(ids)  # each message claimed once, none left behind
    node.clock.advance(outbox.CLAIM_LEASE.total_seconds() / 86400 + 1e-6)
    assert len(outbox.claim_due(node.ctx, node.clock(), 100)) == 60  # a dead sender's lease ends


@pytest.mark.parametrize("node", ["postgresql"], indirect=True)  # row locks are PostgreSQL's
def test_a_message_locked_by_another_sender_is_skipped_not_waited_for(node: Node) -> None:
    first, second = _queue(node, 2)
    with node.ctx.engine.connect() as other:
        other.execute(
            select(schema.outbox.c.id).where(schema.outbox.c.id == first).with_for_update()
        ).all()
        got = [r["id"] for r in outbox.claim_due(node.ctx, node.clock(), 10)]
        assert got == [second]
        other.rollback()


def _issued_order(node: Node) -> str:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    request = DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)})
    order = orders.draft_order(node.ctx, node.ivan, case_id, request)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "ok")
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    return order.id


@pytest.mark.parametrize("node", ["postgresql"], indirect=True)  # row locks are PostgreSQL's
def test_an_order_another_tick_holds_is_skipped_then_expired_once(node: Node) -> None:
    order_id = _issued_order(node)
    node.clock.advance(200)
    with node.ctx.engine.connect() as other:
        other.execute(
            select(schema.orders.c.id).where(schema.orders.c.id == order_id).with_for_update()
        ).all()
        assert orders.tick(node.ctx) == []  # did not wait for the lock, did not expire it
        other.rollback()
    assert [o.id for o in orders.tick(node.ctx)] == [order_id]
    assert orders.tick(node.ctx) == []
    assert orders.get_order(node.ctx, node.pia, order_id).state is OrderState.EXPIRED


@pytest.mark.parametrize("node", ["postgresql"], indirect=True)  # row locks are PostgreSQL's
def test_an_exclusive_job_runs_in_one_process_at_a_time(node: Node) -> None:
    with jobs.exclusive(node.ctx, "retention") as first:
        assert first
        with jobs.exclusive(node.ctx, "retention") as second:
            assert not second
        with jobs.exclusive(node.ctx, "another job") as other:
            assert other
    with jobs.exclusive(node.ctx, "retention") as again:
        assert again


@pytest.mark.parametrize("node", ["sqlite"], indirect=True)  # the same on both databases
def test_retention_deletes_only_old_blobs_that_no_evidence_refers_to(node: Node) -> None:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    kept = evidence.add_evidence(
        node.ctx,
        node.ivan,
        case_id,
        source=io.BytesIO(b"evidence"),
        filename="e.bin",
        acquisition={},
    )
    orphan, _ = node.ctx.blobs.put(io.BytesIO(b"refused upload"))
    young, _ = node.ctx.blobs.put(io.BytesIO(b"upload in flight"))
    for sha in (kept.sha256, orphan):  # both stored two days ago
        path = node.ctx.blobs._path(sha)  # type: ignore[attr-defined]
        old = (node.clock() - dt.timedelta(days=2)).timestamp()
        os.utime(path, (old, old))
    real_now = dt.datetime.now(dt.UTC)
    node.clock.now = real_now  # the files' times are the machine's
    with pytest.raises(PermissionDeniedError):
        jobs.sweep_unreferenced_blobs(node.ctx, node.ivan)
    assert node.ctx.blobs.exists(orphan)
    assert jobs.sweep_unreferenced_blobs(node.ctx) == [orphan]
    assert not node.ctx.blobs.exists(orphan)
    assert node.ctx.blobs.exists(kept.sha256)
    assert node.ctx.blobs.exists(young)
    with node.ctx.engine.connect() as conn:
        logged = conn.execute(
            select(schema.audit.c.object).where(schema.audit.c.action == "blob.retention")
        ).scalars()
        assert list(logged) == [orphan]


def test_the_worker_runs_jobs_when_due_and_survives_a_failing_one(tmp_path: Path) -> None:
    now = [0.0]
    runs: list[str] = []

    def ok() -> bool:
        runs.append("ok")
        return False

    def broken() -> bool:
        runs.append("broken")
        raise RuntimeError("boom")

    ctx = build(Settings(data_dir=tmp_path))
    work = Worker(ctx, [Job("ok", 10, ok), Job("broken", 5, broken)], clock=lambda: now[0])
    assert work.run_due() == ["ok", "broken"]
    now[0] = 6
    assert work.run_due() == ["broken"]
    now[0] = 10
    assert work.run_due() == ["ok"]
    assert runs == ["ok", "broken", "broken", "ok"]


def test_a_second_worker_on_sqlite_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNCC_DATA_DIR", str(tmp_path))
    worker_cli.settings.cache_clear()
    try:
        held = worker_cli._one_worker_on_sqlite()
        with pytest.raises(ConflictError, match="one worker"):
            worker_cli._one_worker_on_sqlite()
        held.close()
        worker_cli._one_worker_on_sqlite().close()
    finally:
        worker_cli.settings.cache_clear()


@pytest.mark.parametrize("node", ["sqlite"], indirect=True)  # the same on both databases
def test_claimed_messages_wait_out_their_lease(node: Node) -> None:
    (message,) = _queue(node, 1)
    assert [r["id"] for r in outbox.claim_due(node.ctx, node.clock(), 10)] == [message]
    assert outbox.claim_due(node.ctx, node.clock(), 10) == []
    with node.ctx.engine.connect() as conn:
        lease = conn.execute(
            select(schema.outbox.c.next_attempt_at).where(schema.outbox.c.id == message)
        ).scalar_one()
    assert lease.replace(tzinfo=dt.UTC) == node.clock() + outbox.CLAIM_LEASE
    with node.ctx.engine.begin() as conn:
        conn.execute(update(schema.outbox).values(status="delivered"))
    node.clock.advance(1)
    assert outbox.claim_due(node.ctx, node.clock(), 10) == []


def _durability(conn: Connection) -> str:
    """The connection's commit durability: SQLite's synchronous level, PostgreSQL's setting."""
    if conn.dialect.name == "sqlite":
        return str(conn.exec_driver_sql("PRAGMA synchronous").scalar())
    return str(conn.exec_driver_sql("SHOW synchronous_commit").scalar())


def test_a_lease_is_committed_without_a_flush_and_every_other_write_with_one(
    node: Node,
) -> None:
    with node.ctx.engine.connect() as conn:
        full = _durability(conn)
    assert full in ("2", "on")  # SQLite FULL, PostgreSQL on
    (message,) = _queue(node, 1)
    with lease_transaction(node.ctx.engine) as conn:
        assert _durability(conn) in ("1", "off")  # SQLite NORMAL, PostgreSQL off
        conn.execute(update(schema.outbox).values(attempts=7))

    def failed_lease() -> None:
        with lease_transaction(node.ctx.engine) as conn:
            conn.execute(update(schema.outbox).values(attempts=8))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failed_lease()
    for _ in range(3):  # whichever pooled connection comes next is fully durable again
        with node.ctx.engine.begin() as conn:
            assert _durability(conn) == full
            assert (
                conn.execute(
                    select(schema.outbox.c.attempts).where(schema.outbox.c.id == message)
                ).scalar_one()
                == 7  # committed, and the failed one rolled back
            )


def test_deliveries_and_retries_are_recorded_without_a_flush_a_dead_letter_with_one(
    node: Node,
) -> None:
    from uncc.services.network.outcomes import Pass  # noqa: PLC0415

    with node.ctx.engine.connect() as conn:
        full = _durability(conn)
    _queue(node, 2)
    first, second = outbox.claim_due(node.ctx, node.clock(), 10)
    run = Pass(node.ctx, transport=None, directory=None, me="XA", rng=lambda: 0.5)  # type: ignore[arg-type]
    seen: list[str] = []
    run.retry(first, "connection refused")  # a lost retry costs an earlier attempt
    run.waiting.append(lambda conn: seen.append(_durability(conn)))
    run.record()
    run.dead(second, "expired before delivery")  # an alert and an audit entry: durable
    run.waiting.append(lambda conn: seen.append(_durability(conn)))
    run.record()
    assert seen[0] in ("1", "off")
    assert seen[1] == full
    with node.ctx.engine.connect() as conn:
        got = dict(
            conn.execute(select(schema.outbox.c.id, schema.outbox.c.status).order_by("id")).all()
        )
    assert got == {first["id"]: "pending", second["id"]: "dead"}
    assert run.report.retrying == [first["id"]]
    assert run.report.dead == [second["id"]]


def test_uncc_worker_once_runs_every_job_and_refuses_all_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner  # noqa: PLC0415

    from uncc.entrypoints.cli import session  # noqa: PLC0415
    from uncc.entrypoints.cli.main import app  # noqa: PLC0415
    from uncc.parties.catalogue import parse_profile  # noqa: PLC0415
    from uncc.services import identity  # noqa: PLC0415

    ctx = build(Settings(data_dir=tmp_path))
    profile = (Path(__file__).parents[2] / "examples/profiles/xa-northland.yaml").read_text()
    identity.init_node(ctx, parse_profile(profile), "Northland", "admin", "a long passphrase 1")
    ctx.engine.dispose()
    monkeypatch.setenv("UNCC_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("UNCC_DATABASE_URL", raising=False)
    session.settings.cache_clear()
    session.context.cache_clear()
    try:
        ran = CliRunner().invoke(app, ["worker", "--once", "--retention", "0"])
        assert ran.exit_code == 0, ran.output
        assert "ran deliver, escalate, expire-orders" in ran.output
        assert "retention" not in ran.output
        off = CliRunner().invoke(
            app,
            ["worker", "--send", "0", "--tick", "0", "--retention", "0", "--escalate", "0"],
        )
        assert off.exit_code == 2
        assert "every job is switched off" in off.output
    finally:
        session.settings.cache_clear()
        session.context.cache_clear()


@pytest.mark.parametrize("node", ["postgresql"], indirect=True)  # NOTIFY is PostgreSQL's
def test_a_queued_message_wakes_a_listening_worker(node: Node) -> None:
    from uncc.adapters.db.notify import OUTBOX, listener, notify  # noqa: PLC0415

    wake = listener(node.ctx.engine, OUTBOX)
    assert wake is not None
    try:
        assert wake.wait(0.1) is False  # nothing queued
        conn: Connection
        with node.ctx.engine.begin() as conn:
            notify(conn, OUTBOX)
            assert wake.wait(0.2) is False  # not before the commit
        assert wake.wait(30) is True
    finally:
        wake.close()
    with node.ctx.engine.begin() as conn:  # a no-op elsewhere
        notify(conn, OUTBOX)


def test_the_worker_loop_stops_when_told(tmp_path: Path) -> None:
    stop = threading.Event()
    runs: list[int] = []

    def job() -> bool:
        runs.append(1)
        if len(runs) == 3:
            stop.set()
        return True  # more at once: the loop does not sleep

    Worker(build(Settings(data_dir=tmp_path)), [Job("job", 60, job)]).run(stop)
    assert len(runs) == 3


@pytest.mark.parametrize("node", ["sqlite"], indirect=True)
def test_the_lease_is_a_setting_five_minutes_by_default(node: Node, tmp_path: Path) -> None:
    assert Settings.model_fields["outbox_lease_seconds"].default == 300
    assert outbox.CLAIM_LEASE.total_seconds() == 300
    settings = Settings(data_dir=tmp_path / "d", database_url=str(node.ctx.engine.url))
    assert build(settings).outbox_lease == dt.timedelta(minutes=5)
    short = build(settings.model_copy(update={"outbox_lease_seconds": 30}), clock=node.clock)
    (message,) = _queue(node, 1)
    assert [r["id"] for r in outbox.claim_due(short, node.clock(), 10)] == [message]
    node.clock.advance(29 / 86400)
    assert outbox.claim_due(short, node.clock(), 10) == []  # still held
    node.clock.advance(1.01 / 86400)
    assert [r["id"] for r in outbox.claim_due(short, node.clock(), 10)] == [message]
    with pytest.raises(ValueError, match="outbox_lease_seconds"):
        Settings(outbox_lease_seconds=0)
