"""Plain reads without a transaction of their own (autocommit), on both databases.

A read through ``engine.connect()`` on PostgreSQL costs a ``BEGIN`` and, when the
connection goes back to the pool, a ``ROLLBACK``: two round trips to the server beside
the ``SELECT`` itself, on every request (the bearer token's look-up, node info, a case
read). Under PostgreSQL's ``READ COMMITTED`` (the node's isolation level) every statement
reads its own snapshot whether or not a transaction is open, so a read in autocommit
sees exactly what it would have seen inside ``BEGIN … ROLLBACK``. On SQLite the
``BEGIN`` is a call into the library, not a round trip, but still about a third of a
small read's cost; without it each statement reads in its own implicit transaction, as
on PostgreSQL. A read that needs several statements to see one snapshot keeps
``engine.connect()``.

Only for reads: a connection from :func:`reading` must not write (each statement would
commit on its own); a write of one statement may use :func:`autocommit`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection, Engine

from uncc.adapters.db.engine import READ


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads only, in autocommit (each statement its own snapshot)."""
    with autocommit(engine) as conn:
        yield conn


@contextlib.contextmanager
def autocommit(engine: Engine) -> Iterator[Connection]:
    """A connection in autocommit: each statement is its own transaction.

    For reads (:func:`reading`), and for a write that is one statement: it is atomic
    alone and committed — durably, as any commit — when ``execute`` returns, without
    the ``BEGIN`` and ``COMMIT`` round trips of ``engine.begin()`` (on SQLite the
    statement takes the write lock itself, waiting its turn as ``BEGIN IMMEDIATE``
    would).
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        else:
            conn.execution_options(**{READ: True})
        yield conn
