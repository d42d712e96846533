"""Connecting to the node's database and bringing its schema up to date."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.pool import StaticPool


def make_engine(url: str) -> Engine:
    """An engine for ``url``.

    SQLite gets WAL, foreign keys, a busy timeout, and transactions that take the write
    lock when they begin (one writer at a time).
    """
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
            poolclass=StaticPool if memory else None,
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _immediate(connection):  # type: ignore[no-untyped-def]
            # Take the write lock when the transaction starts, waiting up to the busy
            # timeout: a deferred transaction that reads, then writes after another
            # writer committed, fails at once in WAL mode (SQLITE_BUSY_SNAPSHOT).
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


HEAD = "0005"
"""The newest migration; ``migrate`` skips Alembic entirely when the database is there."""


def current_revision(engine: Engine) -> str | None:
    """The database's migration revision, or ``None`` for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Apply every Alembic migration not yet applied."""
    if current_revision(engine) == HEAD:
        return
    from alembic import command  # noqa: PLC0415 - Alembic takes a second to import
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("uncc.adapters.db") / "migrations")
    )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
