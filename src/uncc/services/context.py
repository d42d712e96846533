"""What every use case needs: the database, the blob store, the node key, the clock."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, text

from uncc.adapters.crypto import DataKey, NodeKey
from uncc.adapters.db import schema
from uncc.adapters.jwe import EncryptionKey
from uncc.domain.blobs import BlobStore
from uncc.domain.envelope import Envelope
from uncc.domain.policy import Role
from uncc.domain.references import reference, stored_forms
from uncc.errors import KeyAccessError, NotFoundError
from uncc.services.notify_events import after_audit


def utc_now() -> dt.datetime:
    """The current time, timezone-aware."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Principal:
    """Who is acting: a user and their roles."""

    user: str
    roles: frozenset[Role]
    needs_second_factor: bool = False
    """The user's roles need a TOTP second factor they have not enrolled: until they do,
    they act with no role (they may only enrol)."""


SYSTEM = Principal("system", frozenset({Role.ADMIN}))
"""The node itself (the clock that expires orders)."""


MessageHandler = Callable[["NodeContext", Connection, Envelope], None]
"""The effect of receiving one message, applied in the inbox's transaction."""


@dataclass
class NodeContext:
    """The parts the services use, built once by the composition root."""

    engine: Engine
    blobs: BlobStore
    key_path: Any
    clock: Callable[[], dt.datetime] = field(default=utc_now)
    data_key_path: Any = None
    passphrase: bytes | None = None
    """Protects the key files at rest, when the node is set up with one."""
    totp_roles: frozenset[Role] = frozenset()
    """Roles that must log in with a TOTP code as well."""
    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    """A web session ends after this long without a request."""
    session_length: dt.timedelta = dt.timedelta(hours=8)
    """A web session ends this long after log-in."""
    language: str = "en"
    """The pages' language for users who chose none and whose browser asks for none we have."""
    time_zone: str = "UTC"
    """The time zone dates are shown in for users who chose none."""
    directory_refresh_interval: dt.timedelta = dt.timedelta(seconds=60)
    """At most one directory refresh per interval is caused by unknown key ids."""
    outbox_lease: dt.timedelta = dt.timedelta(minutes=5)
    """How long a claimed outbox message is left to its sender before another may take it
    (longer than any delivery takes: a message is posted again only when its sender died)."""
    tls_cert: Any = None
    """The certificate the node serves with, when it has one (its key is pinned in the directory)."""
    handlers: Mapping[str, MessageHandler] = field(default_factory=dict)
    """Message type → the effect of receiving it; built by the composition root."""
    _key: NodeKey | None = None
    _data_key: DataKey | None = None
    _encryption_key: EncryptionKey | None = None

    def data_key(self) -> DataKey:
        """The key that encrypts protected identities (created on first use)."""
        if self._data_key is None:
            path = self.data_key_path or self.key_path.with_name("data-key")
            self._data_key = DataKey.load_or_create(path, self.passphrase)
        return self._data_key

    def encryption_key(self) -> EncryptionKey:
        """The node's X25519 key for what other nodes encrypt to it (created on first use).

        Kept next to the signing key, encrypted under the key passphrase when one is set.
        """
        if self._encryption_key is None:
            path = Path(self.key_path).with_name("node-encryption-key.pem")
            self._encryption_key = EncryptionKey.load_or_create(path, self.passphrase)
        return self._encryption_key

    def key(self, conn: Connection | None = None) -> NodeKey:
        """The node's current signing key, as the database names it.

        The key id is read from the database on every call (``conn`` when the caller
        is in a transaction), so a rotation done by another process reaches this one
        at its next signature; the key file is loaded again only when the id changes.

        Raises:
            KeyAccessError: no key file here holds the key the database names.
        """
        if conn is None:
            with self.engine.connect() as own:
                kid = current_key_id(own)
        else:
            kid = current_key_id(conn)
        if self._key is None or (kid is not None and self._key.key_id != kid):
            self._key = self._load_key(kid)
        return self._key

    def held_public_key(self, kid: str) -> str | None:
        """The public key of the key file this node holds for ``kid`` (current or retired).

        ``None`` when no key file here holds it: a key listed in the database without
        its file was not made by this node (an insider with the database alone cannot
        make one), so what it signs is not trusted (``services/vault``).

        Raises:
            KeyAccessError: a key file is encrypted and the passphrase is missing or wrong.
        """
        for candidate in self._key_files(kid):
            if candidate.exists():
                key = NodeKey.load(candidate, self.passphrase)
                if key.key_id == kid:
                    return key.public_hex
        return None

    def _key_files(self, kid: str) -> tuple[Path, ...]:
        path = Path(self.key_path)
        return (
            path,
            path.with_name(f"{path.stem}.next.pem"),  # a rotation between commit and rename
            path.with_name(f"{path.stem}.{kid}.pem"),
        )

    def _load_key(self, kid: str | None) -> NodeKey:
        path = Path(self.key_path)
        if kid is None:  # no node in the database yet: the key file as it is
            return NodeKey.load(path, self.passphrase)
        for candidate in self._key_files(kid):
            if candidate.exists():
                key = NodeKey.load(candidate, self.passphrase)
                if key.key_id == kid:
                    return key
        raise KeyAccessError(
            f"the node's signing key is {kid}, but no key file in {path.parent} holds it"
        )


def current_key_id(conn: Connection) -> str | None:
    """The id of the key the node signs with now (``None`` before ``uncc node init``)."""
    value = conn.execute(_KEY_ID).scalar()
    return None if value is None else str(value)


def serialise(conn: Connection, name: str) -> None:
    """Hold a lock named ``name`` until the caller's transaction ends.

    On PostgreSQL a transaction-level advisory lock; on SQLite a unit of work already
    holds the database's single write lock (``BEGIN IMMEDIATE``), so nothing is needed.
    """
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


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
    """Append one entry to the audit trail (and notify those the event concerns)."""
    conn.execute(
        _AUDIT,
        {
            "at": at,
            "actor": actor,
            "action": action,
            "object": obj,
            "outcome": outcome,
            "details": details,
        },
    )
    after_audit(conn, at, action, obj, outcome)


def audit_all(conn: Connection, at: dt.datetime, entries: Sequence[AuditEntry]) -> None:
    """Append several entries at once: one statement, then each entry's notifications in order."""
    conn.execute(
        _AUDIT,
        [
            {
                "at": at,
                "actor": e.actor,
                "action": e.action,
                "object": e.obj,
                "outcome": e.outcome,
                "details": e.details,
            }
            for e in entries
        ],
    )
    for e in entries:
        after_audit(conn, at, e.action, e.obj, e.outcome)


@dataclass(frozen=True)
class AuditEntry:
    """One entry for ``audit_all``: who did what to which object, how it went, details."""

    actor: str
    action: str
    obj: str
    outcome: str
    details: Mapping[str, Any]


_AUDIT = insert(schema.audit)
"""The audit trail's insert, built once."""


def audit_now(
    ctx: NodeContext, actor: str, action: str, *, obj: str, outcome: str, **details: Any
) -> None:
    """Append one audit entry in its own short transaction (after a read).

    Reads run without the write lock (on SQLite a plain snapshot); only this append
    waits its turn, and it holds the lock for one insert.
    """
    with ctx.engine.begin() as conn:
        audit(conn, ctx.clock(), actor, action, obj=obj, outcome=outcome, **details)


_STATE = select(schema.node.c.state)
_KEY_ID = select(schema.node.c.key_id)


def our_state(conn: Connection) -> str | None:
    """This node's State code (None before ``uncc node init``)."""
    state = conn.execute(_STATE).scalar()
    return str(state) if state else None


def stored_id(conn: Connection, column: Any, typed: str) -> Any:
    """A condition finding a record by its id, typed with or without our State code.

    ``XA-C-2026-0001`` also finds a case stored before ids carried the code
    (``C-2026-0001``), and the other way round (``domain.references.stored_forms``).
    """
    forms = stored_forms(typed, our_state(conn))
    return column == typed if len(forms) == 1 else column.in_(forms)


def next_id(conn: Connection, prefix: str, at: dt.datetime) -> str:
    """The next id of a kind with our State code, e.g. ``XA-C-2026-0003`` (``domain.references``).

    The counter is the one ids had before the State code was added (``C-2026``), so
    numbers go on from the old ones and never repeat.
    """
    return reference(our_state(conn), prefix, at.year, allocate(conn, f"{prefix}-{at.year}"))


def allocate(conn: Connection, counter: str) -> int:
    """The next number of a counter, allocated inside the transaction.

    One atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``), so that two
    transactions never get the same number, on SQLite and on PostgreSQL alike.
    """
    statement = _ALLOCATE.get(conn.dialect.name)
    if statement is None:
        statement = _ALLOCATE[conn.dialect.name] = _allocation(conn.dialect.name)
    return int(conn.execute(statement, {"counter": counter}).scalar_one())


_ALLOCATE: dict[str, Any] = {}
"""The counter's upsert for each database, built once (building costs more than running)."""


def _allocation(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # noqa: PLC0415
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]  # noqa: PLC0415
    counters = schema.counters
    return (
        upsert(counters)
        .values(name=bindparam("counter"), value=1)
        .on_conflict_do_update(
            index_elements=[counters.c.name], set_={"value": counters.c.value + 1}
        )
        .returning(counters.c.value)
    )


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
