"""The expert directory (Art. 56(3)): each node publishes its experts, the hub aggregates.

A node's roster is signed with its key and posted to the hub; the hub checks the
signature against the directory, keeps the roster, and serves the aggregate signed with
its own key. Members verify it against the pinned hub key before using it.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from dataclasses import asdict
from typing import Any

import rfc8785
from sqlalchemy import Connection, delete, func, insert, select

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.domain.experts import Expert, ExpertIndex, Match, ScheduleError
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.transport import Transport

EXPERTS_PATH = "/network/v1/experts"
_CACHE: dict[str, tuple[tuple[Any, ...], ExpertIndex]] = {}


def _row(expert: Expert, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": expert.id,
        "state": expert.state,
        "name": expert.name,
        "expertise": list(expert.expertise),
        "languages": list(expert.languages),
        "time_zone": expert.time_zone,
        "schedule": list(expert.schedule),
        "channel": expert.channel,
        "clearance": expert.clearance,
        "updated_at": now,
    }


def _expert(data: Any) -> Expert:
    return Expert(
        id=str(data["id"]).split("/")[-1],
        state=str(data["state"]),
        name=str(data["name"]),
        expertise=tuple(str(t).lower() for t in data["expertise"]),
        languages=tuple(str(t).lower() for t in data["languages"]),
        time_zone=str(data["time_zone"]),
        schedule=tuple(str(w) for w in data["schedule"]),
        channel=str(data["channel"]),
        clearance=str(data["clearance"]),
    )


def make_expert(state: str, data: dict[str, Any]) -> Expert:
    """An expert from user input; UserInputError naming the field when it is wrong."""
    for name in ("id", "name", "expertise", "languages", "time_zone", "schedule", "channel"):
        if not data.get(name):
            raise UserInputError(f"expert: '{name}' is required")
    try:
        return _expert({**data, "state": state, "clearance": data.get("clearance") or "none"})
    except ScheduleError as exc:
        raise UserInputError(f"expert {data['id']}: {exc}") from None


def add_expert(ctx: NodeContext, who: Principal, data: dict[str, Any]) -> Expert:
    """Add or replace one of this node's experts."""
    require(who.roles, Action.EXPERT_MANAGE)
    with ctx.engine.begin() as conn:
        expert = make_expert(node_info(conn).state, data)
        key = f"{expert.state}/{expert.id}"
        conn.execute(delete(schema.experts).where(schema.experts.c.id == key))
        conn.execute(insert(schema.experts).values(**{**_row(expert, ctx.clock()), "id": key}))
        audit(conn, ctx.clock(), who.user, "expert.add", obj=key, outcome="ok")
    return expert


def _own(conn: Connection) -> list[Expert]:
    me = node_info(conn).state
    return [
        _expert(r)
        for r in conn.execute(select(schema.experts).where(schema.experts.c.state == me)).mappings()
    ]


def roster(ctx: NodeContext) -> str:
    """This node's experts, signed."""
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
        experts = _own(conn)
    doc: dict[str, Any] = {
        "uncc": "roster/1",
        "state": me,
        "issued": ctx.clock().isoformat(),
        "experts": [_public(e) for e in experts],
    }
    return jws.sign(ctx.key(), rfc8785.dumps(doc))


def _public(expert: Expert) -> dict[str, Any]:
    data = asdict(expert)
    data.pop("windows")
    data["expertise"] = list(expert.expertise)
    data["languages"] = list(expert.languages)
    data["schedule"] = list(expert.schedule)
    return data


def take_roster(ctx: NodeContext, token: str) -> int:
    """At the hub: keep a member's signed roster in place of its previous one."""
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        cfg = network_directory.config(conn)
        if cfg.role != "hub":
            raise ConflictError("only the hub aggregates rosters")
        held = network_directory.directory(conn)
        state, doc = network_directory.member_signed(held, token, now, "roster")
        if doc.get("state") != state:
            raise PermissionDeniedError(f"{state} may publish only its own experts")
        try:
            experts = [_expert({**e, "state": state}) for e in doc.get("experts", [])]
        except (KeyError, TypeError, ScheduleError) as exc:
            raise UserInputError(f"roster of {state}: {exc}") from None
        conn.execute(delete(schema.experts).where(schema.experts.c.state == state))
        if experts:
            conn.execute(
                insert(schema.experts),
                [{**_row(e, now), "id": f"{e.state}/{e.id}"} for e in experts],
            )
        audit(
            conn,
            now,
            f"network:{state}",
            "expert.roster",
            obj=state,
            outcome="ok",
            experts=len(experts),
        )
    return len(experts)


def aggregate(ctx: NodeContext) -> str:
    """At the hub: every member's experts, signed with the hub key."""
    with ctx.engine.connect() as conn:
        experts = [_expert(r) for r in conn.execute(select(schema.experts)).mappings()]
    doc: dict[str, Any] = {
        "uncc": "experts/1",
        "issued": ctx.clock().isoformat(),
        "experts": [_public(e) for e in experts],
    }
    return jws.sign(ctx.key(), rfc8785.dumps(doc))


def sync(ctx: NodeContext, who: Principal, transport: Transport) -> int:
    """Publish our roster to the hub, then take the hub's signed aggregate; how many experts."""
    require(who.roles, Action.EXPERT_MANAGE)
    with ctx.engine.connect() as conn:
        cfg = network_directory.config(conn)
        me = node_info(conn).state
    if cfg.role == "hub":
        return len(_index(ctx))
    status, text = transport.post(cfg.hub_endpoint + EXPERTS_PATH, roster(ctx))
    if status != 200:
        raise ConflictError(f"the hub refused our roster: HTTP {status}: {text[:300]}")
    status, body = transport.get(cfg.hub_endpoint + EXPERTS_PATH)
    if status != 200:
        raise ConflictError(f"the hub did not send the experts: HTTP {status}")
    try:
        doc = json.loads(jws.verify(body.decode(), cfg.hub_key))
    except jws.SignatureError as exc:
        raise ConflictError(
            f"the experts list is not signed by the pinned hub key: {exc}"
        ) from None
    now = ctx.clock()
    others = [_expert(e) for e in doc["experts"] if e["state"] != me]
    with ctx.engine.begin() as conn:
        conn.execute(delete(schema.experts).where(schema.experts.c.state != me))
        if others:
            conn.execute(
                insert(schema.experts),
                [{**_row(e, now), "id": f"{e.state}/{e.id}"} for e in others],
            )
        audit(
            conn, now, who.user, "expert.sync", obj=cfg.hub_state, outcome="ok", experts=len(others)
        )
    return len(_index(ctx))


def _index(ctx: NodeContext) -> ExpertIndex:
    with ctx.engine.connect() as conn:
        version = conn.execute(select(func.count(), func.max(schema.experts.c.updated_at))).one()
        key = str(ctx.engine.url)
        cached = _CACHE.get(key)
        if cached is not None and cached[0] == tuple(version):
            return cached[1]
        index = ExpertIndex(_expert(r) for r in conn.execute(select(schema.experts)).mappings())
    _CACHE[key] = (tuple(version), index)
    gc.freeze()  # the index lives long: keep the cyclic collector from rescanning it (p99)
    return index


def find(
    ctx: NodeContext,
    who: Principal,
    *,
    expertise: str | None,
    language: str | None,
    available_only: bool,
    limit: int = 20,
) -> list[Match]:
    """Experts for the need, ranked (available now first)."""
    require(who.roles, Action.EXPERT_FIND)
    return _index(ctx).find(
        ctx.clock(),
        expertise=expertise,
        language=language,
        available_only=available_only,
        limit=limit,
    )
