"""Connecting to the node's database, checking its schema, and migrating it once."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from importlib import resources

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool

from uncc.errors import SchemaError, UserInputError

WRITE = "uncc_write"
"""Execution option marking a connection whose transaction writes (SQLite: BEGIN IMMEDIATE)."""

READ = "uncc_read"
"""Execution option marking a connection that only reads (SQLite: no ``BEGIN``; each
statement reads in its own implicit transaction, as in autocommit)."""

_EXCLUSIVE = "uncc_exclusive"
"""Execution option of the migration's transaction (SQLite: BEGIN EXCLUSIVE)."""


class _SQLiteEngine(Engine):
    """An engine whose ``begin()`` takes SQLite's write lock at once; ``connect()`` does not.

    Units of work (``engine.begin()``) start with ``BEGIN IMMEDIATE``: a deferred
    transaction that reads, then writes after another writer committed, would fail at
    once in WAL mode (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn. Plain reads
    (``engine.connect()``) start a deferred transaction and read a snapshot without
    waiting for writers.
    """

    __slots__ = ()

    @contextlib.contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction that holds the write lock from its start."""
        with self.connect() as conn:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                yield conn


def make_engine(url: str) -> Engine:
    """An engine for ``url``.

    SQLite gets WAL, foreign keys, a busy timeout, write transactions that take the
    write lock when they begin (one writer at a time) and reads that never wait.
    """
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
            poolclass=StaticPool if memory else None,
        )
        engine.__class__ = _SQLiteEngine

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):  # type: ignore[no-untyped-def]
            options = connection.get_execution_options()
            if options.get(_EXCLUSIVE):
                connection.exec_driver_sql("BEGIN EXCLUSIVE")
            elif options.get(WRITE):
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            elif options.get(READ):
                return  # autocommit: nothing to begin, nothing to roll back
            else:
                connection.exec_driver_sql("BEGIN")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        engine = create_engine(url)
    except ImportError as exc:  # the driver is an extra: uncc[postgresql]
        extra = " (pip install 'uncc[postgresql]')" if url.startswith("postgresql") else ""
        raise UserInputError(
            f"UNCC_DATABASE_URL: the database driver is not installed: {exc.name or exc}{extra}"
        ) from exc
    _ping_when_idle(engine)
    return engine


PING_AFTER = 1.0
"""Seconds a pooled connection may rest before it is pinged when checked out again."""


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection when it is checked out after resting ``PING_AFTER`` seconds.

    ``pool_pre_ping`` pings at every checkout: one round trip more per request, beside
    the query itself. A connection back in use within a second was working a second
    ago; one resting longer (a server restart, an idle timeout) is pinged, and a dead
    one is replaced before anyone uses it (``DisconnectionError``: the pool reconnects).
    """

    @event.listens_for(engine, "checkin")
    def _rested(_dbapi_connection, record):  # type: ignore[no-untyped-def]
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):  # type: ignore[no-untyped-def]
        rested = record.info.get("checked_in")
        if rested is None or time.monotonic() - rested <= PING_AFTER:
            return  # fresh from connecting, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(str(exc)) from exc


HEAD = "0018_orderlink"
"""The newest migration; ``migrate`` skips Alembic entirely when the database is there."""

_MIGRATION_LOCK = 0x756E6363_6D696772  # "unccmigr": the advisory lock every migrator takes


def current_revision(engine: Engine) -> str | None:
    """The database's migration revision, or ``None`` for an empty database."""
    with engine.connect() as connection:
        return _revision(connection)


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_schema(engine: Engine) -> None:
    """Refuse to work on a database whose schema is not the one this code needs.

    An empty database passes (``uncc node init`` creates the schema).

    Raises:
        SchemaError: the database is at an older (or unknown) revision.
    """
    revision = current_revision(engine)
    if revision is None or revision == HEAD:
        return
    if revision < HEAD:
        raise SchemaError(
            f"the database schema is at revision {revision}, this uncc needs {HEAD}: "
            "stop the node's servers and workers and run 'uncc node migrate'"
        )
    raise SchemaError(
        f"the database schema is at revision {revision}, newer than this uncc knows ({HEAD}): "
        "run a newer uncc"
    )


def migrate(engine: Engine) -> str | None:
    """Apply every Alembic migration not yet applied, once, whoever else is migrating.

    On PostgreSQL the migration holds an advisory lock, on SQLite an exclusive
    transaction; a process that waited for the lock finds the work done. The revision
    the database was at before (``None`` for an empty one).
    """
    before = current_revision(engine)
    if before == HEAD:
        return before
    from alembic import command  # noqa: PLC0415 - Alembic takes a second to import
    from alembic.config import Config  # noqa: PLC0415

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("uncc.adapters.db") / "migrations")
    )
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        connection.execution_options(**{_EXCLUSIVE: True})
        with connection.begin():
            if postgres:
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            before = _revision(connection)
            if before != HEAD:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
    return before
