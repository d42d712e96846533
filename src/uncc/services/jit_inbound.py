"""Joint investigation teams: what arrives from other members, and verifying the team log.

Every proposal, acceptance and log entry is checked before anything is kept: the sender
is the State that signed it (nobody relays or writes for another member), that State is
a member, its signature holds under its key in the hub-signed directory, the entry
follows its author's previous one, and every item and use stays within the agreed
limits. A message that fails is not kept (the refusal is audited and the contact points
told); one that arrives before what it needs waits; ``jit_verify.verify`` re-checks a
whole team log as held.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select

from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain.envelope import Envelope
from uncc.domain.jit import (
    JitAcceptance,
    JitEntry,
    JitProposal,
    LogEntry,
    TeamAgreement,
    TeamSignature,
    check_entry,
    check_member,
    digest,
    signed_bytes,
)
from uncc.domain.keyids import kid_of
from uncc.errors import NotFoundError, UnccError
from uncc.services.context import NodeContext, audit, serialise
from uncc.services.identity import key_history, node_info
from uncc.services.jit_store import (
    Entry,
    Team,
    item_entries,
    last_entry,
    load_team,
    store_entry,
    store_signature,
    store_team,
)
from uncc.services.network import directory as network_directory
from uncc.services.network.outbox import alert

MAX_WAITING = 200
"""How many messages of one sender may wait in one team (a hostile member cannot fill the
database with messages that never become valid)."""


class RefusedError(Exception):
    """A team message that is not kept, with the reason."""


def member_key(conn: Connection, state: str, key_id: str) -> str | None:
    """The public key ``key_id`` of a member (the hub-signed directory, or our own history)."""
    member = network_directory.directory(conn).member(state)
    if member is not None:
        for key in member.keys:
            if key.kid == key_id == kid_of(key.public_key):
                return key.public_key
    if state == node_info(conn).state:
        return key_history(conn).get(key_id)
    return None


def holds(conn: Connection, body: TeamAgreement | LogEntry, signature: TeamSignature) -> bool:
    """True when the signature is the named State's, over exactly this body."""
    key = member_key(conn, signature.state, signature.key_id)
    if key is None:
        return False
    try:
        return bool(verifier(key)(signed_bytes(body), bytes.fromhex(signature.signature)))
    except ValueError:
        return False


class WaitingError(Exception):
    """A team message that needs another one first (its team, a signature, an item)."""


def received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """The effect of a ``jit_*`` message: kept, parked until what it needs arrives, or refused.

    Messages of different senders may arrive in any order (an acceptance before the
    proposal reached us, a use before the item it uses): those wait in ``jit_pending``
    and are taken up as soon as what they need is kept.
    """
    team = _team_of(envelope.type, envelope.body)
    serialise(conn, f"jit:{team}")
    outcome, reason = _attempt(ctx, conn, envelope.sender, envelope.type, envelope.body, team=team)
    if outcome == "kept":
        _retry(ctx, conn, team)
    elif outcome == "waiting":
        parked = conn.execute(
            select(func.count())
            .select_from(schema.jit_pending)
            .where(
                schema.jit_pending.c.team == team, schema.jit_pending.c.sender == envelope.sender
            )
        ).scalar_one()
        if parked >= MAX_WAITING:
            audit(
                conn,
                ctx.clock(),
                f"network:{envelope.sender}",
                envelope.type.replace("_", "."),
                obj=team,
                outcome="refused",
                reason=f"{envelope.sender} already has {parked} messages waiting in this team",
            )
            return
        conn.execute(
            insert(schema.jit_pending).values(
                team=team,
                sender=envelope.sender,
                type=envelope.type,
                body=envelope.body,
                reason=reason[:500],
                at=ctx.clock(),
            )
        )


def _team_of(kind: str, body: dict[str, Any]) -> str:
    if kind == "jit_proposal":
        return JitProposal.model_validate(body).agreement.team
    if kind == "jit_acceptance":
        return JitAcceptance.model_validate(body).team
    return JitEntry.model_validate(body).entry.team


def _attempt(
    ctx: NodeContext, conn: Connection, sender: str, kind: str, body: dict[str, Any], *, team: str
) -> tuple[str, str]:
    """Take one message: ``kept``, ``waiting`` (with what for) or ``refused`` (audited)."""
    now = ctx.clock()
    action = kind.replace("_", ".")
    try:
        if kind == "jit_proposal":
            _proposal(ctx, conn, sender, JitProposal.model_validate(body))
        elif kind == "jit_acceptance":
            _acceptance(ctx, conn, sender, JitAcceptance.model_validate(body))
        else:
            _entry(ctx, conn, sender, JitEntry.model_validate(body))
    except WaitingError as exc:
        reason = str(exc)[:500]
        audit(conn, now, f"network:{sender}", action, obj=team, outcome="waiting", reason=reason)
        return "waiting", reason
    except (RefusedError, UnccError) as exc:
        reason = str(exc)[:500]
        audit(conn, now, f"network:{sender}", action, obj=team, outcome="refused", reason=reason)
        alert(conn, now, f"team {team[:40]}: refused a {kind} from {sender}: {reason}")
        return "refused", reason
    audit(conn, now, f"network:{sender}", action, obj=team, outcome="ok")
    return "kept", ""


def _retry(ctx: NodeContext, conn: Connection, team: str) -> None:
    """Take up the team's parked messages that what was just kept lets through."""
    pending = schema.jit_pending
    progress = True
    while progress:
        progress = False
        rows = conn.execute(
            select(pending).where(pending.c.team == team).order_by(pending.c.id)
        ).all()
        for row in rows:
            outcome, _ = _attempt(ctx, conn, row.sender, row.type, row.body, team=team)
            if outcome != "waiting":
                conn.execute(delete(pending).where(pending.c.id == row.id))
            if outcome == "kept":
                progress = True
                break


def _proposal(ctx: NodeContext, conn: Connection, sender: str, proposal: JitProposal) -> None:
    agreement = proposal.agreement
    if not sender == agreement.proposer == proposal.signature.state:
        raise RefusedError(f"{sender} sent a proposal signed for {agreement.proposer}")
    check_member(agreement, node_info(conn).state)
    if not holds(conn, agreement, proposal.signature):
        raise RefusedError(f"the proposer's signature of {agreement.team} does not hold")
    try:
        held = load_team(conn, agreement.team)
    except NotFoundError:
        held = None
    if held is not None:
        if held.digest != digest(agreement):
            raise RefusedError(f"{sender} proposed another agreement under the id {agreement.team}")
        return
    store_team(conn, agreement, ctx.clock())
    store_signature(conn, agreement.team, proposal.signature, ctx.clock())
    alert(
        conn,
        ctx.clock(),
        f"{agreement.proposer} proposes joint investigation team {agreement.team}: {agreement.name}",
    )


def _acceptance(ctx: NodeContext, conn: Connection, sender: str, acceptance: JitAcceptance) -> None:
    if sender != acceptance.signature.state:
        raise RefusedError(f"{sender} sent {acceptance.signature.state}'s acceptance")
    team = _held(conn, acceptance.team)
    check_member(team.agreement, sender)
    if acceptance.agreement_digest != team.digest or sender in team.signed_by:
        raise RefusedError(f"not an acceptance of the agreement of {acceptance.team} held here")
    if not holds(conn, team.agreement, acceptance.signature):
        raise RefusedError(f"{sender}'s signature of {acceptance.team} does not hold")
    store_signature(conn, acceptance.team, acceptance.signature, ctx.clock())


def _entry(ctx: NodeContext, conn: Connection, sender: str, sent: JitEntry) -> None:
    entry = sent.entry
    if not sender == entry.author == sent.signature.state:
        raise RefusedError(f"{sender} sent an entry written as {entry.author}")
    team = _held(conn, entry.team)
    check_member(team.agreement, entry.author)
    if entry.author not in team.signed_by:
        raise WaitingError(f"{entry.author}'s signature of the agreement has not arrived")
    previous = last_entry(conn, entry.team, entry.author)
    if entry.seq > (1 if previous is None else previous.entry.seq + 1):
        raise WaitingError(f"{entry.author}'s entries before {entry.seq} have not arrived")
    items = item_entries(conn, entry.team)
    if entry.refers_to is not None and entry.refers_to not in items:
        raise WaitingError(f"the item entry {entry.refers_to[:12]}… has not arrived")
    check_entry(
        team.agreement, entry, previous=None if previous is None else previous.entry, items=items
    )
    if not holds(conn, entry, sent.signature):
        raise RefusedError(f"the signature of {entry.author}'s entry {entry.seq} does not hold")
    store_entry(conn, Entry(entry, sent.signature, digest(entry)), ctx.clock())


def _held(conn: Connection, team_id: str) -> Team:
    try:
        return load_team(conn, team_id)
    except NotFoundError:
        raise WaitingError(f"the proposal of team {team_id} has not arrived") from None
