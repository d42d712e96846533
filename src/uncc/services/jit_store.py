"""Joint investigation teams in the database: agreements, signatures and the team log.

Rows only, inside the caller's transaction; the commands are in :mod:`uncc.services.jit`
and what arrives from other members in :mod:`uncc.services.jit_inbound`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, insert, select, update

from uncc.adapters.db import schema
from uncc.domain.jit import LogEntry, TeamAgreement, TeamSignature, digest
from uncc.errors import NotFoundError


@dataclass(frozen=True)
class Team:
    """A team as this node holds it: the agreement, who signed, and the State's own case."""

    agreement: TeamAgreement
    digest: str
    status: str
    """``proposed`` until every member has signed, then ``agreed``."""
    signed_by: tuple[str, ...]
    case_id: str | None

    @property
    def id(self) -> str:
        """The team's id (the proposing State's code first)."""
        return self.agreement.team


@dataclass(frozen=True)
class Entry:
    """One entry of the team log with its author's signature and its digest."""

    entry: LogEntry
    signature: TeamSignature
    digest: str


def store_team(
    conn: Connection, agreement: TeamAgreement, now: dt.datetime, case_id: str | None = None
) -> None:
    """Keep a team's agreement (proposed: not every member has signed yet)."""
    conn.execute(
        insert(schema.jit_teams).values(
            id=agreement.team,
            agreement=agreement.model_dump(mode="json"),
            digest=digest(agreement),
            status="proposed",
            case_id=case_id,
            created_at=now,
        )
    )


def store_signature(
    conn: Connection, team_id: str, signature: TeamSignature, now: dt.datetime
) -> None:
    """Keep a member's signature of the agreement; the team is agreed once all have signed."""
    conn.execute(
        insert(schema.jit_signatures).values(
            team=team_id,
            state=signature.state,
            key_id=signature.key_id,
            signature=signature.signature,
            at=now,
        )
    )
    team = load_team(conn, team_id)
    if set(team.signed_by) == set(team.agreement.members) and team.status != "agreed":
        conn.execute(
            update(schema.jit_teams)
            .where(schema.jit_teams.c.id == team_id)
            .values(status="agreed", agreed_at=now)
        )


def store_entry(conn: Connection, signed: Entry, now: dt.datetime) -> None:
    """Keep a signed entry of the team log."""
    conn.execute(
        insert(schema.jit_entries).values(
            team=signed.entry.team,
            author=signed.entry.author,
            seq=signed.entry.seq,
            digest=signed.digest,
            entry=signed.entry.model_dump(mode="json"),
            key_id=signed.signature.key_id,
            signature=signed.signature.signature,
            received_at=now,
        )
    )


def load_team(conn: Connection, team_id: str) -> Team:
    """A team held here.

    Raises:
        NotFoundError: no such team.
    """
    row = conn.execute(select(schema.jit_teams).where(schema.jit_teams.c.id == team_id)).first()
    if row is None:
        raise NotFoundError(f"no joint investigation team {team_id[:60]} here")
    signed = conn.execute(
        select(schema.jit_signatures.c.state)
        .where(schema.jit_signatures.c.team == team_id)
        .order_by(schema.jit_signatures.c.state)
    ).scalars()
    return Team(
        TeamAgreement.model_validate(row.agreement),
        row.digest,
        row.status,
        tuple(signed),
        row.case_id,
    )


def entries(conn: Connection, team_id: str) -> list[Entry]:
    """The team log as held here, in the order the entries were written or received."""
    rows = conn.execute(
        select(schema.jit_entries)
        .where(schema.jit_entries.c.team == team_id)
        .order_by(
            schema.jit_entries.c.received_at, schema.jit_entries.c.author, schema.jit_entries.c.seq
        )
    ).all()
    return [
        Entry(
            LogEntry.model_validate(r.entry),
            TeamSignature(state=r.author, key_id=r.key_id, signature=r.signature),
            r.digest,
        )
        for r in rows
    ]


def last_entry(conn: Connection, team_id: str, author: str) -> Entry | None:
    """An author's newest entry in the team log held here."""
    table = schema.jit_entries
    row = conn.execute(
        select(table)
        .where(table.c.team == team_id, table.c.author == author)
        .order_by(table.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return Entry(
        LogEntry.model_validate(row.entry),
        TeamSignature(state=row.author, key_id=row.key_id, signature=row.signature),
        row.digest,
    )


def item_entries(conn: Connection, team_id: str) -> dict[str, LogEntry]:
    """The item entries of the team log, by digest."""
    return {e.digest: e.entry for e in entries(conn, team_id) if e.entry.item is not None}
