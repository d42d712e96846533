"""What every use case needs: the database, the blob store, the node key, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from uncc.adapters.blobstore import FileBlobStore
from uncc.adapters.crypto import DataKey, NodeKey
from uncc.adapters.db import schema
from uncc.domain.policy import Role
from uncc.errors import NotFoundError


def utc_now() -> dt.datetime:
    """The current time, timezone-aware."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user and their roles."""

    user: str
    roles: frozenset[Role]


SYSTEM = Principal("system", frozenset({Role.ADMIN}))
"""The node itself (the clock that expires orders)."""


@dataclass
class NodeContext:
    """The parts the services use, built once by the composition root."""

    engine: Engine
    blobs: FileBlobStore
    key_path: Any
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    data_key_path: Any = None
    passphrase: bytes | None = None
    """Protects the key files at rest, when the node is set up with one."""
    _key: NodeKey | None = None
    _data_key: DataKey | None = None

    def data_key(self) -> DataKey:
        """The key that encrypts protected identities (created on first use)."""
        if self._data_key is None:
            path = self.data_key_path or self.key_path.with_name("data-key")
            self._data_key = DataKey.load_or_create(path, self.passphrase)
        return self._data_key

    def key(self) -> NodeKey:
        """The node's signing key (loaded on first use)."""
        if self._key is None:
            self._key = NodeKey.load(self.key_path, self.passphrase)
        return self._key


def audit(
    conn: Connection,
    at: dt.datetime,
    actor: str,
    action: str,
    *,
    obj: str,
    outcome: str,
    **details: Any,
) -> None:
    """Append one entry to the audit trail."""
    conn.execute(
        insert(schema.audit).values(
            at=at, actor=actor, action=action, object=obj, outcome=outcome, details=details
        )
    )


def next_id(conn: Connection, prefix: str, at: dt.datetime) -> str:
    """The next id of a kind, e.g. ``C-2026-0003``, allocated inside the transaction.

    One atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), so that two
    transactions never get the same number, on SQLite and on PostgreSQL alike.
    """
    name = f"{prefix}-{at.year}"
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # noqa: PLC0415
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]  # noqa: PLC0415
    counters = schema.counters
    statement = (
        upsert(counters)
        .values(name=name, value=1)
        .on_conflict_do_update(
            index_elements=[counters.c.name], set_={"value": counters.c.value + 1}
        )
        .returning(counters.c.value)
    )
    value = conn.execute(statement).scalar_one()
    return f"{name}-{value:04d}"


def count(conn: Connection, table: Any) -> int:
    """How many rows a table has."""
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def require_case(conn: Connection, case_id: str) -> None:
    """Raise unless the case exists.

    Raises:
        NotFoundError: no such case.
    """
    if conn.execute(select(schema.cases.c.id).where(schema.cases.c.id == case_id)).first() is None:
        raise NotFoundError(f"no case {case_id}")


def case_rows(conn: Connection, table: Any, case_id: str) -> list[Any]:
    """The rows of ``table`` that belong to a case, in id order, as mappings."""
    query = select(table).where(table.c.case_id == case_id).order_by(table.c.id)
    return list(conn.execute(query).mappings())
