"""Blob stores under test: local files, and a real S3 server (SeaweedFS) when one runs.

``scripts/with-seaweedfs.sh`` starts SeaweedFS and exports ``UNCC_TEST_S3_*``; without
it the S3 cases skip, saying so, unless ``UNCC_REQUIRE_S3=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from uncc.adapters.blobstore import FileBlobStore
from uncc.adapters.s3store import S3BlobStore, S3Options
from uncc.domain.blobs import BlobStore


def s3_options(prefix: str | None = None) -> S3Options:
    """Options for a fresh prefix in the test bucket (skips or fails without a server)."""
    endpoint = os.environ.get("UNCC_TEST_S3_ENDPOINT")
    if not endpoint:
        if os.environ.get("UNCC_REQUIRE_S3") == "1":
            pytest.fail("UNCC_REQUIRE_S3=1 but UNCC_TEST_S3_ENDPOINT is not set")
        pytest.skip("no S3 server: run through scripts/with-seaweedfs.sh (make test does)")
    bucket = os.environ["UNCC_TEST_S3_BUCKET"]
    return S3Options(
        url=f"s3://{bucket}/{prefix or 't-' + uuid.uuid4().hex[:12]}",
        endpoint=endpoint,
        region="us-east-1",
        access_key_id=os.environ["UNCC_TEST_S3_ACCESS_KEY_ID"],
        secret_access_key=os.environ["UNCC_TEST_S3_SECRET_ACCESS_KEY"],
    )


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BlobStore]:
    """Each adapter of the port, empty."""
    if request.param == "file":
        yield FileBlobStore(tmp_path / "blobs")
    else:
        yield S3BlobStore(s3_options())
