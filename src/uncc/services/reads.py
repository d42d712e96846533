"""Plain reads without a transaction round trip of their own, on PostgreSQL.

A read through ``engine.connect()`` on PostgreSQL costs a ``BEGIN`` and, when the
connection goes back to the pool, a ``ROLLBACK``: two round trips to the server beside
the ``SELECT`` itself, on every request (the bearer token's look-up, node info, a case
read). Under PostgreSQL's ``READ COMMITTED`` (the node's isolation level) every statement
reads its own snapshot whether or not a transaction is open, so a read in autocommit
sees exactly what it would have seen inside ``BEGIN … ROLLBACK``. SQLite keeps its
deferred transaction: one snapshot for the whole read, and no round trip to save.

Only for reads: a connection from :func:`reading` must not write (each statement would
commit on its own).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Connection, Engine


@contextlib.contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads only: autocommit on PostgreSQL, a snapshot on SQLite."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn
