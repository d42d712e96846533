"""The API receives an upload's body ahead of the worker that stores it: bounded, exact, stoppable."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import itertools
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.security.conftest import SQLITE, bearer, problem, stored, stored_blobs
from tests.service.conftest import Node
from uncc.adapters import blob_writer
from uncc.entrypoints.api import uploads

PARTS = [bytes([n]) * 7001 for n in range(28)]  # about 196 KB in odd-sized pieces


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few KB and one ready at a time: the read-ahead's bound is met at once."""
    monkeypatch.setattr(uploads, "GATHER", 3000)
    monkeypatch.setattr(uploads, "READ_AHEAD", 1)


def post(client: TestClient, case_id: str) -> httpx.Response:
    return client.post(
        f"/api/v1/cases/{case_id}/evidence",
        params={"filename": "image.dd"},
        content=iter(PARTS),
        headers=bearer(client, "ivan"),
    )


@SQLITE
@pytest.mark.usefixtures("small_batches")
def test_a_body_in_many_batches_is_stored_byte_for_byte(
    client: TestClient, node: Node, case_id: str
) -> None:
    response = post(client, case_id)
    assert response.status_code == 201, response.text
    body = b"".join(PARTS)
    assert response.json() == {
        "id": response.json()["id"],
        "sha256": hashlib.sha256(body).hexdigest(),
        "size": len(body),
    }
    assert not any(p.startswith("tmp/") for p in stored_blobs(node))


@SQLITE
@pytest.mark.usefixtures("small_batches")
def test_a_disk_full_while_writing_is_507_and_the_next_upload_is_taken(
    client: TestClient, node: Node, case_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(node)
    real = blob_writer.write_all
    writes = 0

    def fills_up(fd: int, chunk: bytes | memoryview) -> None:  # the test client sends one piece
        nonlocal writes
        writes += 1
        real(fd, bytes(chunk[:100]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(blob_writer, "write_all", fills_up)
    body = problem(post(client, case_id), 507)
    assert writes == 1
    assert "disk is full" in body["detail"]
    assert stored(node) == before
    monkeypatch.setattr(blob_writer, "write_all", real)  # room again: the node takes the next
    again = post(client, case_id)
    assert again.status_code == 201, again.text


def test_the_loop_reads_ahead_a_bounded_amount_and_stops_when_the_worker_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uploads, "GATHER", 10)
    monkeypatch.setattr(uploads, "READ_AHEAD", 2)
    sent: list[bytes] = []

    async def body() -> AsyncIterator[bytes]:
        for n in range(1000):
            piece = bytes([n % 251]) * 4  # batches of 3 pieces (12 bytes >= GATHER)
            sent.append(piece)
            yield piece

    async def upload(wanted: int) -> list[bytes]:
        reader = uploads.ReadAhead(body())
        try:
            return await asyncio.to_thread(lambda: list(itertools.islice(reader, wanted)))
        finally:
            await reader.aclose()

    taken = asyncio.run(upload(7))  # a worker that stops after 7 pieces
    assert taken == sent[:7]
    # what the loop received beyond them: the batch being handed over, and the bounded ones
    assert len(sent) <= 7 + 3 * (2 + 2)
    sent.clear()
    assert asyncio.run(upload(10_000)) == sent
    assert len(sent) == 1000


def test_what_the_body_raises_is_raised_in_the_worker_where_the_stream_stops(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(uploads, "GATHER", 1)

    async def body() -> AsyncIterator[bytes]:
        yield b"first"
        raise ValueError("the body was cut off")

    async def upload() -> list[bytes]:
        reader = uploads.ReadAhead(body())
        got: list[bytes] = []

        def worker() -> None:
            got.extend(reader)

        try:
            with pytest.raises(ValueError, match="cut off"):
                await asyncio.to_thread(worker)
        finally:
            await reader.aclose()
        return got

    assert asyncio.run(upload()) == [b"first"]
