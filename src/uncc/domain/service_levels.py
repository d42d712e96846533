"""Service levels of the 24/7 network: how fast a request must be acknowledged and answered.

The levels are data (``uncc/domain/data/cooperation.yaml``, read by ``cooperation``):
defaults per urgency, chosen from practice in 24/7 networks (an emergency acknowledged
within 1 hour and answered within 8; a preservation request confirmed within 24 hours),
and a kind's own levels where they differ. Both sides compute the same deadlines from
the request's kind and ``created`` time, so both see the same timers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from uncc.domain import cooperation
from uncc.domain.message_parts import Urgency

H = dt.timedelta(hours=1)

MESSAGE_TTL: dict[Urgency, dt.timedelta] = {
    Urgency.EMERGENCY: 8 * H,
    Urgency.URGENT: 72 * H,
    Urgency.PRESERVATION: 7 * 24 * H,
    Urgency.ROUTINE: 30 * 24 * H,
}
"""How long a message stays deliverable before it is dead-lettered."""


@dataclass(frozen=True)
class Deadlines:
    """When a request must be acknowledged and answered."""

    acknowledge_by: dt.datetime
    answer_by: dt.datetime


def deadlines(urgency: Urgency, created: dt.datetime, kind: str | None = None) -> Deadlines:
    """The deadlines of a request of ``kind`` created at ``created`` (levels from data)."""
    known = cooperation.kind(kind) if kind else None
    level = known.level(urgency) if known else cooperation.default_level(urgency)
    return Deadlines(created + level.acknowledge, created + level.answer)


def late(
    due: Deadlines,
    now: dt.datetime,
    *,
    acknowledged: dt.datetime | None,
    answered: dt.datetime | None,
) -> list[str]:
    """What is late at ``now``: 'acknowledgment', 'answer', or nothing."""
    found = []
    if (acknowledged or answered) is None and now > due.acknowledge_by:
        found.append("acknowledgment")
    if answered is None and now > due.answer_by:
        found.append("answer")
    return found
