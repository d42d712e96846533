"""The Alembic migrations build exactly the schema the code uses, once, under a lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tests.service.conftest import _database
from uncc.adapters.db.engine import HEAD, check_schema, current_revision, make_engine, migrate
from uncc.adapters.db.schema import metadata
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.errors import SchemaError

OLD = "0004"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_match_the_schema(backend: str, tmp_path: Path) -> None:
    engine = make_engine(_database(backend, tmp_path, empty=True))
    assert migrate(engine) is None
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    assert migrate(engine) == HEAD  # a second run is a no-op
    engine.dispose()


def _old_schema(engine: Engine) -> None:
    """A database as an older uncc left it."""
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("uncc.adapters.db") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, OLD)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_old_schema_is_refused_and_four_migrators_at_once_migrate_it_once(
    backend: str, tmp_path: Path
) -> None:
    url = _database(backend, tmp_path, empty=True)
    engine = make_engine(url)
    _old_schema(engine)
    with pytest.raises(SchemaError, match="run 'uncc node migrate'"):
        build(Settings(data_dir=tmp_path / "data", database_url=url))
    gate = threading.Barrier(4)
    found: list[str | None] = []
    errors: list[Exception] = []

    def migrator() -> None:
        own = make_engine(url)
        gate.wait()
        try:
            found.append(migrate(own))
        except Exception as exc:  # every migrator must succeed
            errors.append(exc)
        finally:
            own.dispose()

    threads = [threading.Thread(target=migrator) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(found, key=str) == [OLD, HEAD, HEAD, HEAD]  # one migrated, three found it done
    check_schema(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    migrate(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaError, match="newer than this uncc"):
        check_schema(engine)


def _uncc(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uncc", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "UNCC_DATA_DIR": str(data), "UNCC_DATABASE_URL": ""},
        timeout=120,
    )


def test_the_server_refuses_an_old_schema_until_node_migrate(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _old_schema(make_engine(f"sqlite:///{data / 'node.db'}"))
    refused = _uncc(data, "serve", "--port", "1")
    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines() == [
        f"uncc: error: the database schema is at revision {OLD}, this uncc needs {HEAD}: "
        "stop the node's servers and workers and run 'uncc node migrate'"
    ]
    assert current_revision(make_engine(f"sqlite:///{data / 'node.db'}")) == OLD  # untouched
    done = _uncc(data, "node", "migrate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"schema migrated from revision {OLD} to {HEAD}"
    again = _uncc(data, "node", "migrate")
    assert again.stdout.strip() == f"the schema is already at revision {HEAD}"
