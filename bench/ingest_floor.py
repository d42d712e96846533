"""The ingest floor: read a file, SHA-256 it with hashlib, write the bytes and fsync them.

``python bench/ingest_floor.py SOURCE TARGET`` does in one Python process, in 1 MiB
chunks as the vault does, the least any ingest must do; it prints the digest.
"""

from __future__ import annotations

import hashlib
import os
import sys

CHUNK = 1 << 20


def main(source: str, target: str) -> None:
    """Copy ``source`` to ``target`` while hashing; fsync before returning."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(target, "wb") as out:  # noqa: PTH123 - a small process
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    sys.stdout.write(digest.hexdigest() + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
