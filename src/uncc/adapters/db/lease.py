"""Write transactions whose commit need not survive a crash: leases, not facts.

A sender claims the messages it is about to post by moving their next attempt a lease
ahead, so that another sender does not take them meanwhile. Losing that write in a
power cut costs nothing but a repeat, which the receiver answers as a duplicate (the
same as a sender dying while it holds the lease). Its commit therefore waits for no
disk flush: SQLite commits it with ``synchronous=NORMAL`` (in WAL mode the frames are
written, not flushed; the next durable commit flushes them in order, and the database
stays consistent whatever happens), PostgreSQL with ``synchronous_commit = off``. Every
other transaction keeps the node's full durability.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine

from uncc.adapters.db.engine import WRITE


@contextlib.contextmanager
def lease_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction (the write lock from its start) committed without a disk flush."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:  # on the driver's connection: SQLAlchemy would begin a transaction first
            _synchronous(conn, "NORMAL")
        try:
            conn.execution_options(**{WRITE: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                yield conn
        finally:
            if sqlite:  # the pooled connection goes back fully durable, or not at all
                try:
                    _synchronous(conn, "FULL")
                except Exception:
                    conn.invalidate()
                    raise


def _synchronous(conn: Connection, level: str) -> None:
    """Set SQLite's flush level on the connection, outside any transaction."""
    driver: Any = conn.connection.driver_connection
    driver.execute(f"PRAGMA synchronous={level}")
