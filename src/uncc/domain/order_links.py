"""An order that answers a request received from another State: which links may be made.

A request for a measure received here becomes a case and a draft order under our own
law (Art. 4); the order names the request it answers, so that a judge, a contact point
or an auditor can go from the one to the other. Only a request *received here* can be
answered by our order: not one we sent to another State (that State decides on it
under its own law), not one this node does not know, and not one taken up in another
of our cases. Who may see requests sees the link; for anyone else it does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from uncc.domain.policy import Action, Role, allowed


@dataclass(frozen=True)
class Received:
    """What the node knows of a request an order would answer."""

    id: str
    direction: str
    """``in``: received from ``peer``; ``out``: sent by us to ``peer``."""
    peer: str
    case_id: str | None
    """Our case the request was taken up in, if any yet."""


def link_refusal(request_id: str, found: Received | None, case_id: str) -> str | None:
    """Why an order of case ``case_id`` cannot answer ``request_id`` (None: it can).

    ``found`` is the request as this node knows it (None: unknown, or not for the
    reader to see). The reason names the field, ``request``.
    """
    if found is None:
        return f"request: no request {request_id[:80]!r} was received here"
    if found.direction != "in":
        return (
            f"request: {found.id} is our request to {found.peer}, not one received here: "
            "our orders answer requests received from other States"
        )
    if found.case_id is not None and found.case_id != case_id:
        return (
            f"request: {found.id} was taken up in case {found.case_id}, not in case {case_id}: "
            "draft the order there"
        )
    return None


def may_see_requests(roles: Iterable[Role]) -> bool:
    """True when the roles may read requests (and so learn which request an order answers)."""
    return any(allowed(r, Action.NETWORK_READ) for r in roles)
