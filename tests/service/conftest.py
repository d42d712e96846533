"""A fresh node per test: SQLite (or PostgreSQL with UNCC_TEST_DATABASE_URL) in a temp dir.

Each node's database is a copy of a template migrated once per session (``_database``).
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from uncc.adapters.db.engine import make_engine, migrate
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.policy import Role
from uncc.parties.catalogue import parse_profile
from uncc.services import accounts, identity
from uncc.services.context import NodeContext, Principal
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]
PROFILE = (ROOT / "examples/profiles/xa-northland.yaml").read_text(encoding="utf-8")
PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, days: float) -> None:
        self.now += dt.timedelta(days=days)


@dataclass
class Node:
    ctx: NodeContext
    clock: Clock
    admin: Principal
    ivan: Principal  # investigator
    pia: Principal  # prosecutor
    jane: Principal  # judge
    aud: Principal  # auditor
    cora: Principal  # contact point
    adam: Principal  # the second administrator (dual control)


def _pg_base() -> str:
    base = os.environ.get("UNCC_TEST_DATABASE_URL")
    if not base:
        if os.environ.get("UNCC_REQUIRE_POSTGRES") == "1":
            pytest.fail("UNCC_REQUIRE_POSTGRES=1 but UNCC_TEST_DATABASE_URL is not set")
        pytest.skip(
            "no PostgreSQL server: run through scripts/with-postgres.sh (make test does) to include it"
        )
    return base


def _pg_admin(base: str) -> Engine:
    return create_engine(
        base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )


_TEMPLATES: dict[str, str] = {}
"""The migrated template database of each backend, made once per test process."""


def _template(backend: str) -> str:
    """A database at the newest schema, migrated once per session (and xdist worker).

    Each node's database is a copy of it (a file copy on SQLite, ``CREATE DATABASE …
    TEMPLATE`` on PostgreSQL): migrating takes far longer than copying.
    """
    if backend in _TEMPLATES:
        return _TEMPLATES[backend]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix=f"uncc-template-{worker}-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = str(folder / "template.db")
        url = f"sqlite:///{template}"
    else:
        base = _pg_base()
        template = f"t_template_{worker}_{os.getpid()}"
        admin = _pg_admin(base)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
            conn.execute(text(f'CREATE DATABASE "{template}"'))
        admin.dispose()
        url = base.rsplit("/", 1)[0] + "/" + template
        atexit.register(_drop, base, template)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()  # CREATE DATABASE … TEMPLATE needs it unused; SQLite's WAL is merged
    _TEMPLATES[backend] = template
    return template


def _drop(base: str, name: str) -> None:
    admin = _pg_admin(base)
    with contextlib.suppress(Exception), admin.connect() as conn:  # the server may be gone
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _database(backend: str, tmp_path: Path, *, empty: bool = False) -> str:
    """A database of its own for a node in ``tmp_path``: migrated (a copy of the
    template), or ``empty`` for the tests of migrations themselves."""
    if backend == "sqlite":
        path = tmp_path / "node.db"
        if not empty:
            path.parent.mkdir(parents=True, exist_ok=True)
            with (
                contextlib.closing(sqlite3.connect(_template("sqlite"))) as source,
                contextlib.closing(sqlite3.connect(path)) as target,
            ):
                source.backup(target)
        return f"sqlite:///{path}"
    base = _pg_base()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    name = f"t_{worker}_" + tmp_path.name.replace("-", "_").lower()[-40:]
    copy = "" if empty else f' TEMPLATE "{_template("postgresql")}"'
    admin = _pg_admin(base)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    clock = Clock()
    settings = Settings(data_dir=tmp_path / "data", database_url=_database(request.param, tmp_path))
    ctx = build(settings, clock=clock)
    profile = parse_profile(PROFILE)
    identity.init_node(ctx, profile, "Northland National Cybercrime Unit", "admin", PASSWORD)
    admin = Principal("admin", frozenset({Role.ADMIN}))
    people = {
        "ivan": Role.INVESTIGATOR,
        "pia": Role.PROSECUTOR,
        "jane": Role.JUDGE,
        "aud": Role.AUDITOR,
        "cora": Role.CONTACT_POINT,
    }
    identity.add_user(ctx, admin, "adam", {Role.ADMIN}, PASSWORD)  # the bootstrap exception
    adam = Principal("adam", frozenset({Role.ADMIN}))
    for user, role in people.items():
        for grant in identity.add_user(ctx, admin, user, {role}, PASSWORD):
            accounts.decide_grant(ctx, adam, grant.id, approve=True)  # dual control
    principals = {u: Principal(u, frozenset({r})) for u, r in people.items()}
    yield Node(ctx, clock, admin, **principals, adam=adam)
    ctx.engine.dispose()


def facts(name: str) -> dict[str, object]:
    data = load_yaml((ROOT / "examples/incidents" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data
