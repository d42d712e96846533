"""A request body as a file the services can read, streamed without a spool.

The services ingest evidence from a blocking file (``BinaryIO``) in a worker thread;
:class:`BodyReader` hands them the request body chunk by chunk as it arrives, fetching
each chunk from the event loop. The bytes are written once, straight into the vault's
temporary file while they are hashed; nothing is read before the service's checks (role,
case, order) have passed, and a body refused half-way (413, 408) stops the write and
removes the partial file.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import BinaryIO

import anyio.from_thread


class BodyReader(io.RawIOBase):
    """A readable binary stream over an async iterator of chunks (used from a worker thread)."""

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""
        self._ended = False

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    async def _fetch(self) -> bytes:
        return await anext(self._chunks)

    def _next(self) -> bytes:
        try:
            return anyio.from_thread.run(self._fetch)
        except StopAsyncIteration:
            self._ended = True
            return b""

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative); ``b""`` at the end."""
        while not self._ended and (size is None or size < 0 or len(self._pending) < size):
            chunk = self._next()
            self._pending += chunk
            if chunk and size is not None and size >= 0:
                break  # a short read is fine: the caller loops
        if size is None or size < 0:
            data, self._pending = self._pending, b""
        else:
            data, self._pending = self._pending[:size], self._pending[size:]
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Fill ``buffer`` with what :meth:`read` gives."""
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def body_file(chunks: AsyncIterator[bytes]) -> BinaryIO:
    """The chunks as a buffered binary file."""
    return io.BufferedReader(BodyReader(chunks), buffer_size=1 << 20)
