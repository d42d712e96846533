"""Wake-ups between processes on PostgreSQL (``NOTIFY``/``LISTEN``); nothing on SQLite.

A server that queues a message notifies in the same transaction (PostgreSQL delivers
the notification at commit), so a worker waiting on ``LISTEN`` sends it at once rather
than at its next pass.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, text

OUTBOX = "uncc_outbox"
"""The channel a new outbox message is announced on."""


def notify(conn: Connection, channel: str) -> None:
    """Announce on ``channel`` when the transaction commits (PostgreSQL only)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"NOTIFY {channel}"))


class Listener:
    """A connection of its own that listens on a channel."""

    def __init__(self, engine: Engine, channel: str) -> None:
        import psycopg  # noqa: PLC0415 - PostgreSQL only

        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._conn: Any = psycopg.connect(url, autocommit=True)  # not the pool's
        self._conn.execute(f"LISTEN {channel}")

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True when a notification came."""
        return any(True for _ in self._conn.notifies(timeout=timeout, stop_after=1))

    def close(self) -> None:
        """Give the connection back."""
        self._conn.close()


def listener(engine: Engine, channel: str) -> Listener | None:
    """A listener on PostgreSQL; ``None`` elsewhere (the caller polls)."""
    return Listener(engine, channel) if engine.dialect.name == "postgresql" else None
