"""The worker loop: the node's background jobs, each at its own interval, until stopped.

``uncc worker`` runs it beside API servers started with ``--no-jobs``; ``uncc serve``
alone runs the same jobs inside the server. Several workers may run at once on
PostgreSQL: the jobs claim their rows (see ``uncc.services.jobs``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from uncc.adapters.db.notify import OUTBOX, listener
from uncc.errors import NotFoundError
from uncc.services import jobs, orders
from uncc.services.context import NodeContext
from uncc.services.network import outbox, requests, witness_compare, witnessing
from uncc.services.network.transport import Transport

BATCH = 500
"""Messages per delivery pass: up to five batches, each posted while the next is sealed."""
log = logging.getLogger("uncc.worker")


@dataclass
class Job:
    """A named piece of background work; ``run`` returns True when more is due at once."""

    name: str
    every: float
    """Seconds between runs."""
    run: Callable[[], bool]
    exclusive: bool = False
    """Run by one process at a time (an advisory lock) rather than by claimed rows."""


def node_jobs(
    ctx: NodeContext,
    transport: Transport,
    *,
    send_seconds: float = 1.0,
    tick_seconds: float = 60.0,
    retention_seconds: float = 3600.0,
    escalate_seconds: float = requests.ESCALATE_SECONDS,
    extra: Sequence[Job] = (),
) -> list[Job]:
    """The node's jobs; an interval of 0 leaves that job out; ``extra`` adds more.

    Escalation runs on its own timer (one indexed query over the deadlines), not on
    every delivery.

    The witness job (publishing custody heads to the witnesses, comparing as one) runs
    at the sender's interval, in one worker at a time; it does its own pacing (a
    witness is asked only when due, comparisons every ten minutes).
    """

    def deliver() -> bool:
        report = outbox.deliver_due(ctx, transport, limit=BATCH)
        done = report.delivered + report.retrying + report.rejected + report.dead
        if done:
            log.info(
                "outbox: %d delivered, %d retrying, %d rejected, %d dead",
                len(report.delivered),
                len(report.retrying),
                len(report.rejected),
                len(report.dead),
            )
        return len(done) >= BATCH

    def escalate() -> bool:
        for conversation, what in requests.escalate(ctx):
            log.info("late %s: %s escalated", what, conversation)
        return False

    def expire() -> bool:
        for order in orders.tick(ctx):
            log.info("order %s expired", order.id)
        return False

    def witnesses() -> bool:
        witnessing.publish(ctx, transport, only_due=True)  # custody heads to the witnesses
        witness_compare.tend(ctx, transport)  # as a witness: compare with the others
        return False

    def retention() -> bool:
        for sha in jobs.sweep_unreferenced_blobs(ctx):
            log.info("blob %s deleted (no evidence refers to it)", sha)
        return False

    every = [
        Job("deliver", send_seconds, deliver),
        Job("escalate", escalate_seconds, escalate),
        Job("expire-orders", tick_seconds, expire),
        Job("witnesses", send_seconds, witnesses, exclusive=True),
        Job("retention", retention_seconds, retention, exclusive=True),
        *extra,
    ]
    return [job for job in every if job.every > 0]


@dataclass
class Worker:
    """Runs jobs when they are due."""

    ctx: NodeContext
    jobs: list[Job]
    clock: Callable[[], float] = time.monotonic
    due: dict[str, float] = field(default_factory=dict)

    def run_due(self) -> list[str]:
        """Run every job that is due now; the names of those that ran."""
        ran = []
        for job in self.jobs:
            if self.due.get(job.name, 0.0) > self.clock():
                continue
            more = self._run(job)
            ran.append(job.name)
            self.due[job.name] = self.clock() if more else self.clock() + job.every
        return ran

    def _run(self, job: Job) -> bool:
        try:
            if not job.exclusive:
                return job.run()
            with jobs.exclusive(self.ctx, job.name) as held:
                return job.run() if held else False
        except NotFoundError as exc:  # e.g. the node is not in a network (yet)
            log.debug("%s: nothing to do (%s)", job.name, exc)
        except Exception:  # one failed run must not stop the worker
            log.exception("%s failed", job.name)
        return False

    def run(self, stop: threading.Event) -> None:
        """Run jobs as they fall due until ``stop`` is set (the current job finishes first).

        On PostgreSQL the worker also listens for new outbox messages and delivers them
        at once instead of at its next pass.
        """
        wake = listener(self.ctx.engine, OUTBOX)
        try:
            while not stop.is_set():
                self.run_due()
                soonest = min(self.due.values(), default=self.clock() + 1.0)
                pause = max(0.0, soonest - self.clock())
                if wake is None:
                    stop.wait(pause)
                    continue
                try:
                    if wake.wait(min(pause, 1.0)):
                        self.due["deliver"] = 0.0  # a message was queued: send it now
                except Exception:  # the database went away: poll from now on
                    log.exception("listening for queued messages failed; polling instead")
                    with contextlib.suppress(Exception):
                        wake.close()
                    wake = None
        finally:
            if wake is not None:
                wake.close()
