"""Blobs in an S3 bucket (``UNCC_BLOB_STORE=s3://bucket/prefix``), through ``obstore``.

S3 has no rename, and an object's key is fixed before its first byte, while the vault
names a blob by the SHA-256 of all its bytes. So the bytes are streamed once, as a
multipart upload, to ``objects/<random id>``; the hash is known when the last part is
sent, and a small *name* object ``sha256/ab/<hash>`` then records which object holds
those bytes. No byte is written twice, and no server-side copy is needed (a copy of a
terabyte disk image would be one). A second upload of the same bytes keeps the first
object, removes its own, and renews the name (so a retention sweep sees it as new).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from uncc.domain.blobs import CHUNK, BlobStat, Hashing, Progress, Source, rehash, valid_sha256
from uncc.errors import NotFoundError, StorageError, UserInputError

if TYPE_CHECKING:
    from obstore.store import S3Store

PART = 8 << 20
"""Bytes per part of a multipart upload (S3 wants at least 5 MiB)."""
PARALLEL_PARTS = 4
"""Parts in flight at once during an upload."""


@dataclass(frozen=True)
class S3Options:
    """Where the bucket is and how to reach it (the rest comes from the usual ``AWS_*``)."""

    url: str
    """``s3://bucket`` or ``s3://bucket/prefix``."""
    endpoint: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None


def _obstore() -> Any:
    """The ``obstore`` module, or a clear error naming the extra that brings it.

    Raises:
        UserInputError: ``obstore`` is not installed.
    """
    try:
        import obstore  # noqa: PLC0415 - only S3 nodes need obstore (the s3 extra)
    except ImportError as exc:
        raise UserInputError(
            "UNCC_BLOB_STORE: an s3:// store needs the s3 extra (pip install 'uncc[s3]')"
        ) from exc
    return obstore


def _store(options: S3Options) -> S3Store:
    _obstore()
    from obstore.store import S3Store  # noqa: PLC0415 - only S3 nodes need obstore

    rest = options.url.removeprefix("s3://")
    bucket, _, prefix = rest.partition("/")
    if not options.url.startswith("s3://") or not bucket:
        raise UserInputError(f"UNCC_BLOB_STORE: {options.url!r} is not s3://bucket[/prefix]")
    config: dict[str, Any] = {}
    if options.endpoint:
        config["endpoint"] = options.endpoint
    if options.region:
        config["region"] = options.region
    if options.access_key_id:
        config["access_key_id"] = options.access_key_id
    if options.secret_access_key:
        config["secret_access_key"] = options.secret_access_key
    allow_http = bool(options.endpoint and options.endpoint.startswith("http://"))
    return S3Store(
        bucket,
        prefix=prefix.strip("/") or None,
        config=config,  # type: ignore[arg-type]
        client_options={"allow_http": allow_http},
    )


class S3BlobStore:
    """Content-addressed blobs in an S3-compatible bucket."""

    def __init__(self, options: S3Options) -> None:
        self._obs = _obstore()
        self.store = _store(options)
        self.url = options.url

    @staticmethod
    def _name(sha256: str) -> str:
        if not valid_sha256(sha256):
            raise NotFoundError(f"{sha256[:70]!r} is not a SHA-256")
        return f"sha256/{sha256[:2]}/{sha256}"

    def _fail(self, what: str, exc: Exception) -> StorageError:
        first = (str(exc).strip().splitlines() or [""])[0][:300]  # the client's is long
        return StorageError(f"blob store {self.url}: {what} failed ({type(exc).__name__}: {first})")

    def _pointer(self, sha256: str) -> dict[str, Any] | None:
        """The name object: which object holds the bytes, their size, when it was written."""
        try:
            result = self._obs.get(self.store, self._name(sha256))
            pointer: dict[str, Any] = json.loads(bytes(result.bytes()))
        except FileNotFoundError:
            return None
        except NotFoundError:
            raise
        except Exception as exc:
            raise self._fail("reading a name", exc) from exc
        pointer["stored_at"] = result.meta["last_modified"]
        return pointer

    def put(self, source: Source, progress: Progress | None = None) -> tuple[str, int]:
        """Stream the bytes once into a new object (multipart), then name it by its hash."""
        stream = Hashing(source, progress)
        key = f"objects/{uuid.uuid4().hex}"
        try:
            self._obs.put(
                self.store,
                key,
                iter(stream),
                chunk_size=PART,
                max_concurrency=PARALLEL_PARTS,
            )
        except Exception as exc:
            self._forget(key)
            if stream.failure is not None:  # the source failed, not the store
                raise stream.failure from None
            raise self._fail("an upload", exc) from exc
        sha = stream.sha256
        try:
            known = self._pointer(sha)
            if known is not None:  # the same bytes are there already: drop ours, renew the name
                self._obs.delete(self.store, key)
                pointer = {"object": known["object"], "size": known["size"]}
            else:
                pointer = {"object": key, "size": stream.size}
            self._obs.put(self.store, self._name(sha), json.dumps(pointer).encode())
        except StorageError:
            raise
        except Exception as exc:
            raise self._fail("naming an upload", exc) from exc
        return sha, stream.size

    def _forget(self, key: str) -> None:
        # Nothing was named yet; should this delete fail too, a retention sweep finds it.
        with contextlib.suppress(Exception):
            self._obs.delete(self.store, key)

    def exists(self, sha256: str) -> bool:
        """True when the blob is named in the bucket."""
        return valid_sha256(sha256) and self.stat(sha256) is not None

    def stat(self, sha256: str) -> BlobStat | None:
        """Size and time of storing, from the name object (one small request)."""
        pointer = self._pointer(sha256) if valid_sha256(sha256) else None
        if pointer is None:
            return None
        return BlobStat(sha256, int(pointer["size"]), pointer["stored_at"])

    def open(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes, streamed from the bucket in one GET.

        Raises:
            NotFoundError: the blob is not stored.
        """
        pointer = self._pointer(sha256) if valid_sha256(sha256) else None
        if pointer is None:
            raise NotFoundError(f"blob {sha256[:12]} is not in this vault")
        try:
            result = self._obs.get(self.store, pointer["object"])
        except FileNotFoundError as exc:
            raise NotFoundError(f"blob {sha256[:12]}: its object is missing") from exc
        except Exception as exc:
            raise self._fail("a read", exc) from exc
        return (bytes(chunk) for chunk in result.stream(min_chunk_size=CHUNK))

    def delete(self, sha256: str) -> bool:
        """Remove the name, then the object it points to; False when the blob was not there."""
        pointer = self._pointer(sha256) if valid_sha256(sha256) else None
        if pointer is None:
            return False
        try:
            self._obs.delete(self.store, self._name(sha256))
            self._obs.delete(self.store, pointer["object"])
        except Exception as exc:
            raise self._fail("a delete", exc) from exc
        return True

    def rehash(self, sha256: str) -> str | None:
        """The SHA-256 of the stored bytes now, streaming the object once."""
        try:
            return rehash(self.open(sha256))
        except NotFoundError:
            return None

    def names(self) -> Iterator[BlobStat]:
        """Every named blob in the bucket."""
        try:
            for batch in self._obs.list(self.store, "sha256/"):
                for meta in batch:
                    sha = meta["path"].rsplit("/", 1)[-1]
                    found = self.stat(sha) if valid_sha256(sha) else None
                    if found is not None:
                        yield found
        except StorageError:
            raise
        except Exception as exc:
            raise self._fail("a listing", exc) from exc

    def sweep_partial(self, before: dt.datetime) -> list[str]:
        """Objects no name points to (an upload that stopped before naming), older than ``before``.

        Reads every name: meant for an occasional sweep, not for each request.
        """
        try:
            named = {
                str(pointer["object"])
                for blob in self.names()
                if (pointer := self._pointer(blob.sha256)) is not None
            }
            stale = [
                meta["path"]
                for batch in self._obs.list(self.store, "objects/")
                for meta in batch
                if meta["path"] not in named and meta["last_modified"] < before
            ]
            if stale:
                self._obs.delete(self.store, stale)
        except (StorageError, NotFoundError):
            raise
        except Exception as exc:
            raise self._fail("a sweep", exc) from exc
        return stale
