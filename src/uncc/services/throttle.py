"""Failed log-ins counted in the database, per account and per address, across processes.

An attempt is *reserved* before any password is checked: in one short transaction each
of its counters is read under a row lock, refused if paused, else counted as a failure in
advance (so that concurrent guesses cannot all slip through before the first is
counted). A success then clears the account's counter and gives the address its
attempt back. Rows older than the window are pruned, so a spray of unknown names
leaves nothing behind for long.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from uncc.adapters.db import schema
from uncc.domain.credentials import ACCOUNT, ADDRESS, Throttle
from uncc.domain.policy import Role
from uncc.errors import ThrottledError
from uncc.services.context import audit

T = schema.login_throttle


def keys(user: str, address: str | None) -> list[str]:
    """The counters an attempt touches: its account's and, over the network, its address's."""
    found = [f"user:{user[:100]}"]
    if address:
        found.append(f"addr:{address[:100]}")
    return found


def rule(key: str) -> Throttle:
    """The throttle that applies to a counter."""
    return ACCOUNT if key.startswith("user:") else ADDRESS


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _insert_absent(conn: Connection, key: str, now: dt.datetime) -> None:
    values = {"key": key, "failures": 0, "last_failure_at": now, "locked_until": None}
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert  # noqa: PLC0415
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]  # noqa: PLC0415
    conn.execute(upsert(T).values(**values).on_conflict_do_nothing(index_elements=[T.c.key]))


def reserve(conn: Connection, counters: Sequence[str], now: dt.datetime) -> dict[str, int]:
    """Count an attempt as a failure in advance; its counters' failures after it.

    Raises:
        ThrottledError: a counter is paused; nothing is changed (the caller rolls back).
    """
    wait = 0.0
    rows = {}
    for key in counters:
        _insert_absent(conn, key, now)
        row = conn.execute(select(T).where(T.c.key == key).with_for_update()).mappings().one()
        rows[key] = row
        if row["locked_until"] is not None and _aware(row["locked_until"]) > now:
            wait = max(wait, (_aware(row["locked_until"]) - now).total_seconds())
    if wait:
        raise ThrottledError(max(1, math.ceil(wait)))
    counts = {}
    for key, row in rows.items():
        throttle = rule(key)
        stale = now - _aware(row["last_failure_at"]) > throttle.window
        failures = (0 if stale else row["failures"]) + 1
        pause = throttle.pause(failures)
        conn.execute(
            update(T)
            .where(T.c.key == key)
            .values(
                failures=failures,
                last_failure_at=now,
                locked_until=now + pause if pause else None,
            )
        )
        counts[key] = failures
    return counts


def release(conn: Connection, counters: dict[str, int], *, success: bool) -> None:
    """Give an attempt back: it was not a failure (``success`` also clears the account)."""
    for key, failures in counters.items():
        if success and key.startswith("user:"):
            conn.execute(delete(T).where(T.c.key == key))
            continue
        left = max(0, failures - 1)
        pause = rule(key).pause(left)
        values: dict[str, object] = {"failures": left}
        if pause is None:
            values["locked_until"] = None
        conn.execute(update(T).where(T.c.key == key).values(**values))


def failed(
    conn: Connection, counters: dict[str, int], now: dt.datetime, user: str, address: str | None
) -> None:
    """After a failure: tell the admins when a counter has just reached its pause; prune."""
    for key, failures in counters.items():
        if failures != rule(key).free:
            continue
        what = f"account '{user}'" if key.startswith("user:") else f"address {address}"
        text = (
            f"{failures} failed log-ins for {what} (latest from {address or 'the command line'}): "
            "further attempts are paused, longer after each failure"
        )
        audit(
            conn,
            now,
            "system",
            "user.login_throttled",
            obj=key[:80],
            outcome="paused",
            failures=failures,
            address=address,
        )
        users = conn.execute(
            select(schema.users.c.id, schema.users.c.roles).where(schema.users.c.active)
        ).all()
        for row in users:
            if Role.ADMIN.value in row.roles:
                conn.execute(insert(schema.notices).values(user_id=row.id, at=now, text=text))
    oldest = now - max(ACCOUNT.window, ADDRESS.window)
    conn.execute(
        delete(T).where(
            and_(
                T.c.last_failure_at < oldest,
                or_(T.c.locked_until.is_(None), T.c.locked_until < now),
            )
        )
    )
