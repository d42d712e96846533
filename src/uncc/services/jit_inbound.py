"""Joint investigation teams: what arrives from other members, and verifying the team log.

Every proposal, acceptance and log entry is checked before anything is kept: the sender
is the State that signed it (nobody relays or writes for another member), that State is
a member, its signature holds under its key in the hub-signed directory, the entry
follows its author's previous one, and every item and use stays within the agreed
limits. A message that fails is not kept (the refusal is audited and the contact points
told); :func:`verify` re-checks a whole team log as held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select

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
from uncc.domain.policy import Action, require
from uncc.errors import UnccError
from uncc.services.context import NodeContext, Principal, audit, audit_now, serialise
from uncc.services.identity import key_history, node_info
from uncc.services.jit_store import (
    Entry,
    entries,
    item_entries,
    last_entry,
    load_team,
    store_entry,
    store_signature,
    store_team,
)
from uncc.services.network import directory as network_directory
from uncc.services.network.outbox import alert


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


def proposal_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Keep a team proposed to this State, once its proposer's signature holds."""
    proposal = JitProposal.model_validate(envelope.body)
    agreement = proposal.agreement

    def check() -> None:
        if not envelope.sender == agreement.proposer == proposal.signature.state:
            raise RefusedError(f"{envelope.sender} sent a proposal signed for {agreement.proposer}")
        check_member(agreement, node_info(conn).state)
        if not holds(conn, agreement, proposal.signature):
            raise RefusedError(f"the proposer's signature of {agreement.team} does not hold")

    if _refused(ctx, conn, envelope, agreement.team, check):
        return
    store_team(conn, agreement, ctx.clock())
    store_signature(conn, agreement.team, proposal.signature, ctx.clock())
    alert(
        conn,
        ctx.clock(),
        f"{agreement.proposer} proposes joint investigation team {agreement.team}: {agreement.name}",
    )
    audit(
        conn,
        ctx.clock(),
        f"network:{envelope.sender}",
        "jit.proposed",
        obj=agreement.team,
        outcome="ok",
    )


def acceptance_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Keep a member's signature of a team's agreement, once it holds."""
    acceptance = JitAcceptance.model_validate(envelope.body)

    def check() -> None:
        team = load_team(conn, acceptance.team)
        if envelope.sender != acceptance.signature.state:
            raise RefusedError(f"{envelope.sender} sent {acceptance.signature.state}'s acceptance")
        check_member(team.agreement, envelope.sender)
        if acceptance.agreement_digest != team.digest or envelope.sender in team.signed_by:
            raise RefusedError(f"not an acceptance of the agreement of {acceptance.team} held here")
        if not holds(conn, team.agreement, acceptance.signature):
            raise RefusedError(f"{envelope.sender}'s signature of {acceptance.team} does not hold")

    if _refused(ctx, conn, envelope, acceptance.team, check):
        return
    store_signature(conn, acceptance.team, acceptance.signature, ctx.clock())
    audit(
        conn,
        ctx.clock(),
        f"network:{envelope.sender}",
        "jit.accepted",
        obj=acceptance.team,
        outcome="ok",
    )


def entry_received(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Keep an entry of the team log written and signed by the member that sent it."""
    sent = JitEntry.model_validate(envelope.body)
    entry = sent.entry

    def check() -> None:
        serialise(conn, f"jit:{entry.team}")
        team = load_team(conn, entry.team)
        if not envelope.sender == entry.author == sent.signature.state:
            raise RefusedError(f"{envelope.sender} sent an entry written as {entry.author}")
        check_member(team.agreement, entry.author)
        if entry.author not in team.signed_by:
            raise RefusedError(f"{entry.author} has not signed the agreement of {entry.team}")
        previous = last_entry(conn, entry.team, entry.author)
        check_entry(
            team.agreement,
            entry,
            previous=None if previous is None else previous.entry,
            items=item_entries(conn, entry.team),
        )
        if not holds(conn, entry, sent.signature):
            raise RefusedError(f"the signature of {entry.author}'s entry {entry.seq} does not hold")

    if _refused(ctx, conn, envelope, entry.team, check):
        return
    store_entry(conn, Entry(entry, sent.signature, digest(entry)), ctx.clock())
    audit(
        conn,
        ctx.clock(),
        f"network:{envelope.sender}",
        "jit.entry",
        obj=entry.team,
        outcome="ok",
        seq=entry.seq,
    )


def _refused(
    ctx: NodeContext, conn: Connection, envelope: Envelope, team: str, check: Callable[[], None]
) -> bool:
    """Run the checks; on a refusal audit it, tell the contact points, and say so."""
    try:
        check()
    except (RefusedError, UnccError) as exc:
        reason = str(exc)[:500]
        audit(
            conn,
            ctx.clock(),
            f"network:{envelope.sender}",
            f"jit.{envelope.type.removeprefix('jit_')}",
            obj=team,
            outcome="refused",
            reason=reason,
        )
        alert(
            conn,
            ctx.clock(),
            f"team {team[:40]}: refused a {envelope.type} from {envelope.sender}: {reason}",
        )
        return True
    return False


@dataclass(frozen=True)
class Verification:
    """What re-checking a team log found."""

    team: str
    agreed: bool
    signatures: int
    entries: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when the agreement and every entry hold."""
        return self.agreed and not self.problems


def verify(ctx: NodeContext, who: Principal, team_id: str) -> Verification:
    """Re-check a team as held.

    Every signature of the agreement and of every entry, each author's chain, and every
    item and use within the agreed limits.
    """
    require(who.roles, Action.NETWORK_READ)
    problems: list[str] = []
    with ctx.engine.connect() as conn:
        team = load_team(conn, team_id)
        rows = conn.execute(
            select(schema.jit_signatures).where(schema.jit_signatures.c.team == team_id)
        ).all()
        for row in rows:
            signature = TeamSignature(state=row.state, key_id=row.key_id, signature=row.signature)
            if row.state not in team.agreement.members or not holds(
                conn, team.agreement, signature
            ):
                problems.append(f"the agreement's signature by {row.state} does not hold")
        if digest(team.agreement) != team.digest:
            problems.append("the agreement held is not the one whose digest was signed")
        log = entries(conn, team_id)
        problems.extend(_log_problems(conn, team.agreement, log))
    agreed = set(team.signed_by) == set(team.agreement.members)
    result = Verification(team_id, agreed, len(rows), len(log), tuple(problems))
    audit_now(
        ctx,
        who.user,
        "jit.verify",
        obj=team_id,
        outcome="ok" if result.ok else "failed",
        problems=len(problems),
    )
    return result


def _log_problems(conn: Connection, agreement: TeamAgreement, log: list[Entry]) -> list[str]:
    problems: list[str] = []
    previous: dict[str, LogEntry] = {}
    items = {digest(e.entry): e.entry for e in log if e.entry.item is not None}
    for held in sorted(log, key=lambda e: (e.entry.author, e.entry.seq)):
        entry = held.entry
        where = f"{entry.author}'s entry {entry.seq}"
        if digest(entry) != held.digest:
            problems.append(f"{where}: changed since it was signed")
        if not holds(conn, entry, held.signature):
            problems.append(f"{where}: the signature does not hold")
        try:
            check_entry(agreement, entry, previous=previous.get(entry.author), items=items)
        except UnccError as exc:
            problems.append(f"{where}: {exc}")
        previous[entry.author] = entry
    return problems
