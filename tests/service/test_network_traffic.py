"""Throttled directory refreshes, traffic counters and fetch nonces, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.service.conftest import Node
from uncc.errors import PermissionDeniedError
from uncc.services.network import traffic
from uncc.services.network.fetch import FETCH_SKEW, use_nonce


def test_one_refresh_per_interval_and_refusals_counted(node: Node) -> None:
    ctx = node.ctx
    assert traffic.may_refresh(ctx)
    assert not traffic.may_refresh(ctx)
    assert not traffic.may_refresh(ctx)
    node.clock.now += ctx.directory_refresh_interval
    assert traffic.may_refresh(ctx)
    for _ in range(3):
        traffic.count_refused(ctx, "malformed")
    assert traffic.counters(ctx, node.aud) == {
        "directory_refresh": 2,
        "refresh_throttled": 2,
        "unverified:malformed": 3,
    }


def test_a_fetch_nonce_is_good_once_and_forgotten_after_the_window(node: Node) -> None:
    now = node.clock.now
    with node.ctx.engine.begin() as conn:
        use_nonce(conn, "n" * 32, "XA", now)
    with pytest.raises(PermissionDeniedError, match="replay"), node.ctx.engine.begin() as conn:
        use_nonce(conn, "n" * 32, "XA", now + dt.timedelta(seconds=1))
    later = now + 2 * FETCH_SKEW + dt.timedelta(seconds=1)
    with node.ctx.engine.begin() as conn:
        use_nonce(conn, "m" * 32, "XA", later)  # purges the old one: it can no longer verify
        use_nonce(conn, "n" * 32, "XA", later)
