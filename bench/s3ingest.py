"""Evidence ingest into S3: an upload through the API against the store's own client.

``uncc serve`` with ``UNCC_BLOB_STORE=s3://…`` on the SeaweedFS that
``scripts/with-seaweedfs.sh`` starts (``make bench`` does); the baseline writes the same
bytes from this process with ``obstore.put``, the client the adapter uses. The upload
path adds HTTP from the client to the server, hashing, and the record with its custody
event. Goal (issue 15): ≤ 1.5 × the store's own client.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.common import MIN_RUNS, Row, Stats, ratio_row
from bench.nodes import free_port, make_node, serve

SIZES = {"small": 16 << 20, "full": 512 << 20}
BLOCK = os.urandom(1 << 20)


def chunks(size: int, salt: bytes) -> Iterator[bytes]:
    """``size`` bytes in 1 MiB chunks, unique to ``salt`` (so no upload is a duplicate)."""
    for n in range(size >> 20):
        yield salt + n.to_bytes(8, "big") + BLOCK[len(salt) + 8 :]


def _s3() -> dict[str, str]:
    endpoint = os.environ.get("UNCC_TEST_S3_ENDPOINT")
    if not endpoint:
        msg = "no S3 server: run through scripts/with-seaweedfs.sh (make bench does)"
        raise RuntimeError(msg)
    return {
        "UNCC_BLOB_STORE": f"s3://{os.environ['UNCC_TEST_S3_BUCKET']}/bench-{uuid.uuid4().hex[:8]}",
        "UNCC_S3_ENDPOINT": endpoint,
        "UNCC_S3_REGION": "us-east-1",
        "UNCC_S3_ACCESS_KEY_ID": os.environ["UNCC_TEST_S3_ACCESS_KEY_ID"],
        "UNCC_S3_SECRET_ACCESS_KEY": os.environ["UNCC_TEST_S3_SECRET_ACCESS_KEY"],
    }


def run(size: str) -> list[Row]:
    """Three uploads through the API and three with obstore, of the same size."""
    import obstore  # noqa: PLC0415

    from uncc.adapters.s3store import PARALLEL_PARTS, PART, S3BlobStore, S3Options  # noqa: PLC0415

    nbytes = SIZES[size]
    s3 = _s3()
    work = Path(tempfile.mkdtemp(prefix="uncc-bench-s3-"))
    try:
        case_id, token = make_node(work / "node")
        store = S3BlobStore(
            S3Options(
                s3["UNCC_BLOB_STORE"] + "-direct",
                s3["UNCC_S3_ENDPOINT"],
                "us-east-1",
                s3["UNCC_S3_ACCESS_KEY_ID"],
                s3["UNCC_S3_SECRET_ACCESS_KEY"],
            )
        )
        port = free_port()
        env = {"UNCC_DATA_DIR": str(work / "node"), **s3}
        args = [
            sys.executable,
            "-m",
            "uncc",
            "serve",
            "--port",
            str(port),
            "--tick",
            "0",
            "--send",
            "0",
        ]
        api: list[float] = []
        direct: list[float] = []
        with serve(args, env, port, "/login") as url, httpx.Client(timeout=600) as http:
            for n in range(MIN_RUNS if size == "full" else 2):
                began = time.perf_counter()
                answer = http.post(
                    f"{url}/api/v1/cases/{case_id}/evidence",
                    params={"filename": f"image-{n}.dd"},
                    content=chunks(nbytes, b"api%d" % n),
                    headers={"Authorization": f"Bearer {token}"},
                )
                api.append(time.perf_counter() - began)
                answer.raise_for_status()
                began = time.perf_counter()
                obstore.put(
                    store.store,
                    f"direct-{n}",
                    chunks(nbytes, b"direct%d" % n),
                    chunk_size=PART,
                    max_concurrency=PARALLEL_PARTS,
                )
                direct.append(time.perf_counter() - began)
        through, own = Stats.of(api), Stats.of(direct)
        label = f"{nbytes >> 20} MiB"
        return [
            ratio_row(
                "s3ingest",
                f"upload through the API into S3, {label} ({nbytes / through.median / (1 << 20):,.0f} MiB/s)",
                through,
                "obstore.put of the same bytes",
                own,
                goal="≤ 1.5 × the store's own client",
                limit=1.5,
                note="SeaweedFS on the same machine; the API path adds HTTP into the server, SHA-256, and the record with its custody event.",
            )
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
