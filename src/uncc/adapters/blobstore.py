"""Content-addressed blob stores: bytes are hashed in the same pass that writes them."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from uncc.errors import StorageFullError

CHUNK = 1 << 20
STALE_SECONDS = 15 * 60
"""A temporary blob file untouched this long belongs to a writer that died."""

Progress = Callable[[int], None]
"""Called with the number of bytes written so far."""


class FileBlobStore:
    """Blobs as files named by their SHA-256 under ``root/ab/cd/``; written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @property
    def spool_dir(self) -> Path:
        """Where blobs are written before they get their name (created on demand)."""
        path = self.root / "tmp"
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return path

    def sweep(self, older_than: float = STALE_SECONDS) -> int:
        """Remove temporary files left by writers that crashed; how many were removed.

        Only files untouched for ``older_than`` seconds go, so a write in progress in
        another process is left alone.
        """
        tmp_dir = self.root / "tmp"
        if not tmp_dir.is_dir():
            return 0
        removed = 0
        limit = time.time() - older_than
        for path in tmp_dir.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def put(self, source: BinaryIO, progress: Progress | None = None) -> tuple[str, int]:
        """Store a stream; return its SHA-256 and size. Memory stays flat whatever the size.

        Raises:
            StorageFullError: the disk filled up; the partial file is removed.
        """
        tmp_dir = self.spool_dir
        digest = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=tmp_dir)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                    if progress is not None:
                        progress(size)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self._path(sha)
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if final.exists():
                Path(tmp).unlink()
            else:
                Path(tmp).replace(final)
                final.chmod(0o400)
            return sha, size
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            if exc.errno == errno.ENOSPC:
                raise StorageFullError(
                    "the vault's disk is full; the upload was not stored"
                ) from exc
            raise
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def exists(self, sha256: str) -> bool:
        """True when the blob is stored."""
        return self._path(sha256).is_file()

    def read(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes, in chunks."""
        with self._path(sha256).open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of the stored bytes now (``None`` when the blob is missing)."""
        if not self.exists(sha256):
            return None
        digest = hashlib.sha256()
        for chunk in self.read(sha256):
            digest.update(chunk)
        return digest.hexdigest()
