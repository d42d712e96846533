"""``uncc worker``: the node's background jobs in their own process, beside API servers."""

from __future__ import annotations

import fcntl
import logging
import signal
import threading
from typing import Annotated, Any

import typer
from rich.console import Console

from uncc.entrypoints.cli.output import epilog
from uncc.entrypoints.cli.session import context, settings
from uncc.errors import ConflictError

console = Console(stderr=True, soft_wrap=True)


def _one_worker_on_sqlite() -> Any:
    """On SQLite a node has one worker: hold a lock file for as long as this one runs.

    Raises:
        ConflictError: another worker holds it.
    """
    path = settings().data_dir / "worker.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise ConflictError(
            "another worker runs on this node; on SQLite a node has one worker "
            "(use PostgreSQL for several)"
        ) from exc
    return handle


WORKER_HELP_END = epilog(
    limits="on the node's server; on SQLite one worker per node (PostgreSQL: several).",
    example="uncc worker --once",
)


def worker(
    send_every: Annotated[
        float,
        typer.Option("--send", help="Seconds between passes of the network sender (0: none)."),
    ] = 1.0,
    tick_every: Annotated[
        float, typer.Option("--tick", help="Seconds between expiry checks of orders (0: none).")
    ] = 60.0,
    retention_every: Annotated[
        float,
        typer.Option(
            "--retention",
            help="Seconds between sweeps for blobs no evidence refers to (0: none).",
        ),
    ] = 3600.0,
    escalate_every: Annotated[
        float | None,
        typer.Option(
            "--escalate",
            help="Seconds between escalations of missed deadlines (0: none; default: "
            "the network's escalation interval).",
        ),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run every job once, then exit (e.g. from cron).")
    ] = False,
) -> None:
    """Run the outbox sender, escalation, order expiry, witnesses, retention and mail.

    Notifications are mailed when ``UNCC_SMTP_HOST`` is set.

    Pair it with servers started with 'uncc serve --no-jobs'. On PostgreSQL several
    workers share the work (each row is claimed by one); on SQLite a node has one.
    """
    from uncc.adapters.http_transport import HttpTransport  # noqa: PLC0415
    from uncc.bootstrap import smtp_of  # noqa: PLC0415
    from uncc.services.network.requests import ESCALATE_SECONDS  # noqa: PLC0415
    from uncc.services.worker import Worker, node_jobs  # noqa: PLC0415
    from uncc.services.worker_mail import mail_jobs  # noqa: PLC0415

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ctx = context()
    lock = None if ctx.engine.dialect.name == "postgresql" else _one_worker_on_sqlite()
    jobs = node_jobs(
        ctx,
        HttpTransport(),
        send_seconds=send_every,
        tick_seconds=tick_every,
        retention_seconds=retention_every,
        escalate_seconds=ESCALATE_SECONDS if escalate_every is None else escalate_every,
        extra=mail_jobs(smtp_of(settings()), ctx, send_every),
    )
    if not jobs:
        raise typer.BadParameter(
            "every job is switched off (--send, --tick, --retention, --escalate)"
        )
    work = Worker(ctx, jobs)
    try:
        if once:
            ran = work.run_due()
            console.print(f"ran {', '.join(ran)}", highlight=False, markup=False)
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        console.print(
            f"worker: {', '.join(f'{j.name} every {j.every:g}s' for j in jobs)}",
            highlight=False,
            markup=False,
        )
        work.run(stop)
        console.print("worker: stopped", highlight=False, markup=False)
    finally:
        if lock is not None:
            lock.close()
