"""Audit entries of async reads, committed together: one transaction for all that wait.

An audited read must not answer before its audit entry is committed. Committing each
entry alone costs a write lock and an fsync per read, and doing it on the event loop
would stall every other request meanwhile. Here one thread commits whatever entries
are waiting in one transaction (group commit); each read awaits its own entry's commit,
so the guarantee is unchanged — nothing is shown before its audit entry is durable —
while concurrent reads share the fsync. An entry waiting alone is one ``INSERT`` in
autocommit (atomic and durable by itself; on PostgreSQL one round trip instead of three).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from dataclasses import dataclass
from typing import Any, cast

from fastapi import Request

from uncc.services.context import AuditEntry, NodeContext, audit_all
from uncc.services.notify_events import notifies
from uncc.services.reads import autocommit

MOST = 256
"""The most entries one transaction takes."""


@dataclass(frozen=True)
class _Entry:
    loop: asyncio.AbstractEventLoop
    done: asyncio.Future[None]
    actor: str
    action: str
    obj: str
    outcome: str
    details: dict[str, Any]


class AuditCommits:
    """Appends audit entries for async handlers, many per transaction."""

    def __init__(self, ctx: NodeContext) -> None:
        self.ctx = ctx
        self._waiting: queue.SimpleQueue[_Entry | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    async def append(
        self, actor: str, action: str, *, obj: str, outcome: str, **details: Any
    ) -> None:
        """Append one entry; return once it is committed.

        Raises:
            Exception: whatever the commit raised (the read must then fail).
        """
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._waiting.put(_Entry(loop, done, actor, action, obj, outcome, details))
        self._running()
        await done

    def close(self, timeout: float = 5.0) -> None:
        """Commit what is waiting, then stop the thread (at the app's shutdown).

        A read after this starts the thread again, so nothing is ever left unaudited.
        """
        with self._start:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._waiting.put(None)
            thread.join(timeout)

    def _running(self) -> None:
        with self._start:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._commit_forever, daemon=True)
                self._thread.start()

    def _commit_forever(self) -> None:
        stopping = False
        while not stopping:
            entries, stopping = self._take()
            if entries:
                self._commit(entries)

    def _take(self) -> tuple[list[_Entry], bool]:
        """The entries waiting (at least one, or none when told to stop), and whether to stop."""
        first = self._waiting.get()
        if first is None:
            return [], True
        entries = [first]
        while len(entries) < MOST:
            try:
                entry = self._waiting.get_nowait()
            except queue.Empty:
                break
            if entry is None:  # close(): commit these, then stop
                return entries, True
            entries.append(entry)
        return entries, False

    def _commit(self, entries: list[_Entry]) -> None:
        error: BaseException | None = None
        alone = len(entries) == 1 and not notifies(entries[0].action, entries[0].outcome)
        try:  # one entry alone is one INSERT: its own transaction, no BEGIN / COMMIT trips
            with autocommit(self.ctx.engine) if alone else self.ctx.engine.begin() as conn:
                audit_all(
                    conn,
                    self.ctx.clock(),
                    [AuditEntry(e.actor, e.action, e.obj, e.outcome, e.details) for e in entries],
                )
        except Exception as exc:  # every waiting read fails with it; nothing was shown
            error = exc
        for e in entries:
            try:
                e.loop.call_soon_threadsafe(_settle, e.done, error)
            except RuntimeError:  # that request's event loop has closed
                continue


def _settle(done: asyncio.Future[None], error: BaseException | None) -> None:
    if done.done():  # the request went away meanwhile
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)


def audit_commits(request: Request) -> AuditCommits:
    """The app's audit committer (made at the app's start)."""
    return audit_commits_of(request.app)


def audit_commits_of(app: Any) -> AuditCommits:
    """An app's audit committer."""
    return cast("AuditCommits", app.state.audit_commits)
