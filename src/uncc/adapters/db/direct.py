"""The API's hottest PostgreSQL statements on plain psycopg connections.

Every API request reads its bearer token, and an audited case read reads the case and
appends its entry. Through SQLAlchemy's ``Connection`` each statement costs about three
times what psycopg itself spends (pool check-out and check-in with their events, the
execution context, the result's processing: bench/findings/asyncpg.md), and the
server's worker threads share one interpreter lock. :class:`Direct` runs such a
statement — written once with SQLAlchemy, compiled here for PostgreSQL once — on a
``psycopg_pool.ConnectionPool`` of connections in autocommit, and returns its row as a
named tuple whose fields are the statement's column names, as a SQLAlchemy ``Row``'s
are. Each statement is its own transaction: a read sees what ``services.reads.reading``
would see, and a write is committed — durably, PostgreSQL's ``synchronous_commit`` —
when :meth:`Direct.first` returns.

The pool opens at the first statement and closes with :meth:`Direct.close` (the app's
shutdown) or when its engine is disposed; a statement after that opens a new one.
SQLite has no round trips and keeps SQLAlchemy (:func:`for_engine` gives ``None``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from importlib.util import find_spec
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool

SIZE = (2, 10)
"""The pool's least and most connections (a request beyond the most waits its turn)."""

NAME = "uncc direct"
"""The connections' ``application_name`` (``pg_stat_activity`` shows whose they are)."""


class _Compiled:
    """A statement compiled for PostgreSQL once: its text, constants and bind processors.

    Parameters the caller gives go through their type's bind processor, as SQLAlchemy
    sends them (a JSON value serialised the same way); literal ones (an aggregate's
    separator) are rendered into the text. An expanding ``IN`` is not supported: use
    ``= ANY`` of an array.
    """

    __slots__ = ("params", "processors", "sql", "statement")

    def __init__(self, statement: ClauseElement, engine: Engine) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):
            raise TypeError(f"not a SQL statement: {statement}")
        given = {k for k, b in compiled.binds.items() if b.required}
        expanded = compiled.construct_expanded_state(dict.fromkeys(given))
        self.sql = expanded.statement
        self.params = {k: v for k, v in expanded.parameters.items() if k not in given}
        self.processors = {
            k: p
            for k in given
            if (p := compiled.binds[k].type.dialect_impl(dialect).bind_processor(dialect))
        }
        self.statement = statement  # kept alive: compiled statements are found by its id

    def bound(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters of one execution, as SQLAlchemy would send them."""
        out = {**self.params, **params}
        for key, process in self.processors.items():
            out[key] = process(out[key])
        return out


class Direct:
    """A pool of psycopg connections in autocommit for statements compiled once."""

    def __init__(self, engine: Engine, size: tuple[int, int] = SIZE) -> None:
        self.engine = engine
        self.size = size
        self._compiled: dict[int, _Compiled] = {}
        self._pool: ConnectionPool[Any] | None = None
        self._lock = threading.Lock()
        event.listen(engine, "engine_disposed", self._disposed)  # its connections go with it

    def first(self, statement: ClauseElement, params: Mapping[str, Any]) -> Any | None:
        """The first row of one statement (fields named as its columns), or ``None``.

        The statement is its own transaction, committed when this returns.
        """
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            compiled = self._compiled[id(statement)] = _Compiled(statement, self.engine)
        with self._opened().connection() as conn:
            return conn.execute(compiled.sql, compiled.bound(params)).fetchone()

    def close(self) -> None:
        """Close every connection of the pool (the app's shutdown)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()

    def _disposed(self, _engine: Engine) -> None:
        self.close()

    def _opened(self) -> ConnectionPool[Any]:
        pool = self._pool
        if pool is not None:
            return pool
        with self._lock:
            if self._pool is None:
                self._pool = self._open()
            return self._pool

    def _open(self) -> ConnectionPool[Any]:
        from psycopg.rows import namedtuple_row  # noqa: PLC0415 - an extra: uncc[postgresql]
        from psycopg_pool import ConnectionPool  # noqa: PLC0415

        args, kwargs = self.engine.dialect.create_connect_args(self.engine.url)
        least, most = self.size
        pool: ConnectionPool[Any] = ConnectionPool(
            args[0] if args else "",
            kwargs={
                **kwargs,
                "autocommit": True,
                "row_factory": namedtuple_row,
                "application_name": NAME,
            },
            min_size=least,
            max_size=most,
            num_workers=1,  # grows the pool, replaces broken connections: one thread
            open=False,
        )
        pool.open()
        return pool


def for_engine(engine: Engine) -> Direct | None:
    """Direct statements for a PostgreSQL engine; ``None`` for SQLite.

    ``None`` too when ``psycopg_pool`` is missing (psycopg installed alone, not as
    ``uncc[postgresql]``): the statements then keep SQLAlchemy's connections.
    """
    if engine.dialect.name != "postgresql" or find_spec("psycopg_pool") is None:
        return None
    return Direct(engine)
