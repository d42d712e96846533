"""The blob-store port: content-addressed bytes, hashed in the same pass that stores them.

The vault keeps evidence bytes by their SHA-256. Any store that offers these operations
will do (local files, an S3 bucket); the services see only this protocol.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, Protocol

CHUNK = 1 << 20
"""Bytes per read when a store streams."""

Progress = Callable[[int], None]
"""Called with the number of bytes stored so far."""

Source = BinaryIO | Iterable[bytes]
"""What a blob is stored from: a readable binary file, or an iterable of chunks."""


@dataclass(frozen=True)
class BlobStat:
    """What a store knows of a blob without reading it."""

    sha256: str
    size: int
    stored_at: dt.datetime


class BlobStore(Protocol):
    """Content-addressed storage for the evidence vault."""

    def put(self, source: Source, progress: Progress | None = None) -> tuple[str, int]:
        """Store a stream in one pass (hashing as it goes); its SHA-256 and size."""
        ...

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes, in chunks.

        Raises:
            NotFoundError: the blob is not stored.
        """
        ...

    def stat(self, sha256: str) -> BlobStat | None:
        """The blob's size and when it was stored, or ``None`` when it is not stored."""
        ...

    def exists(self, sha256: str) -> bool:
        """True when the blob is stored."""
        ...

    def delete(self, sha256: str) -> bool:
        """Remove a blob (a retention decision); False when it was not there."""
        ...

    def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of the stored bytes now, reading them once (``None`` when missing)."""
        ...

    def names(self) -> Iterator[BlobStat]:
        """Every stored blob (for retention sweeps)."""
        ...

    def sweep_partial(self, before: dt.datetime) -> list[str]:
        """Remove what uploads that never finished left, if older than ``before``; what went."""
        ...


def chunks(source: Source) -> Iterator[bytes]:
    """The chunks of a file or an iterable of bytes (empty chunks skipped)."""
    read = getattr(source, "read", None)
    if read is not None:
        while chunk := read(CHUNK):
            yield chunk
        return
    for chunk in source:
        if chunk:
            yield bytes(chunk)


class Hashing:
    """Passes chunks through while hashing and counting them (one pass over the bytes)."""

    def __init__(self, source: Source, progress: Progress | None = None) -> None:
        self._chunks = chunks(source)
        self._progress = progress
        self._digest = hashlib.sha256()
        self.size = 0
        self.failure: BaseException | None = None
        """What the source raised, if it failed (a store's client may wrap it)."""

    def __iter__(self) -> Iterator[bytes]:
        while True:
            try:
                chunk = next(self._chunks)
            except StopIteration:
                return
            except BaseException as exc:
                self.failure = exc
                raise
            self._digest.update(chunk)
            self.size += len(chunk)
            if self._progress is not None:
                self._progress(self.size)
            yield chunk

    @property
    def sha256(self) -> str:
        """The hex SHA-256 of what has passed so far."""
        return self._digest.hexdigest()


def rehash(chunks_of: Iterator[bytes]) -> str:
    """The SHA-256 of a stream of chunks."""
    digest = hashlib.sha256()
    for chunk in chunks_of:
        digest.update(chunk)
    return digest.hexdigest()


def valid_sha256(text: str) -> bool:
    """True for a lowercase hex SHA-256 (64 characters)."""
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)
