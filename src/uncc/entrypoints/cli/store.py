"""Where the CLI keeps what the user imports: the user's data directory, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

IMPORTED_TEXT = "convention-text.json"


def data_dir() -> Path:
    """The user's uncc data directory (``UNCC_DATA_DIR`` overrides the platform default)."""
    override = os.environ.get("UNCC_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir  # noqa: PLC0415 - not on every command's start

    return Path(user_data_dir("uncc", appauthor=False))


def write_json_atomically(path: Path, document: dict[str, Any]) -> None:
    """Write JSON to a temporary file beside ``path`` and rename it into place."""
    write_text_atomically(path, json.dumps(document, ensure_ascii=False, indent=1))


def read_imported_text() -> dict[str, Any] | None:
    """The parsed treaty text the user imported, or ``None`` when there is none."""
    path = data_dir() / IMPORTED_TEXT
    if not path.is_file():
        return None
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document


def write_text_atomically(path: Path, text: str) -> None:
    """Write text to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # noqa: PLC0415 - only when a file is written

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
