"""Reading the user's files for the CLI, with one-line errors naming the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.analysis.facts import Incident
    from uncc.parties.profile import Profile


def read_text(path: Path, what: str) -> str:
    """A UTF-8 text file's content.

    Raises:
        UserInputError: missing, a directory, unreadable, or not UTF-8 text.
    """
    if not path.exists():
        raise UserInputError(f"{path}: no such file ({what})")
    if path.is_dir():
        raise UserInputError(f"{path}: is a directory, expected a {what} file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserInputError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserInputError(
            f"{path}: line {line} is not UTF-8 text ({what} files are UTF-8)"
        ) from None


def read_document(path: Path, what: str) -> Any:
    """A YAML or JSON file through the one safe loader (no aliases, bounded depth and size).

    Raises:
        UserInputError: unreadable, not YAML or JSON, or refused by the loader.
    """
    import yaml  # noqa: PLC0415 - loaded only when needed

    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    try:
        return load_yaml(read_text(path, what))
    except yaml.YAMLError as exc:
        raise UserInputError(f"{path}: not accepted as YAML or JSON: {exc}") from None


def read_incident(path: Path) -> Incident:
    """Incident facts from a YAML or JSON file."""
    from uncc.analysis.intake import parse_incident  # noqa: PLC0415 - loaded only when needed

    return parse_incident(read_text(path, "incident facts"), str(path))


def read_profile(spec: str) -> Profile:
    """A built-in profile by name, or a profile file."""
    from uncc.parties.catalogue import BUILTIN, builtin_profile, parse_profile  # noqa: PLC0415

    if spec in BUILTIN:
        return builtin_profile(spec)
    path = Path(spec)
    if not path.exists() and "/" not in spec and not spec.endswith((".yaml", ".yml", ".json")):
        raise UserInputError(
            f"'{spec}' is neither a built-in profile ({', '.join(BUILTIN)}) nor a file"
        )
    return parse_profile(read_text(path, "profile"), str(path))


def parse_date(value: str | None) -> dt.date:
    """``YYYY-MM-DD``, or today when ``None``."""
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UserInputError(f"--at: '{value}' is not a date (expected YYYY-MM-DD)") from None
