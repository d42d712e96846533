"""The cyclic garbage collector paused while an analysis or a trace of proceeds runs.

An analysis allocates thousands of small objects (findings, trace nodes, measures) that
all live until it returns. With the cyclic collector running, the collections triggered
on the way walk them again and again, more of them as the incident grows, so the cost
per act grew with the number of acts (issue 20; CPU time in one process, runs
alternated: 1.12 × at 200 acts against 10 with the collector running, 1.03 × with it
paused; bench/findings/rules.md). Tracing proceeds through a large ledger (the domain's
``tracing.trace``) allocates an account per account name while the ledger's transfers
are alive, and a full collection walks all of them (bench/findings/ledger.md).
Reference counting still frees at once what a paused block drops; cycles made meanwhile
are left to the collector's next runs. Nested and concurrent blocks (the threads of one
server) share one pause: the collector runs again when the last of them returns, and
only if it was running when the first began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """How many blocks hold the pause, and whether the collector ran before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False


_PAUSE = _Pause()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector for the block (shared by nested and concurrent blocks)."""
    with _PAUSE.lock:
        if _PAUSE.holders == 0:
            _PAUSE.was_enabled = gc.isenabled()
            gc.disable()
        _PAUSE.holders += 1
    try:
        yield
    finally:
        with _PAUSE.lock:
            _PAUSE.holders -= 1
            if _PAUSE.holders == 0 and _PAUSE.was_enabled:
                gc.enable()
