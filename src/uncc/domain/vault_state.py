"""A signed snapshot of the items' replayed state, to replay only the entries after it.

After a verification of the whole vault that found nothing wrong, the node signs the
state the full replay left every item in (docs/adr/0038): one line per item, sorted,
with the size and root of the log it was replayed from. A later verification checks
the log in full as before; when the log is intact and the snapshot is signed by one of
the node's keys and bound to the log's own root at its size, the entries before it are
exactly those that were replayed, so only the entries after it are read and replayed,
from the snapshot's state. Every evidence row is still matched with the state (the
snapshot's lines, the replayed items' lines in their place): a row changed at any time
is found. Anything that does not match is matched again field by field, as the full
replay does, so the breaks are the same.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from uncc.domain import merkle
from uncc.domain.custody import Break, BreakKind, Checkpoint, CheckpointVerifier, Entry
from uncc.domain.log_check import check_chain, in_order, read_events
from uncc.domain.vault import Logged, Row, match_rows, replay

STATE_FORMAT = "uncc-custody-state/1"
"""Changes whenever replaying or matching changes: older snapshots are then not used."""


@dataclass(frozen=True)
class Snapshot:
    """The items' state after the first ``size`` entries, signed with a key of the node."""

    size: int
    root: str
    """The log's root at ``size`` (hex), as the signed checkpoints give it."""
    items: str
    """One line per item (:func:`logged_line`), sorted; empty without items."""
    seqs: str
    """The entry that acquired each line's item, space-separated, in the same order."""
    at: dt.datetime
    key_id: str
    signature: str
    format: str = STATE_FORMAT

    def digest(self) -> str:
        """SHA-256 of the state (the lines and their entries), hex."""
        return hashlib.sha256(f"{self.items}\n\n{self.seqs}".encode()).hexdigest()

    @staticmethod
    def message(size: int, root: str, digest: str, at: dt.datetime, key_id: str) -> bytes:
        """The bytes the node signs."""
        when = at.astimezone(dt.UTC).isoformat()
        return f"{STATE_FORMAT}\n{key_id}\n{size}\n{root}\n{digest}\n{when}\n".encode()

    def signed_bytes(self) -> bytes:
        """The bytes this snapshot's signature covers (its state by digest)."""
        return self.message(self.size, self.root, self.digest(), self.at, self.key_id)


def row_line(row: Row) -> str:
    """The line of an evidence row: equal to its item's line when every field is equal.

    Each field's ``repr``, tab-separated (no ``repr`` of a string holds a raw tab or
    newline), in the same form as :func:`logged_line`.
    """
    return (
        f"{row.id!r}\t{row.sha256!r}\t{row.case!r}\t{row.size!r}\t{row.filename!r}"
        f"\t{row.order!r}\t{row.sealed!r}"
    )


def logged_line(item: Logged) -> str:
    """The line of an item as the log says it is (the form of :func:`row_line`)."""
    return (
        f"{item.id!r}\t{item.sha256!r}\t{item.case!r}\t{item.size!r}\t{item.filename!r}"
        f"\t{item.order!r}\t{item.sealed!r}"
    )


def state_of(held: Mapping[str, Logged]) -> tuple[str, str]:
    """The state's lines, sorted, and the entry of each (for :class:`Snapshot`)."""
    ordered = sorted((logged_line(item), item.seq) for item in held.values())
    return "\n".join(line for line, _ in ordered), " ".join(str(seq) for _, seq in ordered)


def _logged(line: str, seq: str) -> Logged:
    item, sha256, case, size, filename, order, sealed = map(ast.literal_eval, line.split("\t"))
    return Logged(item, int(seq), sha256, case, size, filename, order, sealed)


def held_of(snapshot: Snapshot) -> dict[str, Logged]:
    """Every item of the snapshot, in the order the log acquired them."""
    if not snapshot.items:
        return {}
    items = [
        _logged(line, seq)
        for line, seq in zip(snapshot.items.split("\n"), snapshot.seqs.split(" "), strict=True)
    ]
    return {i.id: i for i in sorted(items, key=lambda i: i.seq)}


def snapshot_breaks(
    snapshot: Snapshot, size: int, root_at: str | None, signature_holds: bool
) -> list[Break]:
    """Why the snapshot cannot be used with this log (``root_at``: the log's root at its size)."""
    where = f"state snapshot of size {snapshot.size}"
    if snapshot.format != STATE_FORMAT:
        return []  # written by an older uncc: not used, not a break
    if not signature_holds:
        problem = "its signature does not verify with a key the node holds"
    elif snapshot.size > size:
        problem = f"it covers {snapshot.size} entries but the log has {size} (rollback)"
    elif root_at != snapshot.root:
        problem = "the log's first entries no longer give its root (not this log)"
    else:
        return []
    return [Break(where, problem + "; the vault was replayed in full", BreakKind.SNAPSHOT_INVALID)]


def replay_since(
    snapshot: Snapshot, events: Sequence[Entry | None], rows: Sequence[Row]
) -> list[Break]:
    """The events after the snapshot replayed from its state, and every row matched.

    The same breaks as replaying the whole log and matching (:func:`replay`,
    :func:`match_rows`), given a snapshot of a log whose entries before it were replayed
    without a break.
    """
    lines = snapshot.items.split("\n") if snapshot.items else []
    touched = {event.evidence for event in events if event is not None}
    seqs = snapshot.seqs.split(" ") if touched else []
    start: dict[str, Logged] = {}
    places: dict[str, int] = {}
    for item in touched:
        key = f"{item!r}\t"
        place = bisect_left(lines, key)
        if place < len(lines) and lines[place].startswith(key):
            start[item] = _logged(lines[place], seqs[place])
            places[item] = place
    held, misfits = replay(events, start)
    added: list[str] = []
    for item, logged in held.items():
        if item in places:
            lines[places[item]] = logged_line(logged)
        else:
            added.append(logged_line(logged))
    if added:
        lines += added
        lines.sort()
    found = [row_line(row) for row in rows]
    found.sort()
    if found == lines:  # every row equals its item's state: match_rows finds nothing
        return misfits
    return misfits + match_rows(rows, {**held_of(snapshot), **held})


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
    snapshot: tuple[Snapshot | None, Callable[[Snapshot], bool]],
    *,
    full: bool = False,
    case: str | None = None,
) -> VaultCheck:
    """The log's breaks (every entry has its checkpoint), the events' and the rows'.

    ``snapshot``: the newest signed state snapshot and the check of its signature. It is
    used only when the log has no break and it is this log's, signed by a key the node
    holds (else it is a break itself, and the log is replayed in full); with ``full``
    it is checked but not used. With ``case`` only that case's rows are given and its
    items matched, replayed in full.
    """
    breaks, tree = check_chain(
        leaves, stored_hashes, checkpoints, signature_holds, every_entry=True
    )
    state, state_holds = snapshot
    invalid: list[Break] = []
    if state is not None and state.format == STATE_FORMAT:
        root = tree.root(state.size).hex() if state.size <= tree.size else None
        invalid = snapshot_breaks(state, tree.size, root, state_holds(state))
    if state is None or state.format != STATE_FORMAT or full or breaks or invalid:
        state = None
    events, unread = read_events(leaves, state.size if state is not None else 0)
    breaks = in_order(breaks, unread) + invalid
    if state is not None:
        return VaultCheck(breaks + replay_since(state, events, rows), tree, None)
    held, misfits = replay(events)
    if case is None:
        return VaultCheck(breaks + misfits + match_rows(rows, held), tree, held)
    ids = {r.id for r in rows}
    held = {k: v for k, v in held.items() if v.case == case or k in ids}
    misfits = [b for b in misfits if b.item in held]
    return VaultCheck(breaks + misfits + match_rows(rows, held), tree, None)
