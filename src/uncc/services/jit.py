"""Joint investigation teams (CETS 224 Art. 12): propose, accept, write to and read the team log.

A State proposes a team to others with a signed agreement (``jit_proposal``); each
invited State accepts by signing the same agreement (``jit_acceptance`` to every
member); the team is agreed when every member has signed. Each State links the team to
its own case, analysed under its own law, and keeps it to itself. Members then write
signed entries to the shared log (``jit_entry`` to every member): decisions, items given
with the uses allowed, and uses made of items. What arrives from other members is
checked in :mod:`uncc.services.jit_inbound`; the rules are in :mod:`uncc.domain.jit`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from uncc.adapters.db import schema
from uncc.domain.jit import (
    JitAcceptance,
    JitEntry,
    JitProposal,
    LogEntry,
    SharedItem,
    TeamAgreement,
    TeamSignature,
    check_entry,
    check_member,
    digest,
    signed_bytes,
)
from uncc.domain.policy import Action, require
from uncc.domain.references import reference
from uncc.errors import ConflictError, NotFoundError, UserInputError
from uncc.services.cases import get_case
from uncc.services.context import NodeContext, Principal, allocate, audit, audit_now, serialise
from uncc.services.identity import node_info
from uncc.services.jit_store import (
    Entry,
    Team,
    entries,
    item_entries,
    last_entry,
    load_team,
    store_entry,
    store_signature,
    store_team,
)
from uncc.services.network import directory as network_directory
from uncc.services.network.outbox import enqueue


def sign(ctx: NodeContext, state: str, body: TeamAgreement | LogEntry) -> TeamSignature:
    """This State's signature of an agreement or an entry, with the node key."""
    key = ctx.key()
    return TeamSignature(
        state=state, key_id=key.key_id, signature=key.sign(signed_bytes(body)).hex()
    )


def propose(
    ctx: NodeContext,
    who: Principal,
    *,
    name: str,
    purpose: str,
    members: list[str],
    uses: list[str],
    ends: dt.date,
    onward_transfer: bool = False,
    case_id: str | None = None,
) -> Team:
    """Propose a team to the other States named, signed by this State.

    Raises:
        UserInputError: the agreement is incomplete (the field is named).
        NotFoundError: a member is not in the network directory, or no such case.
    """
    require(who.roles, Action.NETWORK_ANSWER)
    if case_id is not None:
        get_case(ctx, who, case_id)
    with ctx.engine.begin() as conn:
        me = node_info(conn).state
        now = ctx.clock()
        held = network_directory.directory(conn)
        others = [s for s in dict.fromkeys(members) if s != me]
        for state in others:
            if held.member(state) is None:
                raise NotFoundError(f"members: {state} is not in the network directory")
        agreement = _agreement(
            {
                "team": reference(me, "JIT", now.year, allocate(conn, f"{me}-JIT-{now.year}")),
                "name": name,
                "purpose": purpose,
                "members": [me, *others],
                "uses": uses,
                "onward_transfer": onward_transfer,
                "starts": now.date(),
                "ends": ends,
                "proposer": me,
            }
        )
        signature = sign(ctx, me, agreement)
        store_team(conn, agreement, now, case_id)
        store_signature(conn, agreement.team, signature, now)
        body = JitProposal(agreement=agreement, signature=signature).model_dump(mode="json")
        for state in others:
            enqueue(
                ctx,
                conn,
                kind="jit_proposal",
                recipient=state,
                body=body,
                conversation=agreement.team,
            )
        audit(
            conn,
            now,
            who.user,
            "jit.propose",
            obj=agreement.team,
            outcome="ok",
            members=agreement.members,
        )
    return get_team(ctx, who, agreement.team)


def _agreement(values: dict[str, Any]) -> TeamAgreement:
    from pydantic import ValidationError  # noqa: PLC0415 - only for the message

    try:
        return TeamAgreement.model_validate(values)
    except ValidationError as exc:
        raise UserInputError(_plain(exc)) from None


def accept(ctx: NodeContext, who: Principal, team_id: str, case_id: str | None = None) -> Team:
    """Sign a proposed team's agreement and tell every member; link this State's own case.

    Raises:
        NotFoundError: no such team here, or no such case.
        ConflictError: this State has signed already.
    """
    require(who.roles, Action.NETWORK_ANSWER)
    if case_id is not None:
        get_case(ctx, who, case_id)
    with ctx.engine.begin() as conn:
        serialise(conn, f"jit:{team_id}")
        me = node_info(conn).state
        now = ctx.clock()
        team = load_team(conn, team_id)
        check_member(team.agreement, me)
        if me in team.signed_by:
            raise ConflictError(f"{me} has already signed the agreement of team {team_id}")
        signature = sign(ctx, me, team.agreement)
        store_signature(conn, team_id, signature, now)
        if case_id is not None:
            conn.execute(
                update(schema.jit_teams)
                .where(schema.jit_teams.c.id == team_id)
                .values(case_id=case_id)
            )
        body = JitAcceptance(
            team=team_id, agreement_digest=team.digest, signature=signature
        ).model_dump(mode="json")
        for state in team.agreement.members:
            if state != me:
                enqueue(
                    ctx,
                    conn,
                    kind="jit_acceptance",
                    recipient=state,
                    body=body,
                    conversation=team_id,
                )
        audit(conn, now, who.user, "jit.accept", obj=team_id, outcome="ok")
    return get_team(ctx, who, team_id)


def add_entry(
    ctx: NodeContext,
    who: Principal,
    team_id: str,
    *,
    kind: str,
    text: str,
    item: SharedItem | None = None,
    refers_to: str | None = None,
    use: str | None = None,
    to_state: str | None = None,
) -> Entry:
    """Write a signed entry to the team log and send it to every other member.

    Raises:
        NotFoundError: no such team here.
        ConflictError: the team is not agreed by every member yet.
        UserInputError: an incomplete entry, outside the team's period, or a use beyond
            the agreed limits (the field is named); the refusal is audited, nothing stored.
    """
    require(who.roles, Action.NETWORK_SEND)
    with ctx.engine.begin() as conn:
        serialise(conn, f"jit:{team_id}")
        me = node_info(conn).state
        now = ctx.clock()
        team = load_team(conn, team_id)
        check_member(team.agreement, me)
        if team.status != "agreed":
            raise ConflictError(
                f"team {team_id} is not agreed yet: waiting for {', '.join(sorted(set(team.agreement.members) - set(team.signed_by)))}"
            )
        previous = last_entry(conn, team_id, me)
        try:
            entry = LogEntry.model_validate(
                {
                    "team": team_id,
                    "author": me,
                    "seq": 1 if previous is None else previous.entry.seq + 1,
                    "prev": None if previous is None else previous.digest,
                    "at": now,
                    "kind": kind,
                    "text": text,
                    "item": item,
                    "refers_to": refers_to,
                    "use": use,
                    "to_state": to_state,
                }
            )
            check_entry(
                team.agreement,
                entry,
                previous=None if previous is None else previous.entry,
                items=item_entries(conn, team_id),
            )
        except (UserInputError, ValueError) as exc:
            reason = _plain(exc)
            audit(
                conn, now, who.user, "jit.add", obj=team_id, outcome="refused", reason=reason[:500]
            )
            refusal: UserInputError | None = UserInputError(reason)
        else:
            refusal = None
            signed = Entry(entry, sign(ctx, me, entry), digest(entry))
            store_entry(conn, signed, now)
            body = JitEntry(entry=entry, signature=signed.signature).model_dump(mode="json")
            for state in team.agreement.members:
                if state != me:
                    enqueue(
                        ctx,
                        conn,
                        kind="jit_entry",
                        recipient=state,
                        body=body,
                        conversation=team_id,
                    )
            audit(
                conn,
                now,
                who.user,
                "jit.add",
                obj=team_id,
                outcome="ok",
                entry=signed.digest,
                kind=kind,
            )
    if refusal is not None:
        raise refusal
    return signed


def _plain(exc: Exception) -> str:
    """One line naming the field, for an entry refused by its model or by the team's rules."""
    from pydantic import ValidationError  # noqa: PLC0415 - only for the message

    if isinstance(exc, ValidationError):
        return "; ".join(
            ".".join(str(p) for p in e["loc"]) + ": " + e["msg"].removeprefix("Value error, ")
            if e["loc"]
            else e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
    return str(exc)


def list_teams(ctx: NodeContext, who: Principal) -> list[Team]:
    """Every team this State proposed or was invited to."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        ids = conn.execute(select(schema.jit_teams.c.id).order_by(schema.jit_teams.c.id)).scalars()
        teams = [load_team(conn, i) for i in ids]
    audit_now(ctx, who.user, "jit.list", obj="", outcome="ok", count=len(teams))
    return teams


def get_team(ctx: NodeContext, who: Principal, team_id: str) -> Team:
    """One team (audited read)."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        team = load_team(conn, team_id)
    audit_now(ctx, who.user, "jit.read", obj=team_id, outcome="ok")
    return team


def team_log(ctx: NodeContext, who: Principal, team_id: str) -> tuple[Team, list[Entry]]:
    """A team and its log (audited read)."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        team = load_team(conn, team_id)
        log = entries(conn, team_id)
    audit_now(ctx, who.user, "jit.log", obj=team_id, outcome="ok", entries=len(log))
    return team, log
