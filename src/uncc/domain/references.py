"""Globally unique references: every id a node allocates starts with its State code.

``XA-C-2026-0001`` is case 1 of 2026 at the node of State XA; ``XA-R-2026-0001`` a request
XA sent. Ids made before the State code was added (``C-2026-0001``) keep working as
stored; ``stored_forms`` gives what a typed id may be stored as, so that both forms find
the same record. A request's id doubles as its conversation id on the network: a
receiver refuses one that claims another State's code (``claims_other_state``).
"""

from __future__ import annotations

import re

REFERENCE = re.compile(
    r"^(?:(?P<state>[A-Z]{2})-)?(?P<kind>[A-Z]{1,3})-(?P<year>\d{4})-(?P<n>\d{4,})$"
)
"""A node-allocated reference, with or without its State code."""

KINDS = {
    "C": "case",
    "O": "order",
    "E": "evidence item",
    "R": "request",
    "PR": "property item",
    "P": "protected person",
    "G": "grant",
    "JIT": "joint investigation team",
}
"""Reference prefixes and what they name."""


def reference(state: str | None, kind: str, year: int, number: int) -> str:
    """The reference of the ``number``-th record of a kind in a year, at a State's node."""
    local = f"{kind}-{year}-{number:04d}"
    return f"{state}-{local}" if state else local


def stored_forms(typed: str, state: str | None) -> tuple[str, ...]:
    """The ids a typed reference may be stored under here, the typed one first.

    Our own State's code in front of an id made before codes were added finds it
    (``XA-C-2026-0001`` → also ``C-2026-0001``); an id without a code finds the coded
    one of ours (``C-2026-0007`` → also ``XA-C-2026-0007``).
    """
    match = REFERENCE.match(typed)
    if match is None or state is None:
        return (typed,)
    local = typed[3:] if match["state"] else typed
    if match["state"] is None:
        return (typed, f"{state}-{typed}")
    if match["state"] == state:
        return (typed, local)
    return (typed,)


def claims_other_state(conversation: str, sender: str) -> str | None:
    """The State a conversation id claims when it is not the sender's (None: it may use it)."""
    match = REFERENCE.match(conversation)
    if match is None or match["state"] is None or match["state"] == sender:
        return None
    return match["state"]
