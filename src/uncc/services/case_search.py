"""Cases found by words in their titles, facts and notes, filtered by status, a page at a time.

A plain case-insensitive substring match (``LIKE``) over the title, the facts as
stored and the notes, in one scan of the cases: measured fast enough for a national
unit's case load (``bench/case_search.py``: about 11 ms of CPU over 2,000 cases; ADR
0024, bench/findings/startup.md), and the same on SQLite and PostgreSQL. A note naming a confidential order the reader has no need to know is
matched as the reader would read it, with the order's id withheld: searching for the
id finds nothing, so the search does not tell the order exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Text, cast, func, or_, select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.errors import UserInputError
from uncc.services.context import NodeContext, Principal
from uncc.services.need_to_know import hidden_orders

STATUSES = ("open", "closed")


@dataclass(frozen=True)
class CaseLine:
    """A case as the list shows it."""

    id: str
    title: str
    status: str
    created_by: str
    created_at: dt.datetime


@dataclass(frozen=True)
class CasePage:
    """One page of cases, by id, and how many match in all."""

    cases: list[CaseLine]
    total: int


def _like(words: str) -> str:
    escaped = words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _holds(conn: Connection, text: ColumnElement[str], pattern: str) -> ColumnElement[bool]:
    """``text`` in lower case is LIKE ``pattern`` (a lower-case pattern).

    SQLite's ``lower()`` folds ASCII letters only and its ``LIKE`` ignores the case of
    ASCII letters only, so there ``text LIKE pattern`` is the same test without copying
    every text in lower case first (a quarter of the scan; Hypothesis test).
    """
    folded = text if conn.dialect.name == "sqlite" else func.lower(text)
    return folded.like(pattern, escape="\\")


def _matches(conn: Connection, who: Principal, words: str) -> ColumnElement[bool]:
    """The cases whose title, facts or notes (as ``who`` may read them) hold ``words``."""
    notes, c = schema.case_notes.c, schema.cases.c
    pattern = _like(words)
    hidden = hidden_orders(conn, who)
    noted = {
        r.case_id
        for r in conn.execute(
            select(notes.case_id, notes.text).where(_holds(conn, notes.text, pattern))
        )
        if words.lower() in hidden.text(r.text).lower()
    }
    return or_(
        _holds(conn, c.title, pattern),
        _holds(conn, cast(c.facts, Text), pattern),
        c.id.in_(sorted(noted)),
    )


def search(
    ctx: NodeContext,
    who: Principal,
    *,
    words: str = "",
    status: str = "",
    offset: int = 0,
    limit: int = 50,
) -> CasePage:
    """The cases whose title, facts or notes hold ``words`` (all cases when empty).

    Raises:
        UserInputError: an unknown status (the field is named).
    """
    require(who.roles, Action.CASE_READ)
    if status and status not in STATUSES:
        raise UserInputError(f"status: {status!r}; use {' or '.join(STATUSES)}")
    c = schema.cases.c
    query = select(c.id, c.title, c.status, c.created_by, c.created_at)
    if status:
        query = query.where(c.status == status)
    with ctx.engine.connect() as conn:
        if words.strip():
            # one scan of the cases finds every match, in order: the count and the page's
            # ids come from it, and the page's rows are read by their ids
            found = conn.execute(
                query.with_only_columns(c.id)
                .where(_matches(conn, who, words.strip()))
                .order_by(c.id.desc())
            ).scalars()
            ids = list(found)
            total = len(ids)
            page = ids[offset : offset + limit]
            rows = (
                conn.execute(query.where(c.id.in_(page)).order_by(c.id.desc())).all()
                if page
                else []
            )
        else:
            total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
            rows = conn.execute(query.order_by(c.id.desc()).offset(offset).limit(limit)).all()
    return CasePage(
        [
            CaseLine(
                r.id,
                r.title,
                r.status,
                r.created_by,
                r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=dt.UTC),
            )
            for r in rows
        ],
        int(total),
    )
