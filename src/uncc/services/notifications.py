"""Notifications: what happened that concerns me, read or unread, and mailed when set up.

A notification is addressed to a user or to a role (every holder sees it, each marks it
read for themselves). One about an order the reader has no need to know does not exist
for them: it is not listed, not counted, cannot be marked and is not mailed to them.
Reading one's notifications is not audited: they are one's own, and hold nothing the
pages they link to do not audit when opened.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from uncc.adapters.db import schema
from uncc.domain.policy import Role
from uncc.errors import NotFoundError
from uncc.services.context import NodeContext, Principal
from uncc.services.need_to_know import Hidden, hidden_orders, may_see_order

ROLE_NAMES = frozenset(r.value for r in Role)


@dataclass(frozen=True)
class Notification:
    """One notification as its reader sees it."""

    id: int
    at: dt.datetime
    kind: str
    object: str
    text: str
    link: str
    read: bool


@dataclass(frozen=True)
class Smtp:
    """Where and as whom the node sends e-mail (``UNCC_SMTP_*``)."""

    host: str
    port: int = 25
    sender: str = "uncc@localhost"
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    base_url: str = ""
    """The node's web address, put before each notification's link in a mail."""


def _mine(who: Principal) -> object:
    column = schema.notifications.c
    return or_(column.user_id == who.user, column.role.in_(sorted(r.value for r in who.roles)))


def _visible(row: Any, hidden: Hidden) -> bool:
    return row.order_id is None or row.order_id not in hidden


@dataclass(frozen=True)
class Page:
    """A page of notifications (newest first), how many match in all, where the next starts."""

    items: list[Notification]
    total: int
    before: int | None
    """The id the next (older) page starts below; None on the last page."""


def page(
    ctx: NodeContext,
    who: Principal,
    *,
    unread: bool = False,
    limit: int = 100,
    before: int | None = None,
) -> Page:
    """The user's notifications, newest first (``unread``: only those not yet read)."""
    n, reads = schema.notifications, schema.notification_reads
    query = (
        select(n, reads.c.read_at)
        .outerjoin(reads, and_(reads.c.notification_id == n.c.id, reads.c.user_id == who.user))
        .where(_mine(who))  # type: ignore[arg-type]
        .order_by(n.c.id.desc())
    )
    if unread:
        query = query.where(reads.c.read_at.is_(None))
    with ctx.engine.connect() as conn:
        hidden = hidden_orders(conn, who)
        found = [_of(row, hidden) for row in conn.execute(query) if _visible(row, hidden)]
    rest = [x for x in found if before is None or x.id < before]
    more = len(rest) > limit
    return Page(rest[:limit], len(found), rest[limit - 1].id if more else None)


def listed(
    ctx: NodeContext, who: Principal, *, unread: bool = False, limit: int = 100
) -> list[Notification]:
    """The user's newest notifications (``unread``: only those not yet read)."""
    return page(ctx, who, unread=unread, limit=limit).items


def unread_count(ctx: NodeContext, who: Principal) -> int:
    """How many of the user's notifications are unread."""
    return page(ctx, who, unread=True, limit=1).total


def _of(row: Any, hidden: Hidden) -> Notification:
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=dt.UTC)
    text = hidden.text(row.text)  # a message may name a confidential order: not to this reader
    return Notification(row.id, at, row.kind, row.object, text, row.link, row.read_at is not None)


def mark_read(ctx: NodeContext, who: Principal, ids: list[int] | None = None) -> int:
    """Mark notifications read (``None``: all of the user's); how many changed.

    Raises:
        NotFoundError: an id is not one of the user's notifications (or one they may not see).
    """
    n, reads = schema.notifications, schema.notification_reads
    with ctx.engine.begin() as conn:
        hidden = hidden_orders(conn, who)
        query = select(n.c.id, n.c.order_id).where(_mine(who))  # type: ignore[arg-type]
        if ids is not None:
            query = query.where(n.c.id.in_(ids))
        rows = [r for r in conn.execute(query) if _visible(r, hidden)]
        if ids is not None:
            missing = sorted(set(ids) - {r.id for r in rows})
            if missing:
                raise NotFoundError(f"id: no notification {missing[0]} for {who.user}")
        done = set(
            conn.execute(
                select(reads.c.notification_id).where(
                    reads.c.user_id == who.user, reads.c.notification_id.in_([r.id for r in rows])
                )
            ).scalars()
        )
        now = ctx.clock()
        fresh = [r.id for r in rows if r.id not in done]
        for nid in fresh:
            conn.execute(insert(reads).values(notification_id=nid, user_id=who.user, read_at=now))
    return len(fresh)


def mail_pending(ctx: NodeContext, smtp: Smtp, *, limit: int = 50) -> int:
    """Mail the notifications not yet mailed to their addressees with an e-mail address.

    Each addressee gets only what they may see (need to know, read at sending time);
    a notification is marked mailed once its mails are handed to the server. Returns
    how many mails were sent.
    """
    n = schema.notifications
    with ctx.engine.connect() as conn:
        pending = conn.execute(
            select(n).where(n.c.mailed_at.is_(None)).order_by(n.c.id).limit(limit)
        ).all()
        people = conn.execute(
            select(schema.users.c.id, schema.users.c.roles, schema.users.c.email).where(
                schema.users.c.active.is_(True), schema.users.c.email.is_not(None)
            )
        ).all()
        letters = [
            (row.id, _letter(smtp, row, person.email))
            for row in pending
            for person in people
            if _addressed(row, person.id, person.roles) and _may_know(conn, row, person)
        ]
    if letters:  # a server that fails midway: nothing is marked, the next run sends again
        with smtplib.SMTP(smtp.host, smtp.port, timeout=30) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            for _, letter in letters:
                server.send_message(letter)
    if pending:
        with ctx.engine.begin() as conn:
            conn.execute(
                update(n).where(n.c.id.in_([r.id for r in pending])).values(mailed_at=ctx.clock())
            )
    return len(letters)


def _addressed(row: Any, user: str, roles: list[str]) -> bool:
    return row.user_id == user or (row.role is not None and row.role in roles)


def _may_know(conn: Connection, row: Any, person: Any) -> bool:
    if row.order_id is None:
        return True
    order = conn.execute(
        select(schema.orders.c.confidential, schema.orders.c.created_by).where(
            schema.orders.c.id == row.order_id
        )
    ).first()
    if order is None:
        return True
    who = Principal(person.id, frozenset(Role(r) for r in person.roles if r in ROLE_NAMES))
    return may_see_order(who, confidential=order.confidential, created_by=order.created_by)


def _letter(smtp: Smtp, row: Any, address: str) -> EmailMessage:
    letter = EmailMessage()
    letter["From"] = smtp.sender
    letter["To"] = address
    letter["Subject"] = f"uncc: {row.text}"[:200]
    letter.set_content(f"{row.text}\n\n{smtp.base_url}{row.link}\n")
    return letter
