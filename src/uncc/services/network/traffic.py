"""What unauthenticated traffic may cost: a counter, and a throttled directory refresh.

Anyone can POST to a node's inbox. A message that does not verify against a key of
the directory proves nothing about who sent it, so it writes no audit row (its sender
name would be the attacker's choice) — it only adds one to a counter by reason. A key
id the node does not know makes it fetch the directory from the hub (a new member, a
rotated key), but at most once per ``NodeContext.directory_refresh_interval``: a flood
of unknown key ids costs one fetch.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.services.context import NodeContext, Principal

REFRESH = "directory_refresh"
"""The counter row whose time is the last refresh an unknown key id caused."""


def count(conn: Connection, name: str, now: dt.datetime) -> None:
    """Add one to a counter (created at 1)."""
    counters = schema.network_counters
    done = conn.execute(
        update(counters).where(counters.c.name == name).values(count=counters.c.count + 1, at=now)
    )
    if done.rowcount == 0:
        conn.execute(insert(counters).values(name=name, count=1, at=now))


def count_refused(ctx: NodeContext, reason: str) -> None:
    """Count a message refused before its sender was known (no audit row)."""
    name = f"unverified:{reason}"[:40]
    try:
        with ctx.engine.begin() as conn:
            count(conn, name, ctx.clock())
    except IntegrityError:  # created by a concurrent refusal: add to it
        with ctx.engine.begin() as conn:
            count(conn, name, ctx.clock())


def may_refresh(ctx: NodeContext) -> bool:
    """True, once per interval, when an unknown key id may make us fetch the directory.

    A compare-and-set on the time of the last refresh: of many workers asking at once,
    one wins. A refused chance is counted.
    """
    now = ctx.clock()
    counters = schema.network_counters
    due = now - ctx.directory_refresh_interval
    try:
        with ctx.engine.begin() as conn:
            won = conn.execute(
                update(counters)
                .where(
                    counters.c.name == REFRESH, or_(counters.c.at.is_(None), counters.c.at <= due)
                )
                .values(count=counters.c.count + 1, at=now)
            ).rowcount
            if won:
                return True
            if conn.execute(select(counters.c.name).where(counters.c.name == REFRESH)).first():
                count(conn, "refresh_throttled", now)
                return False
            conn.execute(insert(counters).values(name=REFRESH, count=1, at=now))
            return True
    except IntegrityError:
        return False


def counters(ctx: NodeContext, who: Principal) -> dict[str, int]:
    """Every counter of refused or throttled traffic, by name."""
    require(who.roles, Action.NETWORK_READ)
    counters = schema.network_counters
    with ctx.engine.connect() as conn:
        rows = conn.execute(select(counters.c.name, counters.c.count).order_by(counters.c.name))
        return {name: int(value) for name, value in rows}
