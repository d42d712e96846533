"""Resumable evidence uploads: a session per file, chunks at offsets, then the vault.

Opening a session runs every check an upload gets (role, case, order, file name, size
limit) before a byte is sent; each chunk is checked against the session's owner and
offset; finishing hashes the bytes into the vault through
:func:`uncc.services.evidence.add_evidence` (which checks again, in its transaction)
and refuses them unless they hash to what the client computed. A session belongs to
the user who opened it: anyone else is told it does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from uncc.adapters.upload_area import UploadArea
from uncc.domain.evidence import EvidenceItem
from uncc.errors import ConflictError, NotFoundError, TooLargeError, UserInputError
from uncc.services import evidence
from uncc.services.context import NodeContext, Principal


@dataclass(frozen=True)
class UploadSession:
    """An unfinished upload and how much of it the node holds."""

    id: str
    case_id: str
    filename: str
    size: int
    offset: int


@dataclass(frozen=True)
class Intake:
    """What the uploader declares when opening a session."""

    filename: str
    size: int
    order_id: str | None
    acquisition: dict[str, str]


def start(
    ctx: NodeContext,
    area: UploadArea,
    who: Principal,
    case_id: str,
    intake: Intake,
    *,
    limit: int,
) -> UploadSession:
    """Open a session after the checks an upload gets, before any byte is sent.

    Raises:
        TooLargeError: the declared size is over the node's upload limit.
        PermissionDeniedError, NotFoundError: as :func:`evidence.check_intake`.
    """
    if intake.size < 0:
        raise UserInputError("size: a file has zero or more bytes")
    if intake.size > limit:
        raise TooLargeError(f"size: {intake.size} bytes is over the upload limit of {limit}")
    if not intake.filename.strip() or any(ord(c) < 32 for c in intake.filename):
        raise UserInputError("filename: give a name without control characters")
    evidence.check_intake(ctx, who, case_id, intake.order_id)
    record = {
        "user": who.user,
        "case": case_id,
        "filename": intake.filename,
        "size": intake.size,
        "order": intake.order_id,
        "acquisition": intake.acquisition,
        "opened": ctx.clock().isoformat(),
    }
    session = area.create(record)
    return UploadSession(session, case_id, intake.filename, intake.size, 0)


def _owned(area: UploadArea, who: Principal, session: str) -> dict[str, Any]:
    record = area.record(session)
    if record.get("user") != who.user:
        raise NotFoundError(f"no upload {session}")  # another's session does not exist for us
    return record


def status(area: UploadArea, who: Principal, session: str) -> UploadSession:
    """How much of one's own upload the node holds."""
    record = _owned(area, who, session)
    return UploadSession(
        session, record["case"], record["filename"], record["size"], area.held(session)
    )


def put_chunk(area: UploadArea, who: Principal, session: str, offset: int, chunk: bytes) -> int:
    """Store a chunk at ``offset``; the bytes now held.

    Raises:
        OffsetMismatch: the node holds a different number of bytes (it says how many).
        ConflictError: the chunk goes past the declared size.
    """
    record = _owned(area, who, session)
    return area.append(session, offset, chunk, int(record["size"]))


def finish(
    ctx: NodeContext, area: UploadArea, who: Principal, session: str, sha256: str | None
) -> EvidenceItem:
    """Take the held bytes into the vault as an evidence item; the session ends.

    Raises:
        ConflictError: bytes are missing, or they do not hash to ``sha256`` (nothing
            is recorded and the session stays, to be abandoned or resent).
    """
    record = _owned(area, who, session)
    held = area.held(session)
    if held != record["size"]:
        raise ConflictError(f"the node holds {held} of {record['size']} bytes: send the rest")
    with area.reading(session) as source:
        item = evidence.add_evidence(
            ctx,
            who,
            record["case"],
            source=source,
            filename=record["filename"],
            acquisition=record["acquisition"],
            order_id=record["order"],
            expected_sha256=sha256,
        )
    area.remove(session)
    return item


def abandon(area: UploadArea, who: Principal, session: str) -> None:
    """Give up one's own upload; the bytes held are removed."""
    _owned(area, who, session)
    area.remove(session)
