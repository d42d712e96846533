"""Deconfliction between States investigating the same people (Art. 40(5)).

The hub issues the network's deconfliction key per epoch (a signed message to each
member; kept sealed with the node's data key). Each node serves a signed filter of its
open cases' selectors; another node fetches it, tests its own selectors locally, and on a
hit sends the full tag. The owner confirms it against its own selectors, and both sides
then hold a consultation thread, each with its case named only on its own side.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

import rfc8785
from sqlalchemy import Connection, delete, insert, select, update

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.domain import deconfliction as dc
from uncc.domain.directory import Directory
from uncc.domain.envelope import Envelope
from uncc.domain.messages import DeconflictionHit, Urgency
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, next_id, require_case
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.conversations import open_conversation, progress
from uncc.services.network.deconfliction_keys import current_key
from uncc.services.network.outbox import alert, enqueue
from uncc.services.network.requested import received
from uncc.services.network.transport import Transport

FILTER_PATH = "/network/v1/filter"
FORMAT = "filter/1"


def add_selector(ctx: NodeContext, who: Principal, case_id: str, kind: str, value: str) -> str:
    """Record a selector of a case (normalised); it goes into our filter, never out as such."""
    require(who.roles, Action.CASE_UPDATE)
    try:
        normalised = dc.normalise(dc.SelectorKind(kind), value)
    except ValueError as exc:
        kinds = ", ".join(k.value for k in dc.SelectorKind)
        raise UserInputError(
            str(exc)
            if isinstance(exc, dc.SelectorError)
            else f"kind '{kind}': expected one of {kinds}"
        ) from None
    with ctx.engine.begin() as conn:
        require_case(conn, case_id)
        found = conn.execute(
            select(schema.selectors.c.id).where(
                schema.selectors.c.case_id == case_id,
                schema.selectors.c.kind == kind,
                schema.selectors.c.value == normalised,
            )
        ).first()
        if found is None:
            conn.execute(
                insert(schema.selectors).values(case_id=case_id, kind=kind, value=normalised)
            )
        audit(conn, ctx.clock(), who.user, "case.selector", obj=case_id, outcome="ok", kind=kind)
    return normalised


def _open_selectors(conn: Connection) -> list[tuple[str, dc.SelectorKind, str]]:
    rows = conn.execute(
        select(schema.selectors.c.case_id, schema.selectors.c.kind, schema.selectors.c.value)
        .join(schema.cases, schema.cases.c.id == schema.selectors.c.case_id)
        .where(schema.cases.c.status == "open")
    ).all()
    return [(r.case_id, dc.SelectorKind(r.kind), r.value) for r in rows]


def own_filter(ctx: NodeContext) -> str:
    """Our signed filter for the current epoch (what other nodes fetch)."""
    with ctx.engine.connect() as conn:
        epoch, key = current_key(ctx, conn)
        selectors = _open_selectors(conn)
        me = node_info(conn).state
    blob = dc.build(key, ((kind, value) for _, kind, value in selectors))
    doc: dict[str, Any] = {
        "uncc": FORMAT,
        "state": me,
        "epoch": epoch,
        "count": len(blob) // dc.PREFIX,
        "issued": ctx.clock().isoformat(),
        "tags": base64.b64encode(blob).decode(),
    }
    return jws.sign(ctx.key(), rfc8785.dumps(doc))


@dataclass(frozen=True)
class Hit:
    """One of our selectors is in another State's filter."""

    case_id: str
    state: str
    kind: str
    conversation: str


def check(ctx: NodeContext, who: Principal, transport: Transport) -> tuple[list[Hit], list[str]]:
    """Fetch every member's filter, test our selectors locally, notify each new hit.

    Every filter is fetched and verified first; our tags are then computed once and
    matched against every verified filter (:func:`dc.match`); each member's filter
    is stored with its new hits in one transaction, member by member, as before.
    Returns the new hits and notes about members whose filter could not be used.
    """
    require(who.roles, Action.NETWORK_SEND)
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        held = network_directory.directory(conn)
        epoch, key = current_key(ctx, conn)
        mine = _open_selectors(conn)
    verified, notes = _fetch_filters(ctx, transport, held, me, epoch)
    matched = dc.match(key, [(kind, value) for _, kind, value in mine], verified)
    hits: list[Hit] = []
    for state, blob in verified.items():
        with ctx.engine.begin() as conn:
            conn.execute(delete(schema.filters).where(schema.filters.c.state == state))
            conn.execute(
                insert(schema.filters).values(
                    state=state,
                    epoch=epoch,
                    filter=blob,
                    hashes=1,
                    count=matched.sizes[state],
                    received_at=ctx.clock(),
                )
            )
            for n in matched.found[state]:
                case_id, kind, _value = mine[n]
                full = matched.tag(n).hex()
                known = conn.execute(
                    select(schema.hits.c.id).where(
                        schema.hits.c.case_id == case_id,
                        schema.hits.c.state == state,
                        schema.hits.c.tag == full,
                    )
                ).first()
                if known is not None:
                    continue
                hits.append(
                    _notify(ctx, conn, who, case_id, state=state, kind=kind, full=full, epoch=epoch)
                )
    return hits, notes


def _fetch_filters(
    ctx: NodeContext,
    transport: Transport,
    held: Directory,
    me: str,
    epoch: int,
) -> tuple[dict[str, bytes], list[str]]:
    """Every other member's filter of this epoch, its signature verified (hub skipped).

    Returns the verified filters by State, in the directory's order, and a note for each
    member whose filter could not be used.
    """
    notes: list[str] = []
    verified: dict[str, bytes] = {}
    for member in held.members:
        if member.state == me or "hub" in member.roles:
            continue
        status, body = transport.get(member.endpoint + FILTER_PATH)
        if status != 200:
            notes.append(f"{member.state}: no filter (HTTP {status})")
            continue
        token = body.decode()
        try:
            found = held.key(str(jws.header(token)["kid"]), ctx.clock())
            if found is None or found[0] != member.state:
                notes.append(f"{member.state}: the filter is not signed by {member.state}")
                continue
            doc = json.loads(jws.verify(token, found[1]))
        except jws.SignatureError as exc:
            notes.append(f"{member.state}: {exc}")
            continue
        if doc.get("epoch") != epoch:
            notes.append(f"{member.state}: filter of epoch {doc.get('epoch')}, ours is {epoch}")
            continue
        verified[member.state] = base64.b64decode(doc["tags"])
    return verified, notes


def _notify(
    ctx: NodeContext,
    conn: Connection,
    who: Principal,
    case_id: str,
    *,
    state: str,
    kind: dc.SelectorKind,
    full: str,
    epoch: int,
) -> Hit:
    me = node_info(conn).state
    held = network_directory.directory(conn)
    desk = held.member(me)
    if desk is None:
        raise ConflictError(f"{me} is not in the directory")
    conversation = next_id(conn, "R", ctx.clock())
    body = DeconflictionHit(
        tag=full, kind=kind.value, epoch=epoch, reference=case_id, contact=desk.contact_point
    ).model_dump(mode="json")
    envelope = enqueue(
        ctx,
        conn,
        kind="deconfliction_hit",
        recipient=state,
        body=body,
        conversation=conversation,
        urgency=Urgency.URGENT,
    )
    open_conversation(conn, envelope, "out", state, case_id=case_id, order_id=None, status="sent")
    conn.execute(
        insert(schema.hits).values(
            case_id=case_id,
            state=state,
            kind=kind.value,
            tag=full,
            conversation=conversation,
            at=ctx.clock(),
        )
    )
    alert(
        conn,
        ctx.clock(),
        f"deconfliction: a {kind.value} of case {case_id} is also in an open case of {state}; consult (Art. 40(5)), request {conversation}",
    )
    audit(
        conn,
        ctx.clock(),
        who.user,
        "deconfliction.hit",
        obj=case_id,
        outcome="ok",
        state=state,
        kind=kind.value,
    )
    return Hit(case_id, state, kind.value, conversation)


def hit_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Confirm a hit against our own selectors; on a match, both sides consult."""
    received(ctx, conn, envelope)
    hit = DeconflictionHit.model_validate(envelope.body)
    try:
        epoch, key = current_key(ctx, conn)
    except NotFoundError:
        epoch, key = -1, b""
    match = None
    if epoch == hit.epoch:
        for case_id, kind, value in _open_selectors(conn):
            if kind.value == hit.kind and dc.tag(key, kind, value).hex() == hit.tag:
                match = case_id
                break
    conn.execute(
        update(schema.conversations)
        .where(schema.conversations.c.id == envelope.conversation)
        .values(case_id=match)
    )
    _answer_hit(ctx, conn, envelope, match)
    if match is None:
        return
    exists = conn.execute(
        select(schema.hits.c.id).where(
            schema.hits.c.case_id == match,
            schema.hits.c.state == envelope.sender,
            schema.hits.c.tag == hit.tag,
        )
    ).first()
    if exists is None:
        conn.execute(
            insert(schema.hits).values(
                case_id=match,
                state=envelope.sender,
                kind=hit.kind,
                tag=hit.tag,
                conversation=envelope.conversation,
                at=ctx.clock(),
            )
        )
    alert(
        conn,
        ctx.clock(),
        f"deconfliction: {envelope.sender} investigates the same {hit.kind} as our case {match} (their {hit.reference}); consult under Art. 40(5): request {envelope.conversation}",
    )


def _answer_hit(ctx: NodeContext, conn: Connection, envelope: Envelope, match: str | None) -> None:
    """Tell the sender whether its hit is confirmed here, so both sides show the same status.

    It names no case of ours (the case stays on our side); on a match both sides consult
    (Art. 40(5)).
    """
    me = node_info(conn).state
    ack = enqueue(
        ctx,
        conn,
        kind="acknowledgment",
        recipient=envelope.sender,
        body={
            "reference": envelope.conversation,
            "note": (
                f"{me} investigates the same; consult under Art. 40(5)"
                if match
                else f"{me} could not confirm the hit against its selectors"
            ),
            "confirmed": match is not None,
        },
        conversation=envelope.conversation,
        urgency=Urgency.URGENT,
        in_reply_to=envelope.id,
    )
    progress(conn, envelope.conversation, ack)


def hits_of(
    ctx: NodeContext, who: Principal, case_id: str | None = None
) -> list[dict[str, object]]:
    """The hits recorded here (ours and those confirmed for other States)."""
    require(who.roles, Action.NETWORK_READ)
    query = select(schema.hits).order_by(schema.hits.c.id)
    if case_id:
        query = query.where(schema.hits.c.case_id == case_id)
    with ctx.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
