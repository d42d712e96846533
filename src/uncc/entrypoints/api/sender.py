"""The background sender: delivers the outbox, escalates late requests, tends the witnesses."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from fastapi.concurrency import run_in_threadpool

from uncc.errors import NotFoundError, UnccError
from uncc.services.context import NodeContext
from uncc.services.network import (
    encryption_keys,
    outbox,
    requests,
    retention,
    witness_compare,
    witnessing,
)
from uncc.services.network.transport import Transport

BATCH = 500
"""Messages per pass of the sender: up to five batches, each posted while the next is sealed."""
RETENTION_CHECK = 3600.0
"""Seconds between checks of received messages against their retention."""
log = logging.getLogger("uncc.network")


class Sender:
    """The background sender: delivers due messages and escalates late requests."""

    def __init__(self, ctx: NodeContext, transport: Transport, seconds: float) -> None:
        self.ctx = ctx
        self.transport = transport
        self.seconds = seconds
        self.wake = asyncio.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.key_listed = False
        """Whether the directory lists this node's encryption key (checked once per start)."""
        self.escalated = -requests.ESCALATE_SECONDS
        """When late requests were last escalated (monotonic): on their own timer."""
        self.retention_checked = 0.0
        """When received messages were last checked against their retention (monotonic)."""
        self.handed: collections.deque[Mapping[str, Any]] = collections.deque()
        """Messages claimed at birth for this sender, to post at once (``handoff``)."""
        self._courier: threading.Thread | None = None
        """The thread that posts handed messages while the server runs (``carry``)."""
        self._carry = threading.Event()
        self._stopping = False

    def kick(self) -> None:
        """Deliver now rather than at the next interval (safe from any thread)."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.wake.set)

    @property
    def running(self) -> bool:
        """Whether the sender runs in this process (a message handed to it will be posted)."""
        return self.loop is not None

    def hand_off(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Post these messages, committed and claimed at birth for us, at once (any thread).

        The courier thread posts them when it runs (no hop through the event loop and
        the thread pool, which may be busy answering the request that queued them);
        otherwise the next pass does.
        """
        self.handed.extend(rows)
        if self._courier is not None:
            self._carry.set()
        else:
            self.kick()

    def start_courier(self) -> None:
        """Post handed messages on a thread of their own from now on (``stop_courier``)."""
        self._stopping = False
        self._courier = threading.Thread(
            target=self._carry_forever, name="uncc-courier", daemon=True
        )
        self._courier.start()

    def stop_courier(self, timeout: float = 15.0) -> None:
        """Stop the courier once it has posted what it holds (what is left: ``release``)."""
        courier, self._courier = self._courier, None
        if courier is None:
            return
        self._stopping = True
        self._carry.set()
        courier.join(timeout)

    def _carry_forever(self) -> None:
        """Post each handed message as soon as it comes; then wake a full pass."""
        while True:
            self._carry.wait()
            self._carry.clear()  # before taking: a hand-off after this wakes us again
            handed = self._take_handed()
            if handed:
                try:
                    self._post_handed(handed)
                except Exception:  # released for the next pass; the courier goes on
                    log.exception("network courier failed to post what it was handed")
                self.kick()  # a pass that claims whatever else is due follows at once
            if self._stopping:
                return

    def release(self) -> None:
        """Give back what was handed to us and not posted: due at once for the next sender."""
        left = self._take_handed()
        if left:
            outbox.release(self.ctx, [row["id"] for row in left])

    def _take_handed(self) -> list[Mapping[str, Any]]:
        taken = []
        while self.handed:
            taken.append(self.handed.popleft())
        return taken

    def once(self) -> bool:
        """One pass: deliver (and escalate when its timer is due); True when more is due at once.

        A pass runs at every kick (a message queued or received): escalation is not part
        of it but runs every ``ESCALATE_SECONDS``. Messages handed to the sender are
        posted alone, without a claim; a pass that claims what else is due follows at once.
        """
        self._list_encryption_key()
        handed = self._take_handed()
        if handed:
            return self._post_handed(handed)
        try:
            report = outbox.deliver_due(self.ctx, self.transport, limit=BATCH)
            if time.monotonic() - self.escalated >= requests.ESCALATE_SECONDS:
                self.escalated = time.monotonic()
                requests.escalate(self.ctx)
            witnessing.publish(self.ctx, self.transport, only_due=True)  # custody heads
            witness_compare.tend(self.ctx, self.transport)
            if time.monotonic() - self.retention_checked > RETENTION_CHECK:
                self.retention_checked = time.monotonic()
                retention.notify(self.ctx)
        except NotFoundError:
            return False
        done = (
            len(report.delivered) + len(report.retrying) + len(report.rejected) + len(report.dead)
        )
        return done >= BATCH

    def _post_handed(self, handed: list[Mapping[str, Any]]) -> bool:
        """Post what was handed to us, alone; True: a full pass follows at once."""
        try:
            outbox.deliver_due(self.ctx, self.transport, limit=BATCH, handed=handed)
        except Exception:  # due again at once for the next pass, not a lease from now
            outbox.release(self.ctx, [row["id"] for row in handed])
            raise
        return True

    def _list_encryption_key(self) -> None:
        """On upgrade: make the node's encryption key and have the hub list it (until done)."""
        if self.key_listed:
            return
        try:
            if encryption_keys.ensure_published(self.ctx, self.transport):
                log.info("the directory now lists this node's encryption key")
            self.key_listed = True
        except NotFoundError:
            return  # not in a network (yet)
        except UnccError as exc:  # the hub refused or is out of reach: next pass
            log.warning("the encryption key is not listed yet: %s", exc)

    async def run(self) -> None:
        """Loop until cancelled; a failed pass is logged and the loop goes on."""
        self.loop = asyncio.get_running_loop()
        while True:
            try:
                if await run_in_threadpool(self.once):
                    continue  # a full batch: go on at once
            except Exception:  # one bad pass must not stop delivery
                log.exception("network sender pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.seconds)
            self.wake.clear()


@contextlib.asynccontextmanager
async def running(sender: Sender, *, enabled: bool) -> AsyncIterator[None]:
    """Run the sender for as long as the server runs (when ``enabled``)."""
    task = asyncio.create_task(sender.run()) if enabled else None
    if enabled:
        sender.start_courier()
    yield
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sender.loop = None  # nothing more is handed to it
        await run_in_threadpool(sender.stop_courier)
        await run_in_threadpool(sender.release)
