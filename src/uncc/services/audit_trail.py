"""The audit trail as auditors work with it: pages to look through, and exports to keep.

The rule on auditing the auditors (ADR 0024): looking through the
trail a page at a time is not audited (a row per view would flood the trail with
its own reading); taking it out of the node is — one entry per export, naming the
criteria and how many entries left. Reads of sensitive data elsewhere (a case, an
order, custody, a protected identity) stay audited where they happen.

An entry about a confidential order the reader has no need to know shows only who did
what when, and a search by that order's id finds nothing (``audit_search``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, require
from uncc.errors import UserInputError
from uncc.services.audit_search import AuditPage, AuditQuery, _conditions
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.need_to_know import WITHHELD, hidden_orders

FORMATS = ("csv", "jsonl")
COLUMNS = ("seq", "at", "actor", "action", "object", "outcome", "details")
BATCH = 1000
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def browse(
    ctx: NodeContext, who: Principal, query: AuditQuery, *, limit: int, before: int | None = None
) -> AuditPage:
    """A page of matching entries (newest page first, each page oldest first); not audited."""
    require(who.roles, Action.AUDIT_READ)
    where = _conditions(query)
    column = schema.audit.c
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        rows = select(schema.audit).where(*where).order_by(column.seq.desc())
        if query.object is not None:
            found = [
                e
                for e in _entries(conn.execute(rows).mappings(), hidden)
                if e["object"] != WITHHELD
            ]
            total = len(found)
            page = [e for e in found if before is None or e["seq"] < before][: limit + 1]
        else:
            total = int(
                conn.execute(
                    select(func.count()).select_from(schema.audit).where(*where)
                ).scalar_one()
            )
            if before is not None:
                rows = rows.where(column.seq < before)
            page = list(_entries(conn.execute(rows.limit(limit + 1)).mappings(), hidden))
    more, page = len(page) > limit, page[:limit]
    return AuditPage(list(reversed(page)), total, page[-1]["seq"] if more else None)


def _entries(rows: Any, hidden: Any) -> Iterator[dict[str, Any]]:
    for row in rows:
        entry = hidden.audit_entry(dict(row))
        if entry["at"].tzinfo is None:
            entry["at"] = entry["at"].replace(tzinfo=dt.UTC)
        yield entry


def export(ctx: NodeContext, who: Principal, query: AuditQuery, fmt: str) -> Iterator[str]:
    """Every matching entry, oldest first, as CSV or JSON Lines text chunks; audited once.

    The export's own entry is written before the first chunk, so a copy taken out always
    appears in the trail; it is not part of the copy.

    Raises:
        UserInputError: the format is not csv or jsonl.
        PermissionDeniedError: the user may not read the trail.
    """
    if fmt not in FORMATS:
        raise UserInputError(f"format: {fmt!r}; use csv or jsonl")
    require(who.roles, Action.AUDIT_READ)
    where = _conditions(query)
    with ctx.engine.begin() as conn:
        last = conn.execute(select(func.max(schema.audit.c.seq))).scalar() or 0
        criteria = {k: str(v) for k, v in vars(query).items() if v is not None}
        audit(
            conn,
            ctx.clock(),
            who.user,
            "audit.export",
            obj="",
            outcome="ok",
            format=fmt,
            upto=last,
            criteria=criteria,
        )
    return _chunks(ctx, who, where, last, fmt, skip_hidden=query.object is not None)


def _chunks(
    ctx: NodeContext, who: Principal, where: list[Any], last: int, fmt: str, *, skip_hidden: bool
) -> Iterator[str]:
    column = schema.audit.c
    after = 0
    if fmt == "csv":
        yield _csv_line(COLUMNS)
    while True:
        with ctx.engine.connect() as conn:
            hidden = hidden_orders(conn, who)
            rows = (
                conn.execute(
                    select(schema.audit)
                    .where(*where, column.seq > after, column.seq <= last)
                    .order_by(column.seq)
                    .limit(BATCH)
                )
                .mappings()
                .all()
            )
            entries = list(_entries(rows, hidden))
        if not entries:
            return
        after = entries[-1]["seq"]
        text = []
        for e in entries:
            if skip_hidden and e["object"] == WITHHELD:
                continue
            row = {**e, "at": e["at"].isoformat()}
            if fmt == "csv":
                text.append(
                    _csv_line(
                        tuple(
                            json.dumps(row[c], ensure_ascii=False, sort_keys=True)
                            if c == "details"
                            else str(row[c])
                            for c in COLUMNS
                        )
                    )
                )
            else:
                text.append(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        yield "".join(text)


def _csv_line(values: tuple[str, ...]) -> str:
    """One CSV row; a cell a spreadsheet would run as a formula is quoted with ``'``."""
    out = io.StringIO()
    csv.writer(out).writerow(["'" + v if v[:1] in FORMULA else v for v in values])
    return out.getvalue()
