"""The Alembic migrations build exactly the schema the code uses."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from uncc.adapters.db.engine import HEAD, current_revision, make_engine, migrate
from uncc.adapters.db.schema import metadata


def test_migrations_match_the_schema(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'n.db'}")
    migrate(engine)
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    migrate(engine)  # a second run is a no-op
