"""Which events tell whom: notifications made in the transaction that records the event.

An order moved (submitted, authorised, issued, refused) is seen where it is audited;
a message from another State where the inbox applies it. Each notification is
addressed to a role (everyone holding it) or to one user, and names the order it is
about, so that a reader without need to know never sees it (``notifications.listed``).
This module reads and writes only tables: the audit trail can call it without a cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select

from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.domain.policy import Role


def notify(
    conn: Connection,
    at: dt.datetime,
    *,
    kind: str,
    obj: str,
    text: str,
    link: str,
    to_users: tuple[str, ...] = (),
    to_roles: tuple[Role, ...] = (),
    order_id: str | None = None,
) -> None:
    """Store one notification per addressee (a user, or every holder of a role)."""
    values = {
        "at": at,
        "kind": kind,
        "object": obj[:80],
        "order_id": order_id,
        "text": text,
        "link": link[:200],
    }
    for user in dict.fromkeys(to_users):
        conn.execute(_NOTIFY, {"user_id": user, "role": None, **values})
    for role in dict.fromkeys(to_roles):
        conn.execute(_NOTIFY, {"user_id": None, "role": role.value, **values})


_NOTIFY = insert(schema.notifications)
_TALK = select(schema.conversations).where(schema.conversations.c.id == bindparam("talk"))
"""Statements built once (building one costs more than running it)."""


_MOVES = frozenset({"order.submit", "order.authorise", "order.issue", "order.refuse"})


def notifies(action: str, outcome: str) -> bool:
    """Whether ``after_audit`` may write anything for an audited event (orders' moves only)."""
    return outcome == "ok" and action in _MOVES


def after_audit(conn: Connection, at: dt.datetime, action: str, obj: str, outcome: str) -> None:
    """Notify those an audited event concerns (only orders' moves do)."""
    if not notifies(action, outcome):
        return
    row = conn.execute(
        select(schema.orders.c.power, schema.orders.c.state, schema.orders.c.created_by).where(
            schema.orders.c.id == obj
        )
    ).first()
    if row is None:
        return
    power = str(row.power).replace("_", " ")
    link = f"/orders/{obj}"
    common: dict[str, Any] = {
        "kind": f"order.{row.state}",
        "obj": obj,
        "link": link,
        "order_id": obj,
    }
    if row.state == "submitted":
        notify(
            conn,
            at,
            text=f"order {obj} ({power}) awaits authorisation",
            to_roles=(Role.JUDGE,),
            **common,
        )
    elif row.state == "authorised":
        notify(
            conn,
            at,
            text=f"order {obj} ({power}) was authorised: to issue",
            to_roles=(Role.PROSECUTOR,),
            **common,
        )
        notify(
            conn,
            at,
            text=f"order {obj} ({power}) was authorised",
            to_users=(row.created_by,),
            **common,
        )
    elif row.state in ("issued", "refused"):
        notify(
            conn,
            at,
            text=f"order {obj} ({power}) was {row.state}",
            to_users=(row.created_by,),
            **common,
        )


def after_message(
    conn: Connection, at: dt.datetime, envelope: Envelope, *, answer: bool, request: bool
) -> None:
    """Notify those a message from another State concerns, once the inbox applied it.

    ``answer``: the message answers (or acknowledges) a request this node sent;
    ``request``: it asks this node for something (a measure, preservation, data …).
    """
    talk = conn.execute(_TALK, {"talk": envelope.conversation}).first()
    if talk is None:
        return
    link = f"/network/requests/{talk.id}"
    common: dict[str, Any] = {"obj": talk.id, "link": link}
    owner = _case_owner(conn, talk.case_id)
    kind = envelope.type
    label = kind.replace("_", " ")
    if answer and talk.direction == "out":
        users = (owner,) if owner else ()
        notify(
            conn,
            at,
            kind="request.answered",
            text=f"{envelope.sender} sent {label} on {talk.reference}",
            to_users=users,
            to_roles=(Role.CONTACT_POINT,),
            **common,
        )
    elif request:
        notify(
            conn,
            at,
            kind="request.received",
            text=f"{label} from {envelope.sender} ({talk.reference}): acknowledge by {talk.acknowledge_by:%Y-%m-%d %H:%M} UTC, answer by {talk.answer_by:%Y-%m-%d %H:%M} UTC",
            to_roles=(Role.CONTACT_POINT,),
            **common,
        )
    elif kind == "evidence_transfer":
        notify(
            conn,
            at,
            kind="evidence.offered",
            text=f"{envelope.sender} offered evidence on {talk.reference}: verify and take it in",
            to_users=(owner,) if owner else (),
            to_roles=(Role.CONTACT_POINT,),
            **common,
        )
    elif kind == "deconfliction_hit" and talk.status == "confirmed" and talk.case_id:
        notify(
            conn,
            at,
            kind="hit.confirmed",
            text=f"{envelope.sender} also investigates case {talk.case_id}'s selector: consult (Art. 40(5))",
            to_users=(owner,) if owner else (),
            to_roles=(Role.CONTACT_POINT,),
            obj=talk.id,
            link=f"/cases/{talk.case_id}",
        )


def _case_owner(conn: Connection, case_id: str | None) -> str | None:
    if not case_id:
        return None
    value = conn.execute(
        select(schema.cases.c.created_by).where(schema.cases.c.id == case_id)
    ).scalar()
    return None if value is None else str(value)
