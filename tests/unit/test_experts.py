"""On-call windows, time zones and the ranking of experts (Art. 56(3))."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncc.domain.experts import Expert, ExpertIndex, ScheduleError, parse_window


def expert(
    ident: str,
    *,
    expertise: tuple[str, ...] = ("ransomware",),
    languages: tuple[str, ...] = ("en",),
    zone: str = "UTC",
    schedule: tuple[str, ...] = ("24/7",),
    state: str = "XA",
) -> Expert:
    return Expert(ident, state, ident.title(), expertise, languages, zone, schedule, "phone")


MONDAY_NOON = dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)


def test_windows_cover_their_days_and_hours() -> None:
    window = parse_window("mon-fri 08:00-18:00")
    assert window.covers(0, 8 * 60)
    assert not window.covers(0, 18 * 60)
    assert not window.covers(5, 12 * 60)
    assert parse_window("fri-mon 10:00-11:00").days == frozenset({4, 5, 6, 0})


def test_a_window_across_midnight_covers_the_next_morning() -> None:
    night = parse_window("sun 22:00-06:00")
    assert night.covers(6, 23 * 60)
    assert night.covers(0, 5 * 60)
    assert not night.covers(0, 7 * 60)
    assert not night.covers(6, 5 * 60)


@pytest.mark.parametrize(
    "bad", ["mon 8-18", "xyz 08:00-10:00", "mon 10:00-10:00", "mon 25:00-26:00", ""]
)
def test_bad_windows_are_refused_with_the_reason(bad: str) -> None:
    with pytest.raises(ScheduleError):
        parse_window(bad)


def test_availability_is_read_in_the_experts_own_time_zone() -> None:
    tokyo = expert("aki", zone="Asia/Tokyo", schedule=("mon-fri 09:00-17:00",))
    assert not tokyo.available(MONDAY_NOON)  # 21:00 in Tokyo
    assert tokyo.available(MONDAY_NOON - dt.timedelta(hours=6))  # 15:00 in Tokyo
    with pytest.raises(ScheduleError, match="IANA"):
        expert("x", zone="Mars/Olympus")


def test_daylight_saving_time_moves_the_window_in_utc() -> None:
    oslo = expert("ola", zone="Europe/Oslo", schedule=("mon-fri 08:00-09:00",))
    winter = dt.datetime(2026, 3, 23, 7, 30, tzinfo=dt.UTC)  # 08:30 CET
    summer = dt.datetime(2026, 3, 30, 7, 30, tzinfo=dt.UTC)  # 09:30 CEST
    assert oslo.available(winter)
    assert not oslo.available(summer)


def test_search_filters_and_ranks_available_exact_matches_first() -> None:
    index = ExpertIndex(
        [
            expert("asleep", schedule=("sat 01:00-02:00",)),
            expert("broad", expertise=("ransomware-negotiation",)),
            expert("exact"),
            expert("french", languages=("fr", "en")),
            expert("other", expertise=("csam",)),
        ]
    )
    found = index.find(MONDAY_NOON, expertise="ransomware")
    assert [m.expert.id for m in found] == ["exact", "french", "broad", "asleep"]
    assert [
        m.expert.id for m in index.find(MONDAY_NOON, expertise="ransomware", language="fr")
    ] == ["french"]
    assert "asleep" not in [
        m.expert.id for m in index.find(MONDAY_NOON, expertise="ransomware", available_only=True)
    ]
    assert index.find(MONDAY_NOON, expertise="nothing") == []


TAGS = ("ransomware", "malware analysis", "malware", "fraud")
ZONES = ("UTC", "Asia/Tokyo", "America/New_York")
SCHEDULES = (("24/7",), ("mon-fri 08:00-18:00",), ("sun 22:00-06:00",))


def _ranked_by_scan(
    pool: list[Expert], now: dt.datetime, wanted: str | None, lang: str | None, only: bool
) -> list[tuple[str, bool, bool]]:
    """Every expert looked at, ranked as the directory promises (the index must agree)."""
    found = []
    for e in pool:
        tags = [t.lower() for t in e.expertise]
        if wanted is not None and not any(wanted in t for t in tags):
            continue
        if lang is not None and lang not in e.languages:
            continue
        available = e.available(now)
        if only and not available:
            continue
        exact = wanted is None or wanted in tags
        found.append(((not available, not exact, e.state, e.name), (e.id, available, exact)))
    return [f for _, f in sorted(found)]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["XA", "XB"]),
            st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True),
            st.lists(st.sampled_from(["en", "fr"]), min_size=1, max_size=2, unique=True),
            st.sampled_from(ZONES),
            st.sampled_from(SCHEDULES),
        ),
        max_size=30,
    ),
    st.tuples(
        st.sampled_from([None, "malware", "ware", "fraud", "x"]),
        st.sampled_from([None, "en", "fr"]),
        st.booleans(),
    ),
    st.integers(min_value=0, max_value=24 * 7 - 1),
    st.integers(min_value=1, max_value=40),
)
def test_the_index_ranks_as_a_scan_of_every_expert_does(
    people: list[tuple[str, list[str], list[str], str, tuple[str, ...]]],
    query: tuple[str | None, str | None, bool],
    hour: int,
    limit: int,
) -> None:
    wanted, lang, only = query
    pool = [
        Expert(f"e{n}", state, f"Name {n:03d}", tuple(tags), tuple(langs), zone, schedule, "phone")
        for n, (state, tags, langs, zone, schedule) in enumerate(people)
    ]
    now = MONDAY_NOON + dt.timedelta(hours=hour)
    found = ExpertIndex(pool).find(
        now, expertise=wanted, language=lang, available_only=only, limit=limit
    )
    assert [(m.expert.id, m.available, m.exact) for m in found] == _ranked_by_scan(
        pool, now, wanted, lang, only
    )[:limit]
