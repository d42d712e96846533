"""Times in query parameters: a date or a date-time, compared in UTC."""

from __future__ import annotations

import datetime as dt


def start(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A bound from: a date means its first moment (UTC); a naive time is UTC.

    >>> start(dt.date(2026, 3, 10)).isoformat()
    '2026-03-10T00:00:00+00:00'
    """
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time(), dt.UTC)
    return _utc(value)


def end(value: dt.date | dt.datetime | None) -> dt.datetime | None:
    """A bound to (inclusive): a date means its last moment (UTC); a naive time is UTC.

    >>> end(dt.date(2026, 3, 10)).isoformat()
    '2026-03-10T23:59:59.999999+00:00'
    """
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time.max, dt.UTC)
    return _utc(value)


def _utc(value: dt.datetime) -> dt.datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC)
