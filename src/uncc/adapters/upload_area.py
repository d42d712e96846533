"""Unfinished resumable uploads on the node's disk: a part file and its record, per session.

Each session is two private files in one directory: ``<id>.json`` (who opened it, for
which case, the declared size …) and ``<id>.part`` (the bytes received so far, in order).
A chunk is appended under an exclusive lock on the part file, and only when it starts
exactly where the file ends, so two writers never interleave and a retried chunk is
never stored twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from uncc.errors import ConflictError, NotFoundError

SESSION_SECONDS = 24 * 3600
"""An upload untouched this long is abandoned and removed."""


class OffsetMismatch(ConflictError):  # noqa: N818 - a refusal the client recovers from
    """A chunk did not start where the stored bytes end; ``held`` says where that is."""

    def __init__(self, held: int, offset: int) -> None:
        super().__init__(f"offset {offset}: the node holds {held} bytes of this upload")
        self.held = held


class UploadArea:
    """The directory of unfinished uploads."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self) -> Path:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.root

    def _paths(self, session: str) -> tuple[Path, Path]:
        if not session.replace("-", "").replace("_", "").isalnum() or len(session) > 64:
            raise NotFoundError(f"no upload {session[:70]!r}")
        return self.root / f"{session}.json", self.root / f"{session}.part"

    def create(self, record: dict[str, Any]) -> str:
        """A new session holding ``record``; its id (unguessable)."""
        self.sweep()
        session = secrets.token_urlsafe(24)
        meta, part = self._paths(session)
        self._dir()
        part.touch(mode=0o600, exist_ok=False)
        fd = os.open(meta, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
        return session

    def record(self, session: str) -> dict[str, Any]:
        """What the session was opened with.

        Raises:
            NotFoundError: no such session (finished, abandoned or never opened).
        """
        meta, _ = self._paths(session)
        try:
            data: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise NotFoundError(f"no upload {session}") from None
        return data

    def held(self, session: str) -> int:
        """How many bytes the session holds."""
        _, part = self._paths(session)
        try:
            return part.stat().st_size
        except OSError:
            raise NotFoundError(f"no upload {session}") from None

    def append(self, session: str, offset: int, chunk: bytes, limit: int) -> int:
        """Append ``chunk`` if it starts at the end of what is held; the new size.

        Raises:
            OffsetMismatch: ``offset`` is not where the stored bytes end.
            ConflictError: the chunk would go past ``limit`` (the declared size).
        """
        _, part = self._paths(session)
        try:
            handle = part.open("r+b")
        except OSError:
            raise NotFoundError(f"no upload {session}") from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            held = handle.seek(0, os.SEEK_END)
            if offset != held:
                raise OffsetMismatch(held, offset)
            if held + len(chunk) > limit:
                raise ConflictError(
                    f"the chunk goes past the declared size of {limit} bytes (at {held + len(chunk)})"
                )
            handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            return held + len(chunk)

    @contextmanager
    def reading(self, session: str) -> Iterator[IO[bytes]]:
        """The bytes held, as a file, locked against appends while read."""
        _, part = self._paths(session)
        try:
            handle = part.open("rb")
        except OSError:
            raise NotFoundError(f"no upload {session}") from None
        with handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            yield handle

    def remove(self, session: str) -> None:
        """Forget a session and its bytes."""
        for path in self._paths(session):
            path.unlink(missing_ok=True)

    def sweep(self, older_than: float = SESSION_SECONDS) -> list[str]:
        """Remove sessions untouched for ``older_than`` seconds; their ids."""
        if not self.root.is_dir():
            return []
        cutoff = time.time() - older_than
        gone = []
        for meta in self.root.glob("*.json"):
            part = meta.with_suffix(".part")
            touched = max((p.stat().st_mtime for p in (meta, part) if p.exists()), default=0.0)
            if touched < cutoff:
                self.remove(meta.stem)
                gone.append(meta.stem)
        return gone
