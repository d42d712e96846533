"""What a node answers, as typed records (Pydantic): the shapes of the API's JSON bodies.

Unknown fields are kept (``extra="allow"``), so a newer node that adds a field does not
break an older client.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class NodeInfo(_Out):
    """The node's State, name, signing key and profile."""

    state: str
    name: str
    public_key: str
    key_id: str
    profile: str


class CaseSummary(_Out):
    """A case in a list."""

    id: str
    title: str
    status: str


class CaseNote(_Out):
    """A note on a case."""

    author: str
    at: dt.datetime
    text: str


class Case(_Out):
    """A case with its incident facts and their analysis under the node's profile."""

    id: str
    title: str
    status: str = "open"
    created_by: str = ""
    facts: dict[str, Any] = Field(default_factory=dict)
    analysis: dict[str, Any] = Field(default_factory=dict)

    def findings(self, state: str | None = None) -> list[tuple[str, str]]:
        """(offence id, best status) for a State (the node's own by default).

        An offence counts as established when any act or actor establishes it, else
        undetermined when any may, else not established (as the node shows it).
        """
        chosen = state or self.analysis["states"][0]
        rank = {"established": 2, "undetermined": 1, "not_established": 0}
        best: dict[str, str] = {}
        for offence in self.analysis["offences"]:
            mine = next((s for s in offence["states"] if s["state"] == chosen), None)
            status = (mine or offence)["status"]
            current = best.get(offence["offence"])
            if current is None or rank[status] > rank[current]:
                best[offence["offence"]] = status
        return list(best.items())


class Target(_Out):
    """What an order is directed at."""

    id: str
    kind: str
    location: str | None = None


class OrderMove(_Out):
    """One move in an order's history."""

    command: str
    to: str
    actor: str
    at: dt.datetime
    note: str = ""


class Order(_Out):
    """An order under one of the Convention's powers, with its history."""

    id: str
    case: str
    power: str
    state: str
    offences: list[str]
    targets: list[Target]
    requires_authorisation: bool
    confidential: str | None = None
    issued_at: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    renewals: int = 0
    request: str | None = None
    """The request received from another State that the order answers."""
    history: list[OrderMove] = Field(default_factory=list)


class Notice(_Out):
    """A notice addressed to the caller (an order that expired …)."""

    at: dt.datetime
    text: str


class Notification(_Out):
    """One notification: when, what kind, about what, its text, the page to open, read or not."""

    id: int
    at: dt.datetime
    kind: str
    object: str
    text: str
    link: str
    read: bool


class EvidenceItem(_Out):
    """An item in the vault."""

    id: str
    case: str
    filename: str
    size: int
    sha256: str
    sealed: bool = False


class Uploaded(_Out):
    """What an upload became: the item, its size and SHA-256."""

    id: str
    sha256: str
    size: int
    filename: str = ""


class UploadSession(_Out):
    """A resumable upload: how much the node holds, and the largest chunk it takes."""

    id: str
    case: str
    filename: str
    size: int
    offset: int
    chunk_bytes: int


class Checkpoint(_Out):
    """A signed checkpoint of the custody log."""

    size: int
    root: str
    at: dt.datetime
    key_id: str
    signature: str


class CustodyEntry(_Out):
    """A custody event with its Merkle inclusion proof and the checkpoint it is proved against."""

    seq: int
    kind: str
    sha256: str
    actor: str
    at: dt.datetime
    details: dict[str, Any] = Field(default_factory=dict)
    leaf_hash: str
    proof: list[str]
    checkpoint: Checkpoint


class Annotation(_Out):
    """A reviewer's note on an item, as its custody event recorded it."""

    entry: int
    by: str
    at: dt.datetime
    text: str


class Review(_Out):
    """An item's tags now and every annotation (from its custody events)."""

    tags: list[str]
    annotations: list[Annotation]


class Break(_Out):
    """One thing found wrong by a verification."""

    where: str
    kind: str
    problem: str
    item: str | None = None


class VaultReport(_Out):
    """The result of verifying the whole vault."""

    ok: bool
    entries: int
    items: int
    breaks: list[Break]
    witnesses: list[str] = Field(default_factory=list)
    unreached: list[str] = Field(default_factory=list)
    replayed_from: int = 0
    """The events were replayed from the signed state snapshot at this entry (0: the start)."""


class Head(_Out):
    """The custody log's signed tree head (a C2SP checkpoint note)."""

    note: str
    size: int
    root: str


class DocumentCheck(_Out):
    """Whether a verification code, or a printed file, is a document the node issued."""

    matches: bool
    code: str | None
    detail: str
    kind: str | None = None
    object: str | None = None
    issued_at: dt.datetime | None = None
    issued_by: str | None = None
    head: dict[str, Any] | None = None
    file_matches: bool | None = None


class AuditEntry(_Out):
    """One entry of the audit trail."""

    seq: int
    at: dt.datetime
    actor: str
    action: str
    object: str
    outcome: str
    details: dict[str, Any] = Field(default_factory=dict)


class Account(_Out):
    """A user of the node."""

    user: str
    roles: list[str]
    active: bool
    second_factor: bool
    created_at: dt.datetime
    awaiting: list[str] = Field(default_factory=list)


class Preferences(_Out):
    """One's settings: the pages' language (``None``: the browser's), time zone, mail address."""

    language: str | None = None
    time_zone: str
    email: str | None = None


class Grant(_Out):
    """A grant of the judge or admin role, asked by one administrator for another to decide."""

    id: str
    user: str
    role: str
    status: str
    requested_by: str
    requested_at: dt.datetime
    decided_by: str | None = None
    decided_at: dt.datetime | None = None


class PropertyItem(_Out):
    """Property of a case (Art. 50) and what orders did to it."""

    id: str
    account: str
    location: str | None = None
    assessed: str
    held: str | None = None
    kind: str
    derived_from: str | None = None
    model: str | None = None
    basis: str | None = None
    status: str


class ProtectedPerson(_Out):
    """A protected person by pseudonym, with views, claims and measures."""

    id: str
    pseudonym: str
    kind: str
    provision: str
    views: str = ""
    claims: list[dict[str, Any]] = Field(default_factory=list)
    measures: str = ""


class ThreadMessage(_Out):
    """One message of a request's thread."""

    at: dt.datetime | None = None
    direction: str
    sender: str | None = None
    type: str
    body: dict[str, Any] = Field(default_factory=dict)


class Request(_Out):
    """A cross-border request (a conversation) with its timers and thread."""

    id: str
    peer: str
    direction: str
    kind: str
    urgency: str
    reference: str
    status: str
    case: str | None = None
    order: str | None = None
    orders: list[str] = Field(default_factory=list)
    """Our orders drafted for a request received here."""
    acknowledge_by: dt.datetime
    answer_by: dt.datetime
    acknowledged_at: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    late: list[str] = Field(default_factory=list)
    thread: list[ThreadMessage] = Field(default_factory=list)
