"""Every module ``src/`` imports is a declared dependency; the drivers are extras, named when missing."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from uncc.adapters.db.engine import make_engine
from uncc.adapters.s3store import S3BlobStore, S3Options
from uncc.errors import UserInputError

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS = {"psycopg": "postgresql", "psycopg_pool": "postgresql", "obstore": "s3"}
"""The modules only some nodes need, and the extra that brings each."""


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _imports() -> tuple[set[str], set[str]]:
    """Third-party top-level modules imported by ``src/``: at module level, and anywhere."""
    at_top: set[str] = set()
    anywhere: set[str] = set()
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        lazy = {
            id(node)
            for fn in ast.walk(tree)
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
            for node in ast.walk(fn)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in {"uncc", "__future__"}:
                    continue
                if id(node) not in guarded:
                    anywhere.add(top)
                    if id(node) not in lazy:
                        at_top.add(top)
    return at_top, anywhere


def _distributions(module: str) -> set[str]:
    return {_name(d) for d in metadata.packages_distributions().get(module, [])}


def test_every_run_time_import_is_a_run_time_dependency() -> None:
    core = {_name(r) for r in PROJECT["dependencies"]}
    extras = {
        extra: {_name(r) for r in reqs} for extra, reqs in PROJECT["optional-dependencies"].items()
    }
    at_top, anywhere = _imports()
    assert {"httpx", "fastapi", "sqlalchemy"} <= anywhere  # the scan sees imports
    for module in sorted(anywhere):
        dists = _distributions(module)
        assert dists, f"{module} is imported by src/ but no installed distribution provides it"
        if module in EXTRAS:
            assert module not in at_top, f"{module} (an extra) is imported at module level"
            assert dists <= extras[EXTRAS[module]], f"{module} is not in uncc[{EXTRAS[module]}]"
            assert not dists & core, f"{module} is a core dependency, not only an extra"
        else:
            assert dists & core, f"{module} ({', '.join(dists)}) is not in [project.dependencies]"


def test_a_postgresql_url_without_the_driver_names_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if not installed
    with pytest.raises(UserInputError, match=r"UNCC_DATABASE_URL: .*'uncc\[postgresql\]'"):
        make_engine("postgresql://uncc@localhost/uncc")


def test_an_s3_store_without_obstore_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "obstore", None)
    monkeypatch.setitem(sys.modules, "obstore.store", None)
    with pytest.raises(UserInputError, match=r"UNCC_BLOB_STORE: .*'uncc\[s3\]'"):
        S3BlobStore(S3Options(url="s3://evidence", endpoint="http://127.0.0.1:1"))
