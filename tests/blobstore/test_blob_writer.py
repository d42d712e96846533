"""The file store writes from a thread of its own: the same bytes, the same hash, nothing half-stored."""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncc.adapters import blob_writer
from uncc.adapters.blob_writer import BlobWriter
from uncc.adapters.blobstore import FileBlobStore
from uncc.errors import StorageFullError

CHUNKS = st.lists(st.binary(max_size=3000), max_size=40)


@settings(max_examples=60, deadline=None)
@given(chunks=CHUNKS, writeback=st.sampled_from([1, 7, 1 << 20]))
def test_the_stored_file_is_the_chunks_in_order_and_named_by_their_hash(
    chunks: list[bytes], writeback: int
) -> None:
    """Against the simplest reference: hashlib over the joined bytes, and the joined bytes."""
    whole = b"".join(chunks)
    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(blob_writer, "WRITEBACK", writeback)  # writeback asked after every few bytes
        store = FileBlobStore(Path(folder))
        seen: list[int] = []
        sha, size = store.put(iter(chunks), seen.append)
        assert (sha, size) == (hashlib.sha256(whole).hexdigest(), len(whole))
        assert b"".join(store.open(sha)) == whole
        assert seen == sorted(seen)
        assert seen[-1:] == ([len(whole)] if whole else [])
        assert list((Path(folder) / "tmp").iterdir()) == []


def test_a_write_that_fails_half_way_is_storage_full_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls = 0

    def fills_up(fd: int, data: memoryview) -> int:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", fills_up)
    store = FileBlobStore(tmp_path)
    pulled = 0

    def source() -> Iterator[bytes]:
        nonlocal pulled
        for _ in range(100):
            pulled += 1
            yield b"x" * 1000

    with pytest.raises(StorageFullError, match="disk is full"):
        store.put(source())
    assert pulled < 100  # the reader stopped soon after the writer failed
    assert list(tmp_path.glob("??/??/*")) == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_short_writes_are_completed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real_write(fd, data[:3]))
    target = tmp_path / "out"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        with BlobWriter(fd) as out:
            out.write(b"evidence bytes")
            out.write(b"")
            out.write(b"more")
    finally:
        os.close(fd)
    assert target.read_bytes() == b"evidence bytesmore"


def test_a_reader_that_fails_stops_the_writer(tmp_path: Path) -> None:
    def ingest(fd: int) -> None:
        with BlobWriter(fd) as out:
            out.write(b"first")
            raise ValueError("source failed")

    fd = os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT)
    try:
        with pytest.raises(ValueError, match="source failed"):
            ingest(fd)
    finally:
        os.close(fd)
    assert (tmp_path / "out").read_bytes() == b"first"
