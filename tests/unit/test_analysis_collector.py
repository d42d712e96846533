"""The cyclic collector is paused during an analysis and put back as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from bench.analysis import incident

from uncc.analysis import engine
from uncc.analysis.intake import validate_incident
from uncc.collector import collector_paused
from uncc.convention.catalogue import load_convention
from uncc.parties.catalogue import builtin_profile


@pytest.fixture(autouse=True)
def _collector_back() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_paused_inside_and_running_again_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_puts_it_back() -> None:
    gc.enable()
    with pytest.raises(ValueError, match="boom"), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_nested_and_concurrent_blocks_share_one_pause() -> None:
    gc.enable()
    inside = threading.Event()
    release = threading.Event()

    def other() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(10)
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread's analysis still runs
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_an_analysis_runs_paused_and_leaves_the_collector_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []
    inner = engine._analyze

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return inner(*args, **kwargs)

    monkeypatch.setattr(engine, "_analyze", watched)
    gc.enable()
    result = engine.analyze(
        validate_incident(incident(3), "test"), load_convention(), builtin_profile("baseline")
    )
    assert result.baseline
    assert seen == [False]
    assert gc.isenabled()


class _Cycle:
    """An object in a reference cycle with itself, freed only by the cyclic collector."""

    freed = 0

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        _Cycle.freed += 1


def test_blocks_that_overlap_without_end_still_collect_their_cycles() -> None:
    """A server whose analyses always overlap: the pause never ends, the cycles go anyway."""
    gc.enable()
    gc.collect()
    _Cycle.freed = 0
    inside = threading.Event()
    release = threading.Event()

    def everlasting() -> None:
        with collector_paused():
            inside.set()
            release.wait(30)

    thread = threading.Thread(target=everlasting)
    thread.start()
    try:
        assert inside.wait(10)
        for _ in range(200):
            with collector_paused():
                for _ in range(50):
                    _Cycle()
                    [[] for _ in range(20)]  # allocations, as an analysis makes
        assert not gc.isenabled()  # the other block still holds the pause
        assert _Cycle.freed > 9_000  # 10,000 made: all but the youngest are collected
    finally:
        release.set()
        thread.join(10)
    assert gc.isenabled()
