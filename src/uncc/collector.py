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
only if it was running when the first began. So that a server whose analyses overlap
without end does not defer collection for ever, a block that returns while others still
hold the pause runs the collection the collector would have run by then: the youngest
generations whose allocation counts passed their thresholds, and a full collection at
most once a second (``_collect_due``).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """How many blocks hold the pause, and whether the collector ran before the first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False
        self.last_full = time.monotonic()


#: The shortest time between two full collections run for blocks that overlap.
FULL_COLLECTION_EVERY = 1.0


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
            if _PAUSE.was_enabled:
                if _PAUSE.holders == 0:
                    gc.enable()
                else:
                    _collect_due(_PAUSE)


def _collect_due(pause: _Pause) -> None:
    """Run the collection that is due while the pause is still held by other blocks.

    The allocation counts keep growing while the collector is disabled; this runs the
    oldest generation whose count passed its threshold, as the collector itself would,
    except that a full collection is run at most once every ``FULL_COLLECTION_EVERY``
    seconds (the collector's own rule for it needs counts Python does not expose).
    """
    counts = gc.get_count()
    thresholds = gc.get_threshold()
    now = time.monotonic()
    if counts[2] > thresholds[2] and now - pause.last_full >= FULL_COLLECTION_EVERY:
        pause.last_full = now
        gc.collect(2)
    elif counts[1] > thresholds[1]:
        gc.collect(1)
    elif counts[0] > thresholds[0]:
        gc.collect(0)
