"""Private files: the data directory is 0700 and everything in it 0600 (blobs 0400).

The node's files hold case data, keys, tokens and logs; no other local user may read
them. The process's umask is set to 077 so that everything the node (SQLite and its
WAL, the blob store, the logs) creates afterwards is private from the first byte; a data
directory made before this rule is tightened once, file by file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def make_private(data_dir: Path) -> None:
    """Set the umask, create ``data_dir`` 0700, and tighten what is already in it."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(data_dir.stat().st_mode) & 0o077:
        tighten(data_dir)


def tighten(root: Path) -> None:
    """Remove every group and other permission bit under ``root`` (and on it)."""
    for path in [root, *root.rglob("*")]:
        try:
            info = path.lstat()
        except FileNotFoundError:  # removed meanwhile (a temporary file)
            continue
        if stat.S_ISLNK(info.st_mode):
            continue
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
