"""Evidence sent in resumable chunks: an upload session on the node, a journal at home.

The node opens a session for a declared size (its role, case and order checks run
then, before any byte is sent), takes chunks at the offset it holds, and on ``finish``
hashes what it holds into the vault, refusing it unless it matches the SHA-256 the
client computed. If the connection breaks, the journal remembers the session, and the
next upload of the same file to the same case asks the node how far it got and goes on
from there.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from uncc.client import models as m
from uncc.client.http import Connection
from uncc.errors import ConflictError, NotFoundError, UserInputError

READ_BLOCK = 1 << 20


class UploadJournal:
    """Unfinished uploads (file, case → session id), in a private JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write(self, entries: dict[str, str]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)
        tmp.replace(self.path)

    def get(self, key: str) -> str | None:
        """The session of an unfinished upload."""
        return self._read().get(key)

    def put(self, key: str, session: str) -> None:
        """Remember an upload's session."""
        self._write(self._read() | {key: session})

    def forget(self, key: str) -> None:
        """The upload finished (or its session is gone)."""
        entries = self._read()
        if entries.pop(key, None) is not None:
            self._write(entries)


def journal_key(url: str, case_id: str, file: Path, order_id: str | None) -> str:
    """What makes an upload the same one: node, case, order, file, its size and time."""
    stat = file.stat()
    return f"{url} {case_id} {order_id or '-'} {file.resolve()} {stat.st_size} {stat.st_mtime_ns}"


def _session(
    conn: Connection,
    case_id: str,
    file: Path,
    *,
    order_id: str | None,
    acquisition: dict[str, str],
    resume: str | None,
) -> m.UploadSession:
    if resume is not None:
        try:
            return m.UploadSession.model_validate(conn.get(f"/uploads/{resume}"))
        except NotFoundError:
            pass  # finished, expired or abandoned: start again
    body: dict[str, Any] = {
        "filename": file.name,
        "size": file.stat().st_size,
        "order": order_id,
        **acquisition,
    }
    return m.UploadSession.model_validate(conn.post(f"/cases/{case_id}/uploads", body))


def _hash_to(handle: IO[bytes], offset: int) -> Any:
    """A SHA-256 of the file's first ``offset`` bytes, the file positioned after them."""
    hasher = hashlib.sha256()
    handle.seek(0)
    left = offset
    while left > 0:
        block = handle.read(min(READ_BLOCK, left))
        if not block:
            raise UserInputError(f"{handle.name}: the file became shorter during the upload")
        hasher.update(block)
        left -= len(block)
    return hasher


def upload_file(
    conn: Connection,
    case_id: str,
    file: Path,
    *,
    order_id: str | None,
    acquisition: dict[str, str],
    progress: Callable[[int], None] | None,
    journal: UploadJournal | None,
) -> m.Uploaded:
    """Send ``file`` to the case's vault in chunks, resuming an interrupted upload."""
    if not file.is_file():
        raise UserInputError(f"{file}: no such file")
    key = journal_key(conn.url, case_id, file, order_id)
    resume = journal.get(key) if journal is not None else None
    session = _session(
        conn, case_id, file, order_id=order_id, acquisition=acquisition, resume=resume
    )
    if journal is not None:
        journal.put(key, session.id)
    with file.open("rb") as handle:
        offset = session.offset
        hasher = _hash_to(handle, offset)
        if progress is not None:
            progress(offset)
        while offset < session.size:
            chunk = handle.read(min(session.chunk_bytes, session.size - offset))
            try:
                answer = conn.request(
                    "PUT",
                    f"/uploads/{session.id}",
                    params={"offset": offset},
                    content=chunk,
                    headers={"Content-Type": "application/octet-stream"},
                )
            except ConflictError as exc:
                held = getattr(exc, "problem", None)
                where = held.extra.get("offset") if held is not None else None
                if not isinstance(where, int) or where == offset:
                    raise
                offset = where  # the node holds more (or less) than we thought: go on from there
                hasher = _hash_to(handle, offset)
                continue
            hasher.update(chunk)
            offset = int(conn.json(answer)["offset"])
            if progress is not None:
                progress(offset)
        finished = conn.post(f"/uploads/{session.id}/finish", {"sha256": hasher.hexdigest()})
    if journal is not None:
        journal.forget(key)
    return m.Uploaded.model_validate(finished)
