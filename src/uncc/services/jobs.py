"""The node's background jobs, and how several processes share them without doing one twice.

Rows that are work items are *claimed*: read ``FOR UPDATE SKIP LOCKED`` inside the
transaction that changes them (the outbox, issued orders, open conversations), so a
second worker skips what the first holds instead of waiting or repeating it. A job that
is a sweep rather than rows (retention) runs under a PostgreSQL advisory lock named by
the job: one holder at a time, the others skip that round. On SQLite every transaction
takes the write lock, and a node there has one worker (see ``uncc worker``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zlib
from collections.abc import Iterator

from sqlalchemy import select, text

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.services.context import SYSTEM, NodeContext, Principal, audit

RETENTION_GRACE = dt.timedelta(days=1)
"""How long an unreferenced blob is kept: an upload stores its bytes before its record."""
_NAMESPACE = 0x55_4E_43_43  # "UNCC": keeps our advisory-lock keys apart from others'


def lock_key(name: str) -> int:
    """The advisory-lock key of a job (a signed 64-bit integer)."""
    return (_NAMESPACE << 32) | zlib.crc32(name.encode())


@contextlib.contextmanager
def exclusive(ctx: NodeContext, name: str) -> Iterator[bool]:
    """Hold the job's advisory lock while the block runs; yields False if another has it.

    On SQLite (one worker, serialised writes) this always yields True.
    """
    if ctx.engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    with ctx.engine.connect() as conn:
        held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
        conn.commit()
        try:
            yield held
        finally:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()


def sweep_unreferenced_blobs(
    ctx: NodeContext, who: Principal = SYSTEM, *, grace: dt.timedelta = RETENTION_GRACE
) -> list[str]:
    """Delete blobs that no evidence item refers to and that are older than ``grace``.

    Such blobs are left by uploads that were refused after their bytes were stored (a
    hash that did not match, a transaction that failed); evidence is never deleted
    here. What uploads that never finished left (temporary files, unnamed objects) goes
    too. Each deletion is audited.
    """
    require(who.roles, Action.NODE_TICK)
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        referenced = set(conn.execute(select(schema.evidence.c.sha256)).scalars())
    deleted = []
    for blob in ctx.blobs.names():
        if blob.sha256 in referenced or now - blob.stored_at < grace:
            continue
        with ctx.engine.begin() as conn:
            # Checked again under the write: an upload may have recorded it meanwhile.
            again = conn.execute(
                select(schema.evidence.c.id).where(schema.evidence.c.sha256 == blob.sha256)
            ).first()
            fresh = ctx.blobs.stat(blob.sha256)  # a new upload of the same bytes renews it
            if again is not None or fresh is None or now - fresh.stored_at < grace:
                continue
            if ctx.blobs.delete(blob.sha256):
                deleted.append(blob.sha256)
                audit(
                    conn,
                    now,
                    who.user,
                    "blob.retention",
                    obj=blob.sha256,
                    outcome="deleted",
                    size=blob.size,
                    reason="no evidence item refers to it",
                )
    for leftover in ctx.blobs.sweep_partial(now - grace):
        with ctx.engine.begin() as conn:
            audit(
                conn,
                now,
                who.user,
                "blob.retention",
                obj=leftover,
                outcome="deleted",
                reason="left by an upload that did not finish",
            )
    return deleted
