"""The evidence rows as a cache of the custody log: what the log says each item is.

Replaying the custody events gives, for every item, the fields that matter to a court —
its SHA-256, size, file name, case, order and whether it is sealed. Each evidence row
must equal that replay, every row must have its acquisition event and every event's
item its row. Leaves of format 1 do not name the case: an item acquired then has its
case pinned by its first later event (format 2), and is not checked until it has one
(the order, size and hash still are).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from uncc.domain.custody import Break, BreakKind, CustodyEvent, CustodyKind, Entry


@dataclass(frozen=True)
class Row:
    """An evidence row as stored (what the node shows and reports)."""

    id: str
    case: str
    sha256: str
    size: int
    filename: str
    order: str | None
    sealed: bool


@dataclass
class Logged:
    """An item as the custody log says it is."""

    id: str
    seq: int
    sha256: str
    case: str | None
    size: object
    filename: object
    order: str | None
    sealed: bool = False


def replay(
    events: Iterable[Entry | CustodyEvent | None], start: dict[str, Logged] | None = None
) -> tuple[dict[str, Logged], list[Break]]:
    """Every item the log acquired, as the events leave it; and the events that do not fit.

    ``start`` is the items' state before the first event (empty: the log's beginning);
    it is updated in place and returned.
    """
    held: dict[str, Logged] = {} if start is None else start
    breaks: list[Break] = []
    acquired, sealed, released = CustodyKind.ACQUIRED, CustodyKind.SEALED, CustodyKind.RELEASED
    for event in events:
        if event is None:
            continue
        item = event.evidence
        known = held.get(item)
        kind = event.kind
        if kind is acquired:
            if known is None:
                details = event.details
                order = details.get("order")
                held[item] = Logged(
                    item,
                    event.seq,
                    event.sha256,
                    event.case,
                    details.get("size"),
                    details.get("filename"),
                    str(order) if order else None,
                )
            else:
                breaks.append(
                    Break(
                        f"entry {event.seq}",
                        f"{item} is acquired a second time (first at entry {known.seq})",
                        BreakKind.EVENT_INCONSISTENT,
                        item,
                    )
                )
            continue
        if known is None:
            breaks.append(
                Break(
                    f"entry {event.seq}",
                    f"a {kind.value} event of {item}, which the log never acquired",
                    BreakKind.EVENT_INCONSISTENT,
                    item,
                )
            )
            continue
        if event.sha256 != known.sha256 or (
            event.case is not None and known.case is not None and event.case != known.case
        ):
            breaks.append(_misfit(event, known))
        if known.case is None:  # acquired in format 1: the first event naming a case pins it
            known.case = event.case
        if kind is sealed:
            known.sealed = True
        elif kind is released:
            known.sealed = False
    return held, breaks


def _misfit(event: Entry | CustodyEvent, known: Logged) -> Break:
    if event.sha256 != known.sha256:
        problem = (
            f"the event names SHA-256 {event.sha256[:16]}…, "
            f"{known.id} was acquired as {known.sha256[:16]}…"
        )
    else:
        problem = f"the event names case {event.case}, {known.id} was acquired in case {known.case}"
    return Break(f"entry {event.seq}", problem, BreakKind.EVENT_INCONSISTENT, known.id)


def _differences(row: Row, logged: Logged) -> list[str]:
    found = []
    if row.sha256 != logged.sha256:
        found.append(f"SHA-256 {row.sha256[:16]}… (the log: {logged.sha256[:16]}…)")
    if logged.size is not None and row.size != logged.size:
        found.append(f"size {row.size} (the log: {logged.size})")
    if logged.filename is not None and row.filename != logged.filename:
        found.append(f"file name {row.filename!r} (the log: {logged.filename!r})")
    if logged.case is not None and row.case != logged.case:
        found.append(f"case {row.case} (the log: {logged.case})")
    if row.order != logged.order:
        found.append(f"order {row.order or 'none'} (the log: {logged.order or 'none'})")
    if row.sealed != logged.sealed:
        state = {True: "sealed", False: "not sealed"}
        found.append(f"{state[row.sealed]} (the log: {state[logged.sealed]})")
    return found


def match_rows(rows: Sequence[Row], held: dict[str, Logged]) -> list[Break]:
    """Every row without its acquisition, every logged item without its row, every difference."""
    breaks: list[Break] = []
    seen: set[str] = set()
    for row in rows:
        seen.add(row.id)
        logged = held.get(row.id)
        if logged is None:
            breaks.append(
                Break(
                    f"item {row.id}",
                    "the evidence row has no acquisition event in the custody log",
                    BreakKind.ROW_WITHOUT_EVENT,
                    row.id,
                )
            )
            continue
        differences = _differences(row, logged)
        if differences:
            breaks.append(
                Break(
                    f"item {row.id}",
                    "the evidence row differs from its custody events: " + "; ".join(differences),
                    BreakKind.ROW_DIFFERS,
                    row.id,
                )
            )
    breaks.extend(
        Break(
            f"item {item}",
            f"the custody log acquired it at entry {logged.seq} but its evidence row is gone",
            BreakKind.EVENT_WITHOUT_ROW,
            item,
        )
        for item, logged in held.items()
        if item not in seen
    )
    return breaks
