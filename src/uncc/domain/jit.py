"""Joint investigation teams (CETS 224 Art. 12): the agreement, the signed team log, the checks.

Two or more States agree a team by signing one agreement (its members, purpose, period
and the uses the exchanged items may be put to); each keeps its own case and analysis
under its own law. The team shares a log of decisions, items exchanged and uses made of
them: each entry is signed by the State that wrote it and chained to that State's
previous entry, so any member can check that no entry was forged, changed, dropped or
reordered, and that every use stays within the agreed limits.

Pure: the signatures are checked by the caller (:func:`signed_bytes` gives what is
signed); the rules that do not need keys are here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from uncc.domain.message_parts import SHA256, STATE, TEXT, Body
from uncc.errors import ConflictError, PermissionDeniedError, UserInputError

TEAM_ID = Annotated[str, Field(pattern=r"^[A-Z]{2}-JIT-[0-9]{4}-[0-9]{4,6}$")]
USE = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
"""An agreed use, as a short word: ``investigation``, ``prosecution``, ``asset_recovery``."""

LEGAL_BASIS = "CETS 224 Art. 12"
"""The Second Additional Protocol to the Budapest Convention, joint investigation teams."""


class TeamAgreement(Body):
    """What the States agree: who, for what, until when, and what items may be used for."""

    team: TEAM_ID
    name: TEXT
    purpose: TEXT
    members: list[STATE] = Field(min_length=2, max_length=20)
    uses: list[USE] = Field(min_length=1, max_length=20)
    """The only uses the items exchanged in the team may be put to."""
    onward_transfer: bool = False
    """May a member pass an item on to a State outside the team (never, unless agreed)."""
    starts: dt.date
    ends: dt.date
    proposer: STATE
    legal_basis: TEXT = LEGAL_BASIS

    @model_validator(mode="after")
    def _coherent(self) -> TeamAgreement:
        if len(set(self.members)) != len(self.members):
            msg = "members: a State is named twice"
            raise ValueError(msg)
        if self.proposer not in self.members:
            msg = "members: the proposing State must be a member"
            raise ValueError(msg)
        if self.ends < self.starts:
            msg = "ends: the team cannot end before it starts"
            raise ValueError(msg)
        if not self.team.startswith(f"{self.proposer}-"):
            msg = "team: the id begins with the proposing State's code"
            raise ValueError(msg)
        return self


class TeamSignature(Body):
    """One State's Ed25519 signature (by its node key) over an agreement or an entry."""

    state: STATE
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    signature: Annotated[str, Field(pattern=r"^[0-9a-f]{128}$")]


class JitProposal(Body):
    """A proposed team: the agreement, signed by the proposing State (message ``jit_proposal``)."""

    agreement: TeamAgreement
    signature: TeamSignature


class JitAcceptance(Body):
    """A member's signature of the agreement (message ``jit_acceptance``, to every member)."""

    team: TEAM_ID
    agreement_digest: SHA256
    signature: TeamSignature


class SharedItem(Body):
    """An item one member gives the team, with the uses it may be put to."""

    reference: TEXT
    """The author's own reference (an evidence id, a document number)."""
    sha256: SHA256 | None = None
    uses: list[USE] = Field(min_length=1)


class LogEntry(Body):
    """One entry of the team log, as its author signs it."""

    team: TEAM_ID
    author: STATE
    seq: int = Field(ge=1)
    """The author's entries are numbered from 1, without gaps."""
    prev: SHA256 | None = None
    """The digest of the author's previous entry (none for the first)."""
    at: dt.datetime
    kind: Literal["decision", "item", "use"]
    text: TEXT
    item: SharedItem | None = None
    """For ``item``: what is given, and the uses allowed."""
    refers_to: SHA256 | None = None
    """For ``use``: the digest of the ``item`` entry whose item is used."""
    use: USE | None = None
    """For ``use``: what the item is used for."""
    to_state: STATE | None = None
    """For ``use``: the State the item is passed to, when the use is passing it on."""

    @model_validator(mode="after")
    def _shape(self) -> LogEntry:
        if (self.kind == "item") != (self.item is not None):
            msg = "item: an item entry gives an item, and only an item entry does"
            raise ValueError(msg)
        if (self.kind == "use") != (self.refers_to is not None and self.use is not None):
            msg = "use: a use entry names the item entry (refers_to) and the use, and only it does"
            raise ValueError(msg)
        if self.to_state is not None and self.kind != "use":
            msg = "to_state: only a use entry passes an item on"
            raise ValueError(msg)
        if (self.seq == 1) != (self.prev is None):
            msg = "prev: the first entry has no previous one; every later entry names it"
            raise ValueError(msg)
        return self


class JitEntry(Body):
    """A log entry with its author's signature (message ``jit_entry``, to every member)."""

    entry: LogEntry
    signature: TeamSignature


def canonical(body: BaseModel) -> bytes:
    """The bytes of a body that are hashed and signed: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def signed_bytes(body: TeamAgreement | LogEntry) -> bytes:
    """What a State signs: a label of the kind of thing, then its canonical bytes."""
    label = b"uncc-jit-agreement/1\n" if isinstance(body, TeamAgreement) else b"uncc-jit-entry/1\n"
    return label + canonical(body)


def digest(body: TeamAgreement | LogEntry) -> str:
    """The SHA-256 of what is signed: how entries and acceptances name what they refer to."""
    return hashlib.sha256(signed_bytes(body)).hexdigest()


def check_member(agreement: TeamAgreement, state: str) -> None:
    """Only a member of the team takes part in it.

    Raises:
        PermissionDeniedError: ``state`` is not one of the agreement's members.
    """
    if state not in agreement.members:
        raise PermissionDeniedError(
            f"{state} is not a member of team {agreement.team} ({', '.join(agreement.members)})"
        )


def check_entry(
    agreement: TeamAgreement,
    entry: LogEntry,
    *,
    previous: LogEntry | None,
    items: Mapping[str, LogEntry],
) -> None:
    """The rules of the log that need no key: membership, period, chain and use limits.

    ``previous`` is the author's last entry held; ``items`` the item entries held, by
    digest.

    Raises:
        PermissionDeniedError: the author is not a member.
        ConflictError: the entry breaks its author's chain (a gap, a replay, a fork).
        UserInputError: outside the team's period, or a use beyond the agreed limits
            (the field is named).
    """
    check_member(agreement, entry.author)
    if entry.team != agreement.team:
        raise UserInputError(f"team: the entry is for {entry.team}, not {agreement.team}")
    if not agreement.starts <= entry.at.date() <= agreement.ends:
        raise UserInputError(
            f"at: team {agreement.team} runs from {agreement.starts} to {agreement.ends}"
        )
    expected = 1 if previous is None else previous.seq + 1
    if entry.seq != expected or entry.prev != (None if previous is None else digest(previous)):
        raise ConflictError(
            f"entry {entry.seq} of {entry.author} does not follow its entry {expected - 1} in the team log"
        )
    if entry.item is not None:
        beyond = sorted(set(entry.item.uses) - set(agreement.uses))
        if beyond:
            raise UserInputError(
                f"item.uses: {', '.join(beyond)} beyond the uses the team agreed ({', '.join(agreement.uses)})"
            )
    if entry.refers_to is not None:
        given = items.get(entry.refers_to)
        if given is None or given.item is None:
            raise UserInputError(f"refers_to: no item entry {entry.refers_to[:12]}… in the log")
        if entry.use not in given.item.uses:
            raise UserInputError(
                f"use: '{entry.use}' is beyond the uses {given.author} allowed for "
                f"{given.item.reference} ({', '.join(given.item.uses)})"
            )
        outside = entry.to_state is not None and entry.to_state not in agreement.members
        if outside and not agreement.onward_transfer:
            raise UserInputError(
                f"to_state: {entry.to_state} is not a member of team {agreement.team}, "
                "and the agreement allows no onward transfer"
            )
