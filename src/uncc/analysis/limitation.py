"""When a prosecution becomes time-barred (Art. 38), evasion of justice included.

Art. 38 lets each State set a long period and, where the alleged offender has evaded
justice, either a longer period or a suspension. The State's choice is in its profile
(``limitation.evasion``: ``suspends``, ``extends`` with ``evasion_years``, or ``none``); the facts
say when the offender evaded justice. An unknown fact is never taken as "no evasion": a
deadline already passed stays undetermined while evasion (or the State's rule) is unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from uncc.parties.profile import EvasionEffect


@dataclass(frozen=True)
class Evasion:
    """A span in which the offender evaded justice; ``until`` is ``None`` while it lasts."""

    since: dt.date
    until: dt.date | None = None


@dataclass(frozen=True)
class Reckoning:
    """The deadline for starting proceedings and whether it has passed."""

    deadline: dt.date | None
    """``None`` while the period is suspended with no end in sight."""
    expired: bool | None
    note: str = ""
    needs_evasion: bool = False
    """Whether the offender evaded justice would settle ``expired``."""
    needs_rule: bool = False
    """The State's rule on evasion (profile ``limitation.evasion``) would settle it."""


def add_years(start: dt.date, years: int) -> dt.date:
    """``start`` plus whole years (29 February becomes 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def _passed(deadline: dt.date | None, at: dt.date | None) -> bool | None:
    if deadline is None:
        return False
    return None if at is None else at > deadline


def _suspended(start: dt.date, base: dt.date, spans: Sequence[Evasion]) -> Reckoning:
    deadline = base
    days = 0
    for span in sorted(spans, key=lambda s: s.since):
        if span.since > deadline:
            break  # the period had already run out
        if span.until is None:
            note = f"suspended since {span.since.isoformat()}: the offender evades justice"
            return Reckoning(None, None, note)
        counted = (span.until - max(span.since, start)).days
        if counted > 0:
            days += counted
            deadline += dt.timedelta(days=counted)
    note = f"suspended {days} days while the offender evaded justice" if days else ""
    return Reckoning(deadline, None, note)


def reckon(
    start: dt.date,
    years: int,
    at: dt.date | None,
    *,
    effect: EvasionEffect | None,
    evasion_years: int | None = None,
    evasion: Sequence[Evasion] | None,
) -> Reckoning:
    """The deadline ``years`` after ``start``, as the offender's evasion changes it.

    ``evasion`` is ``None`` when unknown, ``[]`` when the offender never evaded justice.
    """
    base = add_years(start, years)
    if effect is EvasionEffect.NONE or (evasion is not None and not evasion):
        return Reckoning(base, _passed(base, at))
    if evasion is None:
        if at is None or at <= base:  # evasion only ever lengthens the period
            return Reckoning(base, _passed(base, at))
        return Reckoning(base, None, needs_evasion=True)
    if effect is None:
        if at is not None and at <= base:
            return Reckoning(base, False)
        return Reckoning(base, None, needs_rule=at is not None)
    if effect is EvasionEffect.EXTENDS:
        deadline = max(base, add_years(start, evasion_years or years))
        note = f"{evasion_years} years because the offender evaded justice"
        return Reckoning(deadline, _passed(deadline, at), note)
    found = _suspended(start, base, evasion)
    return Reckoning(found.deadline, _passed(found.deadline, at), found.note)
