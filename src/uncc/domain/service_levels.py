"""Service levels of the 24/7 network: how fast a request must be acknowledged and answered.

uncc's defaults, chosen from practice in 24/7 networks (docs/network.md): an emergency is
acknowledged within 1 hour and answered within 8; a preservation request is confirmed
within 24 hours and the data kept at least 60 days while the formal request is prepared.
Both sides compute the same deadlines from the request's ``created`` time, so both see
the same timers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from uncc.domain.messages import Urgency

H = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ServiceLevel:
    """The deadlines for one urgency."""

    acknowledge: dt.timedelta
    answer: dt.timedelta
    preserve_at_least_days: int | None = None


LEVELS: dict[Urgency, ServiceLevel] = {
    Urgency.EMERGENCY: ServiceLevel(1 * H, 8 * H),
    Urgency.URGENT: ServiceLevel(4 * H, 72 * H),
    Urgency.PRESERVATION: ServiceLevel(24 * H, 24 * H, preserve_at_least_days=60),
    Urgency.ROUTINE: ServiceLevel(72 * H, 30 * 24 * H),
}

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


def deadlines(urgency: Urgency, created: dt.datetime) -> Deadlines:
    """The deadlines of a request created at ``created``."""
    level = LEVELS[urgency]
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
