"""A signed digest of the items' replayed state, to replay only the entries after it.

After a verification of the whole vault that found nothing wrong, the node signs the
state the full replay left every item in (docs/adr/0040): the SHA-256 of every item's
fields, by item, with the size and root of the log it was replayed from. A later
verification checks the log in full as before; when the log is intact and the snapshot
is signed by one of the node's keys and bound to the log's own root at its size, the
entries before it are exactly those that were replayed, so only the entries after it
are read and replayed (the items they name from their own earlier entries). Every
evidence row is still checked: those of the replayed items against the replay, and all
of them, as they were at the snapshot, against the signed digest — a row changed at
any time is found. Anything that does not fit is replayed from the log's start, so the
breaks are always those of the full replay.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from uncc.collector import collector_paused
from uncc.domain import merkle
from uncc.domain.custody import Break, BreakKind, Checkpoint, CheckpointVerifier, Entry, read_entry
from uncc.domain.log_check import check_chain, in_order, read_events
from uncc.domain.vault import Logged, Row, match_rows, replay

STATE_FORMAT = "uncc-custody-state/1"
"""Changes whenever replaying, matching or the state's encoding changes: older
snapshots are then not used."""

Columns = list[list[Any]]
Fields = tuple[Any, ...]
EntriesOf = Callable[[Collection[str], int], Iterable[int]]
"""(items, size) → the numbers of the entries below ``size`` that name one of the items
(the custody table's index: not trusted, only a shortcut)."""

_SEP = "\x1e"


@dataclass(frozen=True)
class Snapshot:
    """The digest of the items' state after the first ``size`` entries, signed by the node."""

    size: int
    root: str
    """The log's root at ``size`` (hex), as the signed checkpoints give it."""
    digest: str
    """:func:`digest_of` the items' state (hex)."""
    at: dt.datetime
    key_id: str
    signature: str
    format: str = STATE_FORMAT

    @staticmethod
    def message(size: int, root: str, digest: str, at: dt.datetime, key_id: str) -> bytes:
        """The bytes the node signs."""
        when = at.astimezone(dt.UTC).isoformat()
        return f"{STATE_FORMAT}\n{key_id}\n{size}\n{root}\n{digest}\n{when}\n".encode()

    def signed_bytes(self) -> bytes:
        """The bytes this snapshot's signature covers."""
        return self.message(self.size, self.root, self.digest, self.at, self.key_id)


def _columns(items: Sequence[Logged | Row]) -> Columns:
    """Each field a row and a logged item share, a column (a list comprehension each)."""
    return [
        [i.id for i in items],
        [i.case for i in items],
        [i.sha256 for i in items],
        [i.size for i in items],
        [i.filename for i in items],
        [i.order for i in items],
        [i.sealed for i in items],
    ]


def _fields(item: Logged | Row) -> Fields:
    return (item.id, item.case, item.sha256, item.size, item.filename, item.order, item.sealed)


def _column(values: list[Any]) -> bytes:
    """A column's bytes: equal bytes mean equal values (``==``), in the same order.

    Strings joined by a separator none holds; integers (and booleans) as 64-bit
    numbers; anything else by ``repr`` (literals: strings, numbers, None, JSON values).
    """
    try:
        joined = _SEP.join(values)
    except TypeError:
        pass
    else:
        if joined.count(_SEP) == max(len(values) - 1, 0):
            return b"s" + joined.encode("utf-8", "surrogatepass")
    try:
        return b"i" + array("q", values).tobytes()
    except (TypeError, OverflowError):
        return b"r" + repr(values).encode("utf-8", "surrogatepass")


def _digest(columns: Columns) -> str:
    sha = hashlib.sha256(STATE_FORMAT.encode())
    for column in columns:
        data = _column(column)
        sha.update(len(data).to_bytes(8, "big"))
        sha.update(data)
    return sha.hexdigest()


def digest_of(held: Mapping[str, Logged]) -> str:
    """The digest of the items' state to sign: every item's fields, in columns, by item."""
    return _digest(_columns(sorted(held.values(), key=attrgetter("id"))))


def rows_digest(rows: Sequence[Row]) -> str:
    """The digest of the state the rows show: :func:`digest_of` that state, by item.

    Signed after a verification from a snapshot found no break: the rows are then the
    items' state at the log's head (docs/adr/0040, addendum).
    """
    return _digest(_columns(sorted(rows, key=attrgetter("id"))))


def snapshot_breaks(
    snapshot: Snapshot, size: int, root_at: str | None, signature_holds: bool
) -> list[Break]:
    """Why the snapshot cannot be used with this log (``root_at``: the log's root at its size)."""
    where = f"state snapshot of size {snapshot.size}"
    if not signature_holds:
        problem = "its signature does not verify with a key the node holds"
    elif snapshot.size > size:
        problem = f"it covers {snapshot.size} entries but the log has {size} (rollback)"
    elif root_at != snapshot.root:
        problem = "the log's first entries no longer give its root (not this log)"
    else:
        return []
    return [Break(where, problem + "; the vault was replayed in full", BreakKind.SNAPSHOT_INVALID)]


def _without(column: list[Any], places: list[int]) -> list[Any]:
    """The column without the values at ``places`` (ascending)."""
    kept: list[Any] = []
    start = 0
    for place in places:
        kept += column[start:place]
        start = place + 1
    kept += column[start:]
    return kept


def _earlier(
    leaves: Sequence[bytes], items: set[str], numbers: Iterable[int], size: int
) -> list[Entry] | None:
    """The entries below ``size`` the index names for ``items`` (None if it lies)."""
    earlier = []
    for number in sorted(set(numbers)):
        if not 0 <= number < size:
            return None
        try:
            entry = read_entry(leaves[number])
        except (ValueError, KeyError, TypeError, RecursionError):
            return None
        if entry.seq != number or entry.evidence not in items:
            return None
        earlier.append(entry)
    return earlier


def replay_since(
    snapshot: Snapshot,
    leaves: Sequence[bytes],
    events: Sequence[Entry | None],
    rows: Sequence[Row],
    entries_of: EntriesOf,
) -> bool:
    """True when the rows are the snapshot's state with the events after it replayed.

    Then replaying the whole log and matching would find nothing (:func:`replay`,
    :func:`match_rows`), given a snapshot of a log whose entries before it replayed
    without a break. The items the events name start from their own earlier entries
    (found by ``entries_of``); their rows, and the rows of items acquired since, must
    equal the replay; put back as they were at the snapshot (from those earlier
    entries), every row must give the signed digest. False: anything else (a row
    changed, an event that does not fit, an index that lies) — replay in full.
    """
    items = {event.evidence for event in events if event is not None}
    earlier = _earlier(leaves, items, entries_of(items, snapshot.size), snapshot.size)
    if earlier is None:
        return False
    start, _ = replay(earlier)
    then = {item: _fields(logged) for item, logged in start.items()}
    held, misfits = replay(events, start)
    if misfits:
        return False
    columns = _columns(rows)
    ids = columns[0]
    places: dict[str, int] = {}
    for item, logged in held.items():
        place = bisect_left(ids, item)
        if place == len(ids) or ids[place] != item:
            return False
        if tuple(column[place] for column in columns) != _fields(logged):
            return False
        places[item] = place
    for item, fields in then.items():
        for column, value in zip(columns, fields, strict=True):
            column[places[item]] = value
    added = sorted(places[item] for item in held if item not in then)
    kept = len(ids) - len(added)
    if added == list(range(kept, len(ids))):  # the newest items sort last: their rows too
        for column in columns:
            del column[kept:]
    else:
        columns = [_without(column, added) for column in columns]
    return _digest(columns) == snapshot.digest


@dataclass
class VaultCheck:
    """What checking the log and the rows found."""

    breaks: list[Break]
    tree: merkle.Tree
    held: dict[str, Logged] | None
    """Every item replayed from the log's start (None: from a snapshot, or for one case)."""


def check_vault(  # noqa: PLR0917
    leaves: Sequence[bytes],
    stored_hashes: Sequence[bytes],
    checkpoints: Sequence[Checkpoint],
    signature_holds: CheckpointVerifier,
    rows: Sequence[Row],
    snapshot: tuple[Snapshot | None, Callable[[Snapshot], bool], EntriesOf],
    *,
    full: bool = False,
    case: str | None = None,
    every_entry: bool = True,
) -> VaultCheck:
    """The log's breaks (every entry has its checkpoint), the events' and the rows'.

    ``snapshot``: the newest signed state snapshot, the check of its signature and the
    index of entries by item. It is used only when the log has no break and it is this
    log's, signed by a key the node holds (else it is a break itself, and the log is
    replayed in full); with ``full`` it is checked but not used. From it, when the rows
    are found to be its state with the entries after it replayed, there is nothing to
    report beyond the log; otherwise (and when an entry after it is unreadable) the
    whole log is replayed, so the breaks are always those of the full replay. With
    ``case`` only that case's rows are given and its items matched, replayed in full.
    ``every_entry``: as :func:`check_chain`. The cyclic collector is paused meanwhile:
    each collection triggered on the way walked the young lists of leaf and tree hashes.
    """
    with collector_paused():  # its lists of a million hashes would be walked again and again
        breaks, tree = check_chain(
            leaves,
            stored_hashes,
            checkpoints,
            signature_holds,
            every_entry=every_entry,
            pause=False,
        )
        state, state_holds, entries_of = snapshot
        invalid: list[Break] = []
        if state is not None and state.format == STATE_FORMAT:
            root = tree.root(state.size).hex() if state.size <= tree.size else None
            invalid = snapshot_breaks(state, tree.size, root, state_holds(state))
        if state is None or state.format != STATE_FORMAT or full or breaks or invalid:
            state = None
        if state is not None:
            events, unread = read_events(leaves, state.size)
            if not unread and replay_since(state, leaves, events, rows, entries_of):
                return VaultCheck(breaks + invalid, tree, None)
        events, unread = read_events(leaves)
        breaks = in_order(breaks, unread) + invalid
        held, misfits = replay(events)
        if case is None:
            return VaultCheck(breaks + misfits + match_rows(rows, held), tree, held)
        ids = {r.id for r in rows}
        held = {k: v for k, v in held.items() if v.case == case or k in ids}
        misfits = [b for b in misfits if b.item in held]
        return VaultCheck(breaks + misfits + match_rows(rows, held), tree, None)
