"""The validated Convention pickled beside the bytecode: the same model, never stale, never code."""

from __future__ import annotations

import ast
import os
import pickle
import sys
from pathlib import Path

import pytest

from uncc.convention import compiled
from uncc.convention.catalogue import Convention, _validated_convention, load_convention
from uncc.convention.text import parser


class _Builds:
    """``build`` for :func:`compiled.load`, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Convention:
        self.calls += 1
        return _validated_convention()


@pytest.fixture
def writes_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a process without ``PYTHONDONTWRITEBYTECODE`` (the tests run with it)."""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)


def _pickles(folder: Path) -> list[Path]:
    return sorted(folder.glob("convention.*.pickle"))


@pytest.mark.usefixtures("writes_bytecode")
def test_the_pickled_model_is_the_validated_one(tmp_path: Path) -> None:
    build = _Builds()
    first = compiled.load(build, Convention, tmp_path)
    second = compiled.load(build, Convention, tmp_path)
    assert build.calls == 1
    assert [p.name for p in _pickles(tmp_path)] == [f"convention.{compiled.source_key()}.pickle"]
    assert second is not first
    assert second == first == load_convention()
    assert second.correspondence == first.correspondence
    assert second._by_number == first._by_number  # the derived index too
    assert second.article(43).powers == first.article(43).powers


@pytest.mark.usefixtures("writes_bytecode")
def test_a_change_to_the_sources_names_another_pickle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = _Builds()
    compiled.load(build, Convention, tmp_path)
    monkeypatch.setattr(compiled, "source_key", lambda: "0" * 64)
    compiled.load(build, Convention, tmp_path)
    assert build.calls == 2
    assert [p.name for p in _pickles(tmp_path)] == [f"convention.{'0' * 64}.pickle"]


def test_the_key_covers_the_data_and_the_code(tmp_path: Path) -> None:
    key = compiled.source_key()
    assert key == compiled.source_key()
    assert key != compiled.source_key(modules=compiled.SOURCES[1:])
    assert key != compiled.source_key(modules=(parser.__name__, *compiled.SOURCES))


def test_nothing_is_written_without_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    build = _Builds()
    compiled.load(build, Convention, tmp_path)
    compiled.load(build, Convention, tmp_path)
    assert build.calls == 2
    assert _pickles(tmp_path) == []


class _Runs:
    """An object whose unpickling would run a command."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, ("touch pwned",))


@pytest.mark.parametrize(
    "content",
    [
        pickle.dumps(_Runs()),
        pickle.dumps(Path("elsewhere")),
        pickle.dumps({"articles": []}),
        b"\x80\x05truncated",
        b"",
    ],
    ids=["code", "other-class", "not-a-convention", "torn", "empty"],
)
@pytest.mark.usefixtures("writes_bytecode")
def test_a_bad_pickle_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / f"convention.{compiled.source_key()}.pickle"
    path.write_bytes(content)
    build = _Builds()
    assert compiled.load(build, Convention, tmp_path) == load_convention()
    assert build.calls == 1
    assert not (tmp_path / "pwned").exists()
    assert compiled.read(path, Convention) == load_convention()  # replaced by a good one


@pytest.mark.usefixtures("writes_bytecode")
def test_an_unwritable_directory_only_costs_the_yaml(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    build = _Builds()
    assert compiled.load(build, Convention, blocked / "__pycache__") == load_convention()
    assert build.calls == 1


@pytest.mark.usefixtures("writes_bytecode")
def test_a_pickle_changed_on_disk_is_never_taken_for_the_law(tmp_path: Path) -> None:
    """A flipped word in an article (bit rot, a partial copy) still unpickles: it is refused."""
    build = _Builds()
    compiled.load(build, Convention, tmp_path)
    (path,) = _pickles(tmp_path)
    heading = load_convention().article(43).heading.encode()
    changed = path.read_bytes().replace(heading, heading.upper())
    assert changed != path.read_bytes()
    path.write_bytes(changed)
    assert compiled.load(build, Convention, tmp_path).article(43).heading == heading.decode()
    assert build.calls == 2
    assert compiled.read(path, Convention) == load_convention()  # replaced by a good one


def test_the_pickle_is_kept_where_python_keeps_the_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a pycache prefix Python ignores the package's __pycache__: so does the pickle."""
    package = Path(compiled.__file__).resolve().parent
    assert compiled.cache_dir() == package / "__pycache__"
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path))
    assert compiled.cache_dir() == Path(str(tmp_path) + str(package))
    assert compiled.cache_dir() != package / "__pycache__"


def test_the_key_covers_every_module_the_model_is_built_with() -> None:
    """Each uncc module the builders import is hashed (uncc.errors only names the failures)."""
    imported: set[str] = set()
    for name in compiled.SOURCES:
        tree = ast.parse(Path(sys.modules[name].__file__ or "").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported |= {
                    m
                    for m in (node.module, *(f"{node.module}.{a.name}" for a in node.names))
                    if m in sys.modules and m.startswith("uncc.")
                }
            elif isinstance(node, ast.Import):
                imported |= {a.name for a in node.names if a.name.startswith("uncc.")}
    modules = {m for m in imported if getattr(sys.modules[m], "__file__", None)}
    assert modules - {"uncc.errors", "uncc.convention", "uncc"} <= set(compiled.SOURCES)


@pytest.mark.usefixtures("writes_bytecode")
def test_a_pickle_renamed_from_another_key_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pickle made from other sources (another text) and given this key's name: refused."""
    build = _Builds()
    key = compiled.source_key()
    with monkeypatch.context() as patched:
        patched.setattr(compiled, "source_key", lambda: "0" * 64)
        compiled.load(build, Convention, tmp_path)
    (other,) = _pickles(tmp_path)
    path = other.rename(tmp_path / f"convention.{key}.pickle")
    assert compiled.read(path, Convention) is None
    compiled.load(build, Convention, tmp_path)
    assert build.calls == 2
    assert compiled.read(path, Convention) == load_convention()


def _framed(path: Path, body: bytes) -> bytes:
    """``body`` with the right digest: what someone who can write the directory can make."""
    return compiled._digest(path, body) + body


@pytest.mark.parametrize(
    "body",
    [
        b"\x80\x04cbuiltins\neval\n\x8c\x0aprint('x')\x85R.",  # GLOBAL + REDUCE
        b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93\x8c\x0btouch pwned\x85R.",  # STACK_GLOBAL
        b"\x80\x04\x83\xbc\x0a\x8c\x0btouch pwned\x85R.",  # EXT2 (copyreg's registry)
        b"\x80\x04cuncc.convention.compiled\nwrite\n.",  # a function of an allowed module
        b"\x80\x04cuncc.convention.catalogue\nload_convention\n)R.",
    ],
    ids=["global", "stack-global", "extension", "model-module-function", "loader"],
)
def test_a_pickle_with_the_right_digest_still_cannot_name_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes
) -> None:
    """The digest guards against accidents; the unpickler alone guards against code."""
    import copyreg  # noqa: PLC0415

    monkeypatch.chdir(tmp_path)
    copyreg.add_extension("os", "system", 0xABC)
    try:
        path = tmp_path / f"convention.{compiled.source_key()}.pickle"
        path.write_bytes(_framed(path, body))
        assert compiled.read(path, Convention) is None
        with pytest.raises(pickle.UnpicklingError, match="not part of the Convention model"):
            compiled._ModelUnpickler(body).load()  # refused for naming it, not as torn
    finally:
        copyreg.remove_extension("os", "system", 0xABC)
    assert not (tmp_path / "pwned").exists()
