"""Messages claimed at birth: handed to this process's sender once their transaction commits.

A sender normally claims due messages (``outbox.claim_due``: a write transaction that
moves their next attempt a lease ahead) before it posts them. A message queued by a
request this process serves, while its sender runs, need not wait for that claim: it
is stored already leased, and the caller hands its row to the sender after the commit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

HandOff = Callable[[Sequence[Mapping[str, Any]]], None]
"""Gives messages just committed to this process's sender, to post at once (``handing_off``)."""
_HANDED = "uncc.network.handed"
"""``conn.info`` key: the list of the messages queued in a ``handing_off`` block."""


@contextlib.contextmanager
def handing_off(conn: Connection, *, enabled: bool = True) -> Iterator[list[Mapping[str, Any]]]:
    """Messages queued in this block are claimed at birth by this process's sender.

    Each is stored with its next attempt a lease ahead, as ``claim_due`` would leave it,
    and its row is added to the list yielded; the caller hands the list to its sender
    once the transaction has committed (never before: nothing is sent that did not
    happen). The sender posts them without a claim of its own. If this process dies
    first, the lease runs out and any sender posts them, as after a claim. No savepoint
    may be rolled back inside the block (its messages would be in the list).
    ``enabled`` False: nothing changes (the list stays empty).
    """
    handed: list[Mapping[str, Any]] = []
    if not enabled:
        yield handed
        return
    conn.info[_HANDED] = handed
    try:
        yield handed
    finally:
        conn.info.pop(_HANDED, None)


def handed_list(conn: Connection) -> list[Mapping[str, Any]] | None:
    """The list of the ``handing_off`` block the connection is in, or None."""
    found = conn.info.get(_HANDED)
    return found if isinstance(found, list) else None
