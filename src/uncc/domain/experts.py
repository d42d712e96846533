"""The expert directory of the 24/7 network (Art. 56(3)): who can help now, ranked.

An expert is on call in weekly windows in their own time zone ("mon-fri 08:00-18:00",
or "24/7"); a window may cross midnight ("sun 22:00-06:00"). A search filters by
expertise and language and ranks: available now first, then an exact expertise match
before a broader one, then the expert's own State's office before others by name.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(
    r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+(?P<start>\d{2}:\d{2})-(?P<end>\d{2}:\d{2})$"
)


class ScheduleError(ValueError):
    """An on-call window that cannot be read."""


@dataclass(frozen=True)
class Window:
    """On call on ``days`` (0 = Monday) from ``start`` to ``end`` minutes after midnight."""

    days: frozenset[int]
    start: int
    end: int

    def covers(self, weekday: int, minute: int) -> bool:
        """True when the local weekday and minute fall inside the window."""
        if self.start < self.end:
            return weekday in self.days and self.start <= minute < self.end
        # crosses midnight: the evening part on the day, the morning part on the next
        return (weekday in self.days and minute >= self.start) or (
            (weekday - 1) % 7 in self.days and minute < self.end
        )


def _minutes(text: str) -> int:
    hours, minutes = int(text[:2]), int(text[3:])
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ScheduleError(f"'{text}' is not a time of day")
    return hours * 60 + minutes


def parse_window(text: str) -> Window:
    """A window from 'mon-fri 08:00-18:00', 'sat,sun 10:00-14:00' or '24/7'."""
    spec = text.strip().lower()
    if spec == "24/7":
        return Window(frozenset(range(7)), 0, 24 * 60)
    match = _WINDOW.match(spec)
    if match is None:
        raise ScheduleError(f"'{text}': expected e.g. 'mon-fri 08:00-18:00' or '24/7'")
    days: set[int] = set()
    for part in match["days"].split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ScheduleError(f"'{part}': days are {', '.join(DAYS)}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)])
    start, end = _minutes(match["start"]), _minutes(match["end"])
    if start == end:
        raise ScheduleError(f"'{text}': the window is empty")
    return Window(frozenset(days), start, end)


@dataclass(frozen=True)
class Expert:
    """Someone another State's police can call for help."""

    id: str
    state: str
    name: str
    expertise: tuple[str, ...]
    languages: tuple[str, ...]
    time_zone: str
    schedule: tuple[str, ...]
    channel: str
    clearance: str = "none"
    windows: tuple[Window, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(
                f"'{self.time_zone}' is not an IANA time zone (e.g. Europe/Oslo)"
            ) from None
        if not self.windows:
            object.__setattr__(self, "windows", tuple(parse_window(w) for w in self.schedule))

    def available(self, now: dt.datetime) -> bool:
        """True when ``now`` falls in one of the expert's on-call windows (local time)."""
        local = now.astimezone(ZoneInfo(self.time_zone))
        minute = local.hour * 60 + local.minute
        return any(w.covers(local.weekday(), minute) for w in self.windows)


@dataclass(frozen=True)
class Match:
    """An expert found, and why they rank where they do."""

    expert: Expert
    available: bool
    exact: bool
    language: bool


class ExpertIndex:
    """Experts indexed by expertise tag and language, for fast searches over large directories.

    A search touches only the experts whose tag matches and who speak the language, and
    decides availability once per (time zone, schedule) rather than once per expert.
    """

    def __init__(self, experts: Iterable[Expert]) -> None:
        self._by_tag: dict[str, dict[str | None, list[Expert]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._all: list[Expert] = []
        for expert in experts:
            self._all.append(expert)
            for tag in {t.lower() for t in expert.expertise}:
                by_language = self._by_tag[tag]
                by_language[None].append(expert)
                for language in expert.languages:
                    by_language[language].append(expert)

    def __len__(self) -> int:
        return len(self._all)

    def find(
        self,
        now: dt.datetime,
        *,
        expertise: str | None = None,
        language: str | None = None,
        available_only: bool = False,
        limit: int = 20,
    ) -> list[Match]:
        """The best ``limit`` experts for the need, ranked."""
        wanted = expertise.lower().strip() if expertise else None
        lang = language.lower() if language else None
        if wanted is None:
            pool = [e for e in self._all if lang is None or lang in e.languages]
            candidates: dict[int, tuple[Expert, bool]] = {id(e): (e, True) for e in pool}
        else:
            candidates = {}
            for tag, by_language in self._by_tag.items():
                if wanted not in tag:
                    continue
                exact = tag == wanted
                for expert in by_language.get(lang, ()):
                    seen = candidates.get(id(expert))
                    if seen is None or (exact and not seen[1]):
                        candidates[id(expert)] = (expert, exact)
        places: dict[str, tuple[int, int]] = {}
        verdicts: dict[tuple[str, tuple[str, ...]], bool] = {}
        ranked: list[tuple[bool, bool, str, str, int, Expert]] = []
        for expert, exact in candidates.values():
            key = (expert.time_zone, expert.schedule)
            available = verdicts.get(key)
            if available is None:
                place = places.get(expert.time_zone)
                if place is None:
                    moment = now.astimezone(ZoneInfo(expert.time_zone))
                    place = places[expert.time_zone] = (
                        moment.weekday(),
                        moment.hour * 60 + moment.minute,
                    )
                available = verdicts[key] = any(w.covers(*place) for w in expert.windows)
            if available_only and not available:
                continue
            ranked.append((not available, not exact, expert.state, expert.name, id(expert), expert))
        return [
            Match(expert, not unavailable, not broad, True)
            for unavailable, broad, _, _, _, expert in heapq.nsmallest(limit, ranked)
        ]
