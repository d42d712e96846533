"""The body of an evidence transfer: the manifest, the custody continuation, the orders (Art. 49).

It names no place to fetch from: the receiver fetches each blob from the sender's
endpoint in the hub-signed directory, never from a URL a message names.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field

from uncc.domain.message_parts import SHA256, TEXT, Body


class ManifestItem(Body):
    """One file of an evidence transfer."""

    sha256: SHA256
    size: int = Field(ge=0)
    filename: TEXT
    item: TEXT
    """The sender's evidence id."""


class CustodyLeaf(Body):
    """One custody event of the sender's log, with its RFC 9162 inclusion proof."""

    index: int = Field(ge=0)
    entry: Annotated[str, Field(min_length=2, max_length=8000)]
    """The leaf's bytes (canonical JSON of the event, with its time inside)."""
    proof: list[SHA256]


class CustodyContinuation(Body):
    """The sender's signed checkpoint and, per item sent, its custody leaves with proofs."""

    tree_size: int = Field(ge=1)
    root: SHA256
    signature: Annotated[str, Field(pattern=r"^[0-9a-f]{128}$")]
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    checkpoint_at: dt.datetime
    leaves: dict[str, list[CustodyLeaf]]
    """Sender's evidence id → its custody events, oldest first."""


class SenderOrderEvent(Body):
    """One move of the sender's order (who authorised, issued it, and when)."""

    command: TEXT
    actor: TEXT
    at: dt.datetime


class SenderOrder(Body):
    """The order under which the sender acquired an item: its legal basis, for Art. 49.

    Grounds and notes stay with the sender.
    """

    id: TEXT
    power: TEXT
    offences: list[TEXT]
    state: TEXT
    authorised_by: TEXT | None = None
    history: list[SenderOrderEvent] = Field(default_factory=list)


class EvidenceTransfer(Body):
    """Evidence sent to the requesting State, with its custody so far.

    It names no place to fetch from: the receiver fetches each blob from the sender's
    endpoint in the hub-signed directory, never from a URL a message names.
    """

    reference: TEXT
    items: list[ManifestItem] = Field(min_length=1)
    custody: CustodyContinuation
    orders: dict[str, SenderOrder] = Field(default_factory=dict)
    """Sender's evidence id → the order it was acquired under (items without one absent)."""
