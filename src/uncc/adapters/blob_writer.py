"""Writing a blob's bytes from a thread of their own, while the next bytes are read and hashed.

An ingest reads a chunk, hashes it and writes it. Done in turn in one thread, the disk
waits while the bytes are hashed and the hash waits while they are copied to the page
cache; and the whole file is flushed to the disk only by the ``fsync`` at the end. Here
the writes happen in a second thread (the copy into the page cache and the hash release
the GIL, so both cores work), and every :data:`WRITEBACK` bytes the kernel is asked to
start writing what is already written (``posix_fadvise(POSIX_FADV_DONTNEED)`` starts
writeback of the range and drops its clean pages, so evidence does not fill the page
cache either). The caller still ``fsync``\\s before the blob gets its name: the
durability promise is the same, the disk simply starts earlier.
"""

from __future__ import annotations

import os
import queue
import threading
from types import TracebackType

DEPTH = 4
"""Chunks queued for the writer at most (memory stays flat: a few MiB)."""

WRITEBACK = 16 << 20
"""Bytes written between two requests to the kernel to start writing them to the disk."""


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Ask the kernel to start writing ``length`` bytes at ``offset`` to the disk (no wait).

    Where ``posix_fadvise`` is missing (not Linux), the final ``fsync`` does it all.
    """
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)


def write_all(fd: int, chunk: bytes | memoryview) -> None:
    """Write every byte of ``chunk`` (``os.write`` may write fewer)."""
    view = memoryview(chunk)
    while view:
        view = view[os.write(fd, view) :]


class BlobWriter:
    """Writes chunks to a file descriptor from its own thread, in the order given.

    Use as a context manager: leaving the block normally waits until every chunk is
    written and raises what the writer met (e.g. ``ENOSPC``); leaving it by an exception
    stops the writer and lets that exception through. The descriptor stays the caller's.
    """

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._queue: queue.Queue[bytes | None] = queue.Queue(DEPTH)
        self.failure: OSError | None = None
        """What the last write raised; nothing more is written after it."""
        self.written = 0
        self._thread = threading.Thread(target=self._run, name="uncc-blob-writer", daemon=True)
        self._thread.start()

    def write(self, chunk: bytes) -> None:
        """Queue ``chunk`` (it must not change afterwards); raise what an earlier write met."""
        if self.failure is not None:
            raise self.failure
        self._queue.put(chunk)

    def _stop(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()
        if kind is None and self.failure is not None:
            raise self.failure

    def _run(self) -> None:
        started = 0  # bytes the kernel was asked to start writing back
        while (chunk := self._queue.get()) is not None:
            if self.failure is not None:
                continue  # drain, so that the reader never blocks on a full queue
            try:
                write_all(self._fd, chunk)
                self.written += len(chunk)
                if self.written - started >= WRITEBACK:
                    start_writeback(self._fd, started, self.written - started)
                    started = self.written
            except OSError as exc:
                self.failure = exc
