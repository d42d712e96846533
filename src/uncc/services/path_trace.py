"""Art. 44 path tracing on a case: follow a disclosed hop in one step, and see the path.

A preservation request answered with a traffic disclosure reveals the previous hop of
the communication (``uncc.domain.path_trace``). When that hop is in a third State,
``follow_hop`` sends that State a preservation request for its part of the path, built
from the first request and the hop, and linked to it. ``case_path`` reads the chain of
requests of a case back: the States and providers asked, the hops disclosed with their
times, and the requests still pending.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from uncc.adapters.db import schema
from uncc.domain import path_trace
from uncc.domain.envelope import Onward
from uncc.domain.path_trace import Hop
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import requests
from uncc.services.network.conversations import CLOSED, Conversation
from uncc.services.network.onward import answer_origin

KIND = "preservation_request"
"""The request that traces a path: preservation of traffic data (Arts. 43–44)."""
_LIMIT = 4000


@dataclass(frozen=True)
class Leg:
    """One request on the path: the State asked, what it disclosed, where it stands."""

    conversation: str
    state: str
    reference: str
    status: str
    sent_at: dt.datetime
    follows: str | None
    custodian: str
    hops: tuple[Hop, ...]
    """The hops the State disclosed, from its provider backwards (empty: none yet)."""

    @property
    def pending(self) -> bool:
        """Still waiting for the requested State (neither answered nor refused)."""
        return self.status not in CLOSED


@dataclass(frozen=True)
class CasePath:
    """The path of the communication so far, as the case's requests traced it."""

    case_id: str
    state: str
    """Our State: where the investigation is."""
    legs: tuple[Leg, ...]
    """Oldest first; a leg follows the one whose disclosure revealed its hop."""

    @property
    def pending(self) -> tuple[Leg, ...]:
        """The requests still pending on the path."""
        return tuple(leg for leg in self.legs if leg.pending)

    @property
    def next_hop(self) -> Hop | None:
        """The last hop disclosed that no request follows yet (None: nothing to follow)."""
        followed = {leg.follows for leg in self.legs}
        for leg in reversed(self.legs):
            if leg.hops and leg.conversation not in followed:
                return leg.hops[-1]
        return None


def _disclosures(conn: Connection, conversation_id: str) -> list[dict[str, Any]]:
    return [
        dict(row.body)
        for row in conn.execute(
            select(schema.thread.c.body)
            .where(
                schema.thread.c.conversation == conversation_id,
                schema.thread.c.type == "traffic_disclosure",
                schema.thread.c.direction == "in",
            )
            .order_by(schema.thread.c.id)
        )
    ]


@dataclass(frozen=True)
class NextStep:
    """What a traffic disclosure on one of our requests calls for."""

    hop: Hop
    words: str
    """The hop in words (provider, State, address, time)."""
    move: str
    """The next step it calls for, in words."""
    may_follow: bool
    """A request to the hop's State can go now (none follows this request yet)."""
    followed_by: str | None


def next_step(ctx: NodeContext, who: Principal, conversation_id: str) -> NextStep | None:
    """The previous hop our request's disclosure revealed, and whether to follow it (None: no disclosure)."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        row = requests.conversation_row(conn, conversation_id)
        if row["direction"] != "out" or row["kind"] != KIND:
            return None
        disclosed = _disclosures(conn, conversation_id)
        if not disclosed:
            return None
        us = node_info(conn).state
        try:
            members = {m.state for m in network_directory.directory(conn).members}
        except NotFoundError:
            members = set()
        taken = conn.execute(
            select(schema.conversations.c.id).where(
                schema.conversations.c.follows == conversation_id
            )
        ).first()
    hop = path_trace.previous_hop(disclosed[-1])
    needed = path_trace.needs_request(hop, us=us, asked=row["peer"])
    move = path_trace.next_move(hop, us=us, asked=row["peer"], conversation=conversation_id)
    if needed and hop.state not in members:
        move = f"{hop.state} is not in the network: ask it through other channels"
    return NextStep(
        hop,
        path_trace.describe(hop),
        move,
        needed and hop.state in members and taken is None,
        taken.id if taken else None,
    )


def follow_hop(ctx: NodeContext, who: Principal, conversation_id: str) -> Conversation:
    """Ask the State of the disclosed previous hop to preserve it, linked to the first request.

    The new request repeats the first one's authority, offences, facts, necessity and
    contact, and names the hop (provider, address, time) as the data to preserve.

    Raises:
        PermissionDeniedError: the user may not send requests.
        NotFoundError: no such request here.
        ConflictError: not our preservation request, no traffic disclosure yet, the hop
            needs no request abroad, or a request already follows it.
    """
    require(who.roles, Action.NETWORK_SEND)
    with ctx.engine.connect() as conn:
        row = requests.conversation_row(conn, conversation_id)
        if row["direction"] != "out" or row["kind"] != KIND:
            raise ConflictError(
                f"{conversation_id} is not a preservation request of ours: only those trace a path"
            )
        disclosed = _disclosures(conn, conversation_id)
        if not disclosed:
            raise ConflictError(f"{row['peer']} has disclosed no traffic data on {conversation_id}")
        us = node_info(conn).state
        already = conn.execute(
            select(schema.conversations.c.id).where(
                schema.conversations.c.follows == conversation_id
            )
        ).first()
    if already is not None:
        raise ConflictError(
            f"request {already.id} already follows the hop {conversation_id} revealed"
        )
    hop = path_trace.previous_hop(disclosed[-1])
    if not path_trace.needs_request(hop, us=us, asked=row["peer"]):
        raise ConflictError(
            path_trace.proposal(hop, us=us, asked=row["peer"], conversation=conversation_id)
        )
    with ctx.engine.connect() as conn:  # the hop is the asked State's data: its handling holds
        origin = answer_origin(
            conn, conversation=conversation_id, sender=row["peer"], kind="traffic_disclosure"
        )
    if origin is not None and origin.onward is Onward.NONE:
        # a disclosure under Art. 44 is made so that the next State can be asked; only a
        # sender that said "none" keeps the hop it disclosed from going there
        raise PermissionDeniedError(
            f"{origin.what}: {origin.state}'s handling allows no onward transfer, "
            f"so the hop it disclosed cannot be sent to {hop.state}"
        )
    body = _follow_up(dict(row["request"]), hop, row["peer"])
    try:
        sent = requests.send_request(
            ctx,
            who,
            kind=KIND,
            recipient=str(hop.state),
            body=body,
            case_id=row["case_id"],
            follows=conversation_id,
        )
    except IntegrityError as exc:  # another desk followed the same hop a moment ago
        raise ConflictError(
            f"a request already follows the hop {conversation_id} revealed"
        ) from exc
    audit_now(
        ctx, who.user, "network.follow_hop", obj=sent.id, outcome="ok", follows=conversation_id
    )
    return sent


def _follow_up(first: dict[str, Any], hop: Hop, asked: str) -> dict[str, Any]:
    """The preservation request for the previous hop, from the first request."""
    seen = path_trace.describe(hop)
    summary = (
        f"{first['summary_of_facts']} The traffic data {asked} disclosed under Art. 44 "
        f"shows that the communication came through {seen}."
    )
    body: dict[str, Any] = {
        "requesting_authority": first["requesting_authority"],
        "reference": f"{first['reference']}/{hop.state}"[:200],
        "offences": list(first["offences"]),
        "summary_of_facts": summary[:_LIMIT],
        "data": [
            {
                "description": f"traffic data of the communication at {seen}"[:_LIMIT],
                "link_to_offence": (
                    f"the previous hop on the communication's path, disclosed by {asked} "
                    f"on request {first['reference']}"
                )[:_LIMIT],
            }
        ],
        "custodian": f"{hop.provider}, {hop.state}"[:_LIMIT],
        "necessity": first["necessity"],
        "formal_request_to_follow": True,
        "contact": first["contact"],
    }
    for key in ("preserve_days", "urgency", "preferred_channel"):
        if key in first:
            body[key] = first[key]
    return body


def case_path(ctx: NodeContext, who: Principal, case_id: str) -> CasePath:
    """The path traced so far on a case: every preservation request of ours, with its hops.

    Raises:
        NotFoundError: no such case.
    """
    require(who.roles, Action.NETWORK_READ)
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        if (
            conn.execute(select(schema.cases.c.id).where(schema.cases.c.id == case_id)).first()
            is None
        ):
            raise NotFoundError(f"no case {case_id}")
        us = node_info(conn).state
        rows = conn.execute(
            select(schema.conversations)
            .where(
                schema.conversations.c.case_id == case_id,
                schema.conversations.c.direction == "out",
                schema.conversations.c.kind == KIND,
            )
            .order_by(schema.conversations.c.created_at, schema.conversations.c.id)
        ).mappings()
        legs = []
        for row in rows:
            disclosed = _disclosures(conn, row["id"])
            hops = path_trace.hops(disclosed[-1]) if disclosed else []
            created = row["created_at"]
            legs.append(
                Leg(
                    row["id"],
                    row["peer"],
                    row["reference"],
                    row["status"],
                    created if created.tzinfo else created.replace(tzinfo=dt.UTC),
                    row["follows"],
                    str(row["request"].get("custodian", "")),
                    tuple(hops),
                )
            )
    audit_now(ctx, who.user, "case.path", obj=case_id, outcome="ok")
    return CasePath(case_id, us, _chained(legs))


def _chained(legs: list[Leg]) -> tuple[Leg, ...]:
    """Each chain from its first request, a follow-up right after the leg it follows."""
    ids = {leg.conversation for leg in legs}
    after: dict[str | None, list[Leg]] = {}
    for leg in legs:
        after.setdefault(leg.follows if leg.follows in ids else None, []).append(leg)
    out: list[Leg] = []
    todo = list(reversed(after.get(None, [])))
    while todo:
        leg = todo.pop()
        out.append(leg)
        todo.extend(reversed(after.get(leg.conversation, [])))
    return tuple(out)
