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


_Entry = tuple[str, str, int, Expert]
"""An expert as ranked within a group: State, name, a tie-breaker, the expert."""
_Groups = dict[tuple[str, tuple[str, ...]], list[_Entry]]
"""Experts of one tag and language by (time zone, schedule), each list in rank order."""
_Key = tuple[bool, bool, str, str, int, int, Expert]
"""A rank key: unavailable, broad match, State, name, tie-breakers, the expert."""
_EVERYONE = "\x00every expert"
"""The pseudo-tag under which a search without expertise finds everyone."""


class ExpertIndex:
    """Experts indexed by expertise tag and language, for fast searches over large directories.

    Within a tag and a language, experts are grouped by (time zone, schedule) and kept in
    rank order, so a search decides availability once per group and merges the groups'
    ranked lists, reading only as many experts as it returns (and any it skips as seen).
    """

    def __init__(self, experts: Iterable[Expert]) -> None:
        self._groups: dict[str, dict[str | None, _Groups]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        self._size = 0
        for expert in experts:
            self._size += 1
            entry = (expert.state, expert.name, id(expert), expert)
            group = (expert.time_zone, expert.schedule)
            for tag in {*(t.lower() for t in expert.expertise), _EVERYONE}:
                by_language = self._groups[tag]
                for language in (None, *expert.languages):
                    by_language[language][group].append(entry)
        for by_language in self._groups.values():
            for groups in by_language.values():
                for entries in groups.values():
                    entries.sort(key=lambda e: e[:3])

    def __len__(self) -> int:
        return self._size

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
            tags = [(_EVERYONE, True)]
        else:
            tags = [(t, t == wanted) for t in self._groups if t != _EVERYONE and wanted in t]
        places: dict[str, tuple[int, int]] = {}
        streams: list[Iterable[_Key]] = []
        for tag, exact in tags:
            for (zone, _), entries in self._groups[tag].get(lang, {}).items():
                place = places.get(zone)
                if place is None:
                    moment = now.astimezone(ZoneInfo(zone))
                    place = places[zone] = (moment.weekday(), moment.hour * 60 + moment.minute)
                available = any(w.covers(*place) for w in entries[0][3].windows)
                if available or not available_only:
                    streams.append(_ranked(entries, available, exact, len(streams)))
        found: list[Match] = []
        seen: set[int] = set()
        for unavailable, broad, _, _, key, _, expert in heapq.merge(*streams):
            if key not in seen:  # first seen at its best rank (an exact tag before a broad one)
                seen.add(key)
                found.append(Match(expert, not unavailable, not broad, True))
                if len(found) == limit:
                    break
        return found


def _ranked(entries: list[_Entry], available: bool, exact: bool, stream: int) -> Iterable[_Key]:
    """A group's experts as rank keys, best first (``stream`` breaks ties before the expert)."""
    return ((not available, not exact, s, n, key, stream, e) for s, n, key, e in entries)
