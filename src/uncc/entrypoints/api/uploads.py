"""Evidence uploads: a request body streamed into the vault, and resumable chunked uploads.

The services ingest evidence in a worker thread. An evidence upload's body reaches them
through :class:`ReadAhead`: chunks the event loop gathers while the worker hashes and
writes the previous ones (a web form's file, through :class:`BodyReader`, a blocking file
that fetches each piece from the event loop). The bytes are written once, straight into
the vault's temporary file while they are hashed; nothing is read before the service's
checks (role, case, order) have passed, and a body refused half-way (413, 408) stops the
write and removes the partial file.

The resumable uploads (:func:`install`) take a file in chunks at offsets, for clients
on unreliable links (``uncc evidence add --node``, ``uncc.client``).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import queue
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, BinaryIO, cast

import anyio.from_thread
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from uncc.adapters.upload_area import OffsetMismatch, UploadArea
from uncc.entrypoints.api import problems as problems_module
from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.limits import Limits
from uncc.entrypoints.api.problem_types import problems
from uncc.services import uploads as upload_service

GATHER = 1 << 20
"""Bytes of the request's body fetched per hop from the worker thread to the event loop."""


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

    async def _fetch(self, want: int) -> bytes:
        """At least ``want`` bytes unless the body ends first (one hop from the thread)."""
        parts: list[bytes] = []
        got = 0
        while got < want:
            try:
                chunk = await anext(self._chunks)
            except StopAsyncIteration:
                self._ended = True
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def _next(self) -> bytes:
        # the server hands the body over in small pieces (tens of KiB): gathering a
        # buffer's worth per hop to the event loop costs one hop per MiB, not per piece
        return anyio.from_thread.run(self._fetch, GATHER)

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


READ_AHEAD = 4
"""Gathered chunks of a body the event loop keeps ready for the worker, at most."""


class ReadAhead:
    """A request body as chunks for a worker thread, received ahead by the event loop.

    Make it in the request's event loop; iterate it in a worker thread. Nothing is read
    until the worker asks for the first chunk (after the service's checks); from then on
    the loop gathers the body's pieces into batches of about :data:`GATHER` bytes and
    keeps at most :data:`READ_AHEAD` of them ready, so that receiving the next bytes
    overlaps hashing and writing the last ones (one hand-over per batch, no round trip,
    no copy). What reading the body raises (413, 408, a disconnect) is raised in the
    worker at that point of the stream. :meth:`aclose` (in the loop, once the worker is
    done) stops what is left.
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self._loop = asyncio.get_running_loop()
        self._room = asyncio.Semaphore(READ_AHEAD)
        self._ready: queue.SimpleQueue[list[bytes] | BaseException | None] = queue.SimpleQueue()
        self._task: asyncio.Task[None] | None = None

    def __iter__(self) -> Iterator[bytes]:
        self._loop.call_soon_threadsafe(self._start)
        while (item := self._ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            self._loop.call_soon_threadsafe(self._room.release)
            yield from item  # the pieces as received: no copy, the loop's thread is the busy one

    def _start(self) -> None:
        if self._task is None:
            self._task = self._loop.create_task(self._receive())

    async def _receive(self) -> None:
        parts: list[bytes] = []
        got = 0
        try:
            async for piece in self._chunks:
                parts.append(piece)
                got += len(piece)
                if got >= GATHER:
                    await self._hand_over(parts)
                    parts, got = [], 0
            if parts:
                await self._hand_over(parts)
            self._ready.put(None)
        except asyncio.CancelledError:
            self._ready.put(ConnectionAbortedError("the upload was cancelled"))
            raise
        except Exception as exc:  # the worker raises it, where the stream stops
            self._ready.put(exc)

    async def _hand_over(self, parts: list[bytes]) -> None:
        await self._room.acquire()
        self._ready.put(parts)

    async def aclose(self) -> None:
        """Stop receiving (a worker that gave up early leaves the rest of the body unread)."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class UploadIn(BaseModel):
    """A resumable upload to open: the file's name and size, and how it was acquired."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0)
    order: str | None = None
    tool: str = Field(default="", max_length=200)
    tool_version: str = Field(default="", max_length=200)
    source: str = Field(default="", max_length=200)
    place: str = Field(default="", max_length=200)


class FinishIn(BaseModel):
    """The SHA-256 the client computed: the node refuses bytes that do not hash to it."""

    model_config = ConfigDict(extra="forbid")

    sha256: str | None = Field(default=None, pattern="^[0-9a-f]{64}$")


class SessionOut(BaseModel):
    """A resumable upload: the bytes the node holds, and the largest chunk it takes."""

    model_config = ConfigDict(extra="forbid")

    id: str
    case: str
    filename: str
    size: int
    offset: int
    chunk_bytes: int


class ChunkOut(BaseModel):
    """The bytes of the upload the node holds after a chunk."""

    model_config = ConfigDict(extra="forbid")

    id: str
    offset: int


class UploadedOut(BaseModel):
    """The evidence item an upload became."""

    model_config = ConfigDict(extra="forbid")

    id: str
    sha256: str
    size: int
    filename: str


def _session(session: upload_service.UploadSession, chunk_bytes: int) -> SessionOut:
    return SessionOut(
        id=session.id,
        case=session.case_id,
        filename=session.filename,
        size=session.size,
        offset=session.offset,
        chunk_bytes=chunk_bytes,
    )


def upload_area(request: Request) -> UploadArea:
    """Where unfinished uploads wait (set by :func:`install`)."""
    return cast("UploadArea", request.app.state.upload_area)


def upload_limits(request: Request) -> Limits:
    """The node's body and upload bounds (set by :func:`install`)."""
    return cast("Limits", request.app.state.upload_limits)


Area = Annotated[UploadArea, Depends(upload_area)]
Bounds = Annotated[Limits, Depends(upload_limits)]
router = APIRouter(
    prefix="/api/v1",
    tags=["evidence"],
    responses=problems("not-found", "conflict", "too-large", "bad-request"),
)


def install(app: FastAPI, area: UploadArea, bounds: Limits) -> None:
    """Add the resumable upload endpoints (``docs/client.md``) to the node's API.

    A chunk is an ordinary body, so it is bounded like one (``max_body_bytes``): the
    session tells the client that size as ``chunk_bytes``. The declared file size is
    bounded by ``max_upload_bytes``.
    """
    app.state.upload_area = area
    app.state.upload_limits = bounds
    app.include_router(router)


@router.post("/cases/{case_id}/uploads", status_code=201)
def open_upload(
    case_id: str, body: UploadIn, *, ctx: Ctx, user: User, area: Area, bounds: Bounds
) -> SessionOut:
    """Open a resumable upload; role, case, order and size are checked now."""
    intake = upload_service.Intake(
        body.filename,
        body.size,
        body.order,
        {
            "tool": body.tool,
            "tool_version": body.tool_version,
            "source": body.source,
            "place": body.place,
        },
    )
    session = upload_service.start(ctx, area, user, case_id, intake, limit=bounds.max_upload)
    return _session(session, bounds.max_body)


@router.get("/uploads/{session_id}")
def upload_status(session_id: str, user: User, area: Area, bounds: Bounds) -> SessionOut:
    """How many bytes of one's own upload the node holds (to resume from there)."""
    return _session(upload_service.status(area, user, session_id), bounds.max_body)


@router.put("/uploads/{session_id}", response_model=ChunkOut)
async def upload_chunk(
    session_id: str,
    request: Request,
    user: User,
    area: Area,
    offset: Annotated[int, Query(ge=0)],
) -> ChunkOut | Response:
    """Store the body at ``offset``; 409 with the node's ``offset`` when it is not there."""
    chunk = await request.body()
    try:
        held = await run_in_threadpool(
            upload_service.put_chunk, area, user, session_id, offset, chunk
        )
    except OffsetMismatch as exc:
        return problems_module.problem(
            request, 409, "conflict", "Not possible now", str(exc), offset=exc.held
        )
    return ChunkOut(id=session_id, offset=held)


@router.post("/uploads/{session_id}/finish", status_code=201)
def finish_upload(session_id: str, body: FinishIn, ctx: Ctx, user: User, area: Area) -> UploadedOut:
    """Take the bytes into the vault (hashed, custody started); the session ends."""
    item = upload_service.finish(ctx, area, user, session_id, body.sha256)
    return UploadedOut(id=item.id, sha256=item.sha256, size=item.size, filename=item.filename)


@router.delete("/uploads/{session_id}")
def abandon_upload(session_id: str, user: User, area: Area) -> ChunkOut:
    """Give up an upload; what the node held of it is removed (``offset`` 0)."""
    upload_service.abandon(area, user, session_id)
    return ChunkOut(id=session_id, offset=0)
