"""Witnesses compare the heads they cosigned: two roots for one size prove a fork.

A member whose key signs two histories can show each to a different witness; neither
sees anything wrong alone. Comparing finds it: another witness's cosigned head of a
size this witness also cosigned, with another root, both signed by the member, is
kept as evidence and alerted like a refused head.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import note
from uncc.domain.directory import Directory
from uncc.domain.policy import Action, require
from uncc.errors import TransportError
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.transport import Transport
from uncc.services.network.witness import (
    WITNESS_PATH,
    Conflict,
    alert_hub,
    member_keys,
    record,
    signed_by_member,
)

EVERY = dt.timedelta(minutes=10)
"""How often a witness compares its heads with the others' and re-sends unsent alerts."""
_LAST: dict[str, dt.datetime] = {}
"""When each node (by its database) last compared, in this process."""


def tend(ctx: NodeContext, transport: Transport) -> list[Conflict]:
    """The network sender's pass at a witness: compare, and alert the hub of what it lacks.

    Runs at most every ten minutes per node; a node that witnesses no one compares
    nothing. Every conflict the hub has not acknowledged yet is sent (again).
    """
    now = ctx.clock()
    node = ctx.engine.url.render_as_string(hide_password=True)
    last = _LAST.get(node)
    if last is not None and abs(now - last) < EVERY:
        return []
    _LAST[node] = now
    with ctx.engine.connect() as conn:
        watching = conn.execute(select(schema.witnessed.c.id).limit(1)).first() is not None
    found = compare(ctx, transport) if watching else []
    with ctx.engine.connect() as conn:
        pending = (
            conn.execute(
                select(schema.witness_conflicts).where(
                    schema.witness_conflicts.c.hub_alerted.is_(False)
                )
            )
            .mappings()
            .all()
        )
    for row in pending:
        conflict = Conflict(row["state"], row["kind"], row["held"], row["offered"], row["kind"])
        alert_hub(ctx, transport, conflict, int(row["id"]))
    return found


def compare(ctx: NodeContext, transport: Transport) -> list[Conflict]:
    """Ask the other members for the heads they cosigned; every fork found (kept, alerted).

    Another witness's head of a size this witness also cosigned must have the same
    root; two roots for one size, both signed by the member, prove a fork.
    """
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        held = network_directory.directory(conn)
        me = node_info(conn).state
        watched = sorted(set(conn.execute(select(schema.witnessed.c.state)).scalars()))
    found: list[Conflict] = []
    for other in held.members:
        if other.state == me:
            continue
        for state in watched:
            try:
                status, body = transport.get(f"{other.endpoint}{WITNESS_PATH}/{state}")
                theirs = note.parse(body.decode()) if status == 200 else None
            except (TransportError, note.NoteError, UnicodeDecodeError):
                continue
            if theirs is None:
                continue
            conflict = _against_mine(
                ctx, held, witness=other.state, state=state, theirs=theirs, now=now
            )
            if conflict is not None:
                found.append(conflict)
    return found


def compare_as(ctx: NodeContext, who: Principal, transport: Transport) -> list[Conflict]:
    """:func:`compare` at a user's request (administrators), audited."""
    require(who.roles, Action.NETWORK_ADMIN)
    found = compare(ctx, transport)
    with ctx.engine.begin() as conn:
        audit(
            conn,
            ctx.clock(),
            who.user,
            "witness.compare",
            obj="",
            outcome="ok" if not found else "fork",
            forks=[c.state for c in found],
        )
    return found


def _against_mine(
    ctx: NodeContext,
    held: Directory,
    *,
    witness: str,
    state: str,
    theirs: note.SignedNote,
    now: dt.datetime,
) -> Conflict | None:
    keys = member_keys(held, state, now)
    name = note.witness_name(witness)
    cosigned = any(
        theirs.cosigned_at(name, bytes.fromhex(k), verifier(k)) is not None
        for k in member_keys(held, witness, now)
    )
    if not cosigned or not signed_by_member(theirs, state, keys):
        return None
    with ctx.engine.begin() as conn:
        mine = (
            conn.execute(
                select(schema.witnessed).where(
                    schema.witnessed.c.state == state,
                    schema.witnessed.c.size == theirs.head.size,
                )
            )
            .mappings()
            .first()
        )
        if mine is None or bytes.fromhex(mine["root"]) == theirs.head.root:
            return None
        me = node_info(conn).state
        conflict = Conflict(
            state,
            "fork",
            mine["note"],
            theirs.text(),
            f"fork: {witness} cosigned another root for size {theirs.head.size}",
        )
        known = conn.execute(
            select(schema.witness_conflicts.c.id).where(
                schema.witness_conflicts.c.state == state,
                schema.witness_conflicts.c.offered == conflict.offered,
            )
        ).first()
        if known is not None:
            return conflict
        record(ctx, conn, conflict, me, [])
    return conflict
