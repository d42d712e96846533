"""Blobs on the local file system: the default store of a node (``UNCC_BLOB_STORE`` unset)."""

from __future__ import annotations

import datetime as dt
import errno
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from uncc.adapters.blob_writer import BlobWriter
from uncc.domain.blobs import CHUNK, BlobStat, Hashing, Progress, Source, rehash, valid_sha256
from uncc.errors import NotFoundError, StorageFullError

STALE_SECONDS = 15 * 60
"""A temporary blob file untouched this long belongs to a writer that died."""


class FileBlobStore:
    """Blobs as files named by their SHA-256 under ``root/ab/cd/``; written atomically.

    One pass: the bytes go to a temporary file in the same directory tree while they are
    hashed (written from a thread of their own, :mod:`uncc.adapters.blob_writer`), fsynced,
    then the file is renamed to its hash (a rename, not a copy).
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if not valid_sha256(sha256):
            raise NotFoundError(f"{sha256[:70]!r} is not a SHA-256")
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
        before = dt.datetime.fromtimestamp(time.time() - older_than, dt.UTC)
        return len(self.sweep_partial(before))

    def put(self, source: Source, progress: Progress | None = None) -> tuple[str, int]:
        """Store a stream; return its SHA-256 and size. Memory stays flat whatever the size.

        Raises:
            StorageFullError: the disk filled up; the partial file is removed.
        """
        fd, tmp = tempfile.mkstemp(dir=self.spool_dir)
        stream = Hashing(source, progress)
        try:
            try:
                with BlobWriter(fd) as out:  # the writes overlap the reads and the hash
                    for chunk in stream:
                        out.write(chunk)
                os.fsync(fd)
            finally:
                os.close(fd)
            final = self._path(stream.sha256)
            final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if final.exists():
                Path(tmp).unlink()
                os.utime(final)  # stored again now: a retention sweep leaves it alone
            else:
                Path(tmp).replace(final)
                final.chmod(0o400)
            return stream.sha256, stream.size
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
        return valid_sha256(sha256) and self._path(sha256).is_file()

    def stat(self, sha256: str) -> BlobStat | None:
        """Size and modification time of the blob's file, or ``None``."""
        if not self.exists(sha256):
            return None
        info = self._path(sha256).stat()
        return BlobStat(sha256, info.st_size, dt.datetime.fromtimestamp(info.st_mtime, dt.UTC))

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes, in chunks.

        Raises:
            NotFoundError: the blob is not stored.
        """
        if not self.exists(sha256):
            raise NotFoundError(f"blob {sha256[:12]} is not in this vault")
        return self._chunks(self._path(sha256))

    @staticmethod
    def _chunks(path: Path) -> Iterator[bytes]:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def delete(self, sha256: str) -> bool:
        """Remove the blob's file; False when there was none."""
        if not self.exists(sha256):
            return False
        self._path(sha256).unlink(missing_ok=True)
        return True

    def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of the stored bytes now (``None`` when the blob is missing)."""
        return rehash(self.open(sha256)) if self.exists(sha256) else None

    def names(self) -> Iterator[BlobStat]:
        """Every blob file under the root (temporary files excluded)."""
        for path in sorted(self.root.glob("??/??/*")):
            found = self.stat(path.name) if valid_sha256(path.name) else None
            if found is not None:
                yield found

    def sweep_partial(self, before: dt.datetime) -> list[str]:
        """Temporary files of uploads that stopped (a crash) before ``before``."""
        gone = []
        tmp_dir = self.root / "tmp"
        for path in sorted(tmp_dir.iterdir()) if tmp_dir.is_dir() else []:
            try:
                if (
                    path.is_file()
                    and dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC) < before
                ):
                    path.unlink()
                    gone.append(f"tmp/{path.name}")
            except FileNotFoundError:  # another process swept it first
                continue
        return gone
