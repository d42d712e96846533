"""Joint investigation teams: re-checking a whole team as held, signatures and chains.

What :mod:`uncc.services.jit_inbound` checks of each message as it arrives, done again
over the rows, so that a row changed afterwards (an insider with the database) is found.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from uncc.adapters.db import schema
from uncc.domain.jit import LogEntry, TeamAgreement, TeamSignature, check_entry, digest
from uncc.domain.policy import Action, require
from uncc.errors import UnccError
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.jit_inbound import holds
from uncc.services.jit_store import Entry, entries, load_team


@dataclass(frozen=True)
class Verification:
    """What re-checking a team log found."""

    team: str
    agreed: bool
    signatures: int
    entries: int
    problems: tuple[str, ...]
    waiting: int = 0
    """Messages of members that arrived before what they need (not in the log yet)."""

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
        waiting = conn.execute(
            select(func.count())
            .select_from(schema.jit_pending)
            .where(schema.jit_pending.c.team == team_id)
        ).scalar_one()
        problems.extend(_log_problems(conn, team.agreement, log))
    agreed = set(team.signed_by) == set(team.agreement.members)
    result = Verification(team_id, agreed, len(rows), len(log), tuple(problems), waiting)
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
