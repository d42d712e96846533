"""The node's files are private: the data directory 0700, its files 0600, blobs 0400."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from uncc.adapters.files import make_private
from uncc.bootstrap import build
from uncc.config import Settings


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_the_node_writes_is_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # a permissive umask, as a login shell has
    try:
        settings = Settings(data_dir=tmp_path / "data")
        ctx = build(settings)
        with ctx.engine.begin() as conn:  # SQLite writes its WAL
            conn.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        sha, _ = ctx.blobs.put(__import__("io").BytesIO(b"evidence"))
        ctx.data_key()
        (settings.data_dir / "server.log").write_text("a log line\n")
    finally:
        os.umask(previous)
    assert mode(settings.data_dir) == 0o700
    for path in settings.data_dir.rglob("*"):
        allowed = 0o700 if path.is_dir() else 0o600
        assert mode(path) & ~allowed == 0, (path, oct(mode(path)))
    blob = next(p for p in settings.blob_dir.rglob(sha))
    assert mode(blob) == 0o400
    ctx.engine.dispose()


def test_a_data_directory_made_before_is_tightened(tmp_path: Path) -> None:
    data = tmp_path / "old"
    (data / "blobs" / "ab").mkdir(parents=True)
    (data / "node.db").write_text("")
    for path, old in ((data, 0o755), (data / "blobs" / "ab", 0o755), (data / "node.db", 0o644)):
        path.chmod(old)
    previous = os.umask(0o022)
    try:
        make_private(data)
    finally:
        os.umask(previous)
    assert mode(data) == 0o700
    assert mode(data / "blobs" / "ab") == 0o700
    assert mode(data / "node.db") == 0o600
