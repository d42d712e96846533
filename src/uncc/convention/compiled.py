"""The validated Convention kept beside the package's bytecode, so that a start skips the YAML.

Loading the Convention parses about 100 KB of YAML and validates it (about 70 ms of
every ``uncc analyze``); unpickling the validated model takes about 2 ms. The pickle is
written, like Python's own bytecode, into the package's ``__pycache__`` directory, and
only after the model passed validation and the integrity checks:

- its name carries a SHA-256 of everything the model is made from: every data file of
  :mod:`uncc.convention.data`, the source of the modules that read, expand and check it,
  and the versions of Python, pydantic and PyYAML. A change to any of them names
  another file, so a stale pickle is never read;
- it is written to a temporary file and renamed into place (a reader sees a whole file
  or none), and not written when ``sys.dont_write_bytecode`` is set (as Python's own
  bytecode is not); it goes where Python keeps this package's bytecode (under
  ``sys.pycache_prefix`` when that is set), so that it is never read from a directory
  whose bytecode Python itself would not run;
- it starts with the SHA-256 of its name and the pickled bytes, checked before they
  are read: a file changed on disk (a flipped bit in an article's text, a partial
  copy) or renamed from another key (a pickle of another text) is never taken for the
  law, the YAML is read instead;
- it is read by an unpickler that can build only the Convention's own dataclasses and
  enums and ``datetime.date``: no other class or function can be named by the file, so
  it cannot run code.

Whoever can write the package's ``__pycache__`` can already change the code Python runs
from it, so the pickle adds no way to change the law (docs/adr/0038-startup-compiled-convention-and-lazy-docstrings.md).
Any problem reading it (missing, torn, refused) means the YAML is read as before.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import enum
import hashlib
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

FORMAT = 2
"""The layout of the pickled model; bumped by hand if the way it is pickled changes."""

DATA_PACKAGE = "uncc.convention.data"
SOURCES = (
    "uncc.convention.model",
    "uncc.convention.loader",
    "uncc.convention.treaties",
    "uncc.convention.treaty_ids",
    "uncc.convention.catalogue",
    "uncc.convention.compiled",
    "uncc.yaml12",
    "uncc.types",
)
"""The modules whose source decides what the model is made of."""

MODEL_MODULES = ("uncc.convention.model", "uncc.convention.treaties", "uncc.convention.catalogue")
"""The modules whose dataclasses and enums the pickle may contain."""

DIGEST_SIZE = 32
"""The SHA-256 that starts the file (:func:`_digest`)."""

PREFIX = "convention."
SUFFIX = ".pickle"

T = TypeVar("T")


def _versions() -> bytes:
    import pydantic  # noqa: PLC0415 - already loaded by the model's validators
    import yaml  # noqa: PLC0415

    return f"{FORMAT}\0{sys.version}\0{pydantic.VERSION}\0{yaml.__version__}".encode()


def source_key(modules: Iterable[str] = SOURCES, data_package: str = DATA_PACKAGE) -> str:
    """The SHA-256 (hex) of the data files, the modules' source and the versions.

    Raises:
        OSError: a source file cannot be read.
    """
    digest = hashlib.sha256(_versions())
    for name in modules:
        path = getattr(sys.modules[name], "__file__", None)
        if path is None:
            raise OSError(f"{name} has no source file")
        digest.update(name.encode() + b"\0" + Path(path).read_bytes())
    data = resources.files(data_package)
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()


def _allowed() -> dict[tuple[str, str], Any]:
    allowed: dict[tuple[str, str], Any] = {("datetime", "date"): dt.date}
    for module_name in MODEL_MODULES:
        module = sys.modules[module_name]
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and value.__module__ == module_name
                and (dataclasses.is_dataclass(value) or issubclass(value, enum.Enum))
            ):
                allowed[module_name, name] = value
    return allowed


class _ModelUnpickler(pickle.Unpickler):
    """An unpickler that can name only the Convention model's classes (and ``date``)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data))
        self._classes = _allowed()

    def find_class(self, module: str, name: str) -> Any:
        """The class, if it is one of the model's; anything else is refused."""
        found = self._classes.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of the Convention model")
        return found


def cache_dir() -> Path:
    """Where Python keeps this package's bytecode: its ``__pycache__`` (or under the prefix)."""
    from importlib.util import cache_from_source  # noqa: PLC0415 - only when the cache is used

    return Path(cache_from_source(str(Path(__file__).resolve()))).parent


def _digest(path: Path, body: bytes) -> bytes:
    """The SHA-256 of the file's name (its key) and the pickled bytes."""
    return hashlib.sha256(path.name.encode() + b"\0" + body).digest()


def read(path: Path, kind: type[T]) -> T | None:
    """The model pickled at ``path``, or ``None`` if it is missing, torn, changed or refused."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    digest, body = data[:DIGEST_SIZE], data[DIGEST_SIZE:]
    if _digest(path, body) != digest:
        return None  # torn or changed on disk: the YAML is read again
    try:
        value = _ModelUnpickler(body).load()
    except Exception:  # a torn or refused file: the YAML is read again
        return None
    return value if isinstance(value, kind) else None


def write(path: Path, value: object) -> None:
    """Pickle ``value`` at ``path`` atomically, removing the pickles of other keys.

    Nothing is written when the directory cannot be written (an installed package
    owned by another user): the next start reads the YAML again.
    """
    import tempfile  # noqa: PLC0415 - only when the pickle is written

    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    data = _digest(path, body) + body
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=path.name, dir=path.parent)
    except OSError:
        return
    try:
        # readable as the package's own files are (Python gives its bytecode the source's mode)
        os.fchmod(handle, (Path(__file__).stat().st_mode & 0o666) | 0o200)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        return
    for old in path.parent.glob(f"{PREFIX}*{SUFFIX}"):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()


def load(build: Callable[[], T], kind: type[T], directory: Path | None = None) -> T:
    """The model from its pickle when it is current, else ``build()`` (and pickle that).

    ``build`` validates the YAML and checks integrity; its result alone is ever pickled.
    """
    try:
        key = source_key()
    except OSError:
        return build()
    path = (directory or cache_dir()) / f"{PREFIX}{key}{SUFFIX}"
    cached = read(path, kind)
    if cached is not None:
        return cached
    value = build()
    if not sys.dont_write_bytecode:
        write(path, value)
    return value


def main() -> int:
    """``python -m uncc.convention.compiled``: load the Convention, so that it is kept (at install)."""
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415 - imports this module

    load_convention()
    path = cache_dir() / f"{PREFIX}{source_key()}{SUFFIX}"
    if path.is_file():
        print(f"uncc: the validated Convention is kept in {path}")
        return 0
    print(
        f"uncc: could not keep the validated Convention in {cache_dir()} (not writable, or PYTHONDONTWRITEBYTECODE)"
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
