"""Both blob stores keep the same contract: one pass, content-addressed, nothing half-stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

import obstore
import pytest

from tests.blobstore.conftest import s3_options
from uncc.adapters.blobstore import FileBlobStore
from uncc.adapters.s3store import PART, S3BlobStore, S3Options
from uncc.bootstrap import blob_store
from uncc.config import Settings
from uncc.domain.blobs import BlobStore
from uncc.errors import NotFoundError, StorageError, UserInputError


def pattern(size: int, seed: int = 0) -> Iterator[bytes]:
    """Deterministic bytes in uneven chunks (not a multiple of any part size)."""
    block = hashlib.sha256(str(seed).encode()).digest() * 4099
    sent = 0
    while sent < size:
        chunk = block[: min(len(block), size - sent)]
        sent += len(chunk)
        yield chunk


def expected(size: int, seed: int = 0) -> str:
    digest = hashlib.sha256()
    for chunk in pattern(size, seed):
        digest.update(chunk)
    return digest.hexdigest()


def test_put_stat_open_delete(store: BlobStore) -> None:
    seen: list[int] = []
    sha, size = store.put(io.BytesIO(b"evidence bytes"), seen.append)
    assert (sha, size) == (hashlib.sha256(b"evidence bytes").hexdigest(), 14)
    assert seen[-1] == 14
    assert store.exists(sha)
    stat = store.stat(sha)
    assert stat is not None
    assert (stat.size, stat.sha256) == (14, sha)
    assert b"".join(store.open(sha)) == b"evidence bytes"
    assert store.rehash(sha) == sha
    assert [s.sha256 for s in store.names()] == [sha]
    assert store.delete(sha) is True
    assert not store.exists(sha)
    assert store.stat(sha) is None
    assert store.rehash(sha) is None
    assert store.delete(sha) is False
    with pytest.raises(NotFoundError):
        store.open(sha)


def test_a_large_stream_in_one_pass_multipart_on_s3(store: BlobStore) -> None:
    size = 2 * PART + 12345  # three parts on S3
    sha, stored = store.put(pattern(size))
    assert (sha, stored) == (expected(size), size)
    assert store.rehash(sha) == sha
    stat = store.stat(sha)
    assert stat is not None
    assert stat.size == size


def test_the_same_bytes_twice_are_stored_once(store: BlobStore) -> None:
    first = store.put(pattern(300_000, 1))
    second = store.put(pattern(300_000, 1))
    assert first == second
    assert len(list(store.names())) == 1
    if isinstance(store, S3BlobStore):
        objects = [m for batch in obstore.list(store.store, "objects/") for m in batch]
        assert len(objects) == 1  # the second upload removed its own object


def test_a_failed_stream_leaves_nothing(store: BlobStore, tmp_path: Path) -> None:
    def broken() -> Iterator[bytes]:
        yield b"x" * (PART + 10)
        raise OSError("the client went away")

    with pytest.raises(OSError, match="went away"):
        store.put(broken())
    assert list(store.names()) == []
    if isinstance(store, S3BlobStore):
        assert [m for batch in obstore.list(store.store) for m in batch] == []
    else:
        assert isinstance(store, FileBlobStore)
        assert list((store.root / "tmp").iterdir()) == []


def test_names_that_are_not_hashes_are_refused(store: BlobStore) -> None:
    for bad in ("../../etc/passwd", "A" * 64, "ab", "0" * 63 + "/"):
        assert not store.exists(bad)
        assert store.stat(bad) is None
        assert store.delete(bad) is False
        with pytest.raises(NotFoundError):
            store.open(bad)


def test_bytes_changed_in_the_bucket_are_found() -> None:
    """An insider with write access to the bucket replaces an object: the hash says so."""
    store = S3BlobStore(s3_options())
    sha, _ = store.put(io.BytesIO(b"original"))
    pointer = store._pointer(sha)
    assert pointer is not None
    obstore.put(store.store, pointer["object"], b"tampered")
    assert store.rehash(sha) != sha
    obstore.delete(store.store, pointer["object"])
    assert store.rehash(sha) is None  # the name is there, its bytes are not


def test_wrong_credentials_are_a_storage_error_and_store_nothing() -> None:
    good = s3_options()
    bad = S3Options(good.url, good.endpoint, good.region, good.access_key_id, "wrong-secret")
    with pytest.raises(StorageError, match="upload failed"):
        S3BlobStore(bad).put(io.BytesIO(b"x"))
    assert list(S3BlobStore(good).names()) == []


def test_settings_choose_the_store(tmp_path: Path) -> None:
    assert isinstance(blob_store(Settings(data_dir=tmp_path)), FileBlobStore)
    with pytest.raises(UserInputError, match="UNCC_BLOB_STORE"):
        blob_store(Settings(data_dir=tmp_path, blob_store="ftp://somewhere"))
    with pytest.raises(UserInputError, match="UNCC_BLOB_STORE"):
        blob_store(Settings(data_dir=tmp_path, blob_store="s3://"))
    chosen = blob_store(
        Settings(
            data_dir=tmp_path,
            blob_store="s3://vault/northland",
            s3_endpoint="http://127.0.0.1:9",
            s3_region="us-east-1",
        )
    )
    assert isinstance(chosen, S3BlobStore)


def test_what_an_unfinished_upload_left_is_swept_and_nothing_else(store: BlobStore) -> None:
    sha, _ = store.put(io.BytesIO(b"kept"))
    if isinstance(store, S3BlobStore):
        obstore.put(store.store, "objects/left-by-a-crash", b"partial")
    else:
        assert isinstance(store, FileBlobStore)
        (store.root / "tmp" / "left-by-a-crash").write_bytes(b"partial")
    now = dt.datetime.now(dt.UTC)
    assert store.sweep_partial(now - dt.timedelta(hours=1)) == []  # too young to tell
    gone = store.sweep_partial(now + dt.timedelta(minutes=5))
    assert [g.rsplit("/", 1)[-1] for g in gone] == ["left-by-a-crash"]
    assert store.rehash(sha) == sha
    assert store.sweep_partial(now + dt.timedelta(minutes=5)) == []
