"""Posting stored messages: several to one receiver in a batch, one alone the usual way.

The sender groups the messages due for one endpoint into batches (at most
``MAX_BATCH`` envelopes and ``BATCH_BYTES`` of body each) and posts each batch to
``/network/v1/inbox/batch``: one HTTP request, one commit at the receiver, one signed
receipt per envelope. A single message goes to ``/network/v1/inbox`` as before. A
receiver that does not know batches (404 or 405: an older node) or takes a smaller
body (413) gets the batch's messages one by one, so nodes of both versions talk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from uncc.adapters import jws
from uncc.domain.envelope import EnvelopeError
from uncc.domain.messages import Receipt
from uncc.errors import TransportError
from uncc.services.network.envelopes import open_envelope
from uncc.services.network.inbox_batch import BATCH_PATH, MAX_BATCH
from uncc.services.network.transport import Transport

__all__ = [  # MAX_BATCH too: the sender reads its cap here
    "BATCH_BYTES",
    "INBOX_PATH",
    "MAX_BATCH",
    "SINGLES",
    "Posted",
    "batches",
    "post_batch",
    "receipt",
    "unknown_signer",
]

INBOX_PATH = "/network/v1/inbox"
BATCH_BYTES = 1 << 20
"""The most body bytes the sender puts in one batch (a receiver takes 2 MiB by default)."""
SINGLES = {404, 405, 413}
"""Answers to a batch that mean "send them one by one": no batch route, or a smaller cap."""


@dataclass
class Posted:
    """What came back for one message: the HTTP status and text, or why nothing did."""

    row: Any
    status: int = 0
    text: str = ""
    error: str | None = None
    """The transport's failure (no answer): nothing was received for this message."""


def batches(ready: Iterable[tuple[Any, str]]) -> Iterator[list[tuple[Any, str]]]:
    """(row, wire token) pairs for one endpoint, in order, cut into batches."""
    batch: list[tuple[Any, str]] = []
    size = 0
    for row, token in ready:
        if batch and (len(batch) >= MAX_BATCH or size + len(token) + 1 > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((row, token))
        size += len(token) + 1
    if batch:
        yield batch


def post_batch(transport: Transport, endpoint: str, batch: list[tuple[Any, str]]) -> list[Posted]:
    """Post one batch (a lone message the usual way); what came back for each message."""
    if len(batch) == 1:
        return [_single(transport, endpoint, *batch[0])]
    body = "\n".join(token for _, token in batch)
    try:
        status, text = transport.post(endpoint + BATCH_PATH, body)
    except TransportError as exc:
        return [Posted(row, error=str(exc)) for row, _ in batch]
    if status in SINGLES:
        return [_single(transport, endpoint, row, token) for row, token in batch]
    if status != 200:
        return [Posted(row, status, error=f"HTTP {status} to a batch") for row, _ in batch]
    receipts = text.split("\n")
    return [
        Posted(row, 200, receipts[n] if n < len(receipts) else "")
        for n, (row, _) in enumerate(batch)
    ]


def _single(transport: Transport, endpoint: str, row: Any, token: str) -> Posted:
    try:
        status, text = transport.post(endpoint + INBOX_PATH, token)
    except TransportError as exc:
        return Posted(row, error=str(exc))
    return Posted(row, status, text)


def receipt(
    text: str, message_id: str, directory: Any, me: str, now: dt.datetime
) -> Receipt | None:
    """The verified receipt for ``message_id`` in an answer, or None (none, forged, another's)."""
    try:
        envelope = open_envelope(text.strip(), directory=directory, me=me, now=now)
    except EnvelopeError:
        return None
    if envelope.type != "receipt":
        return None
    receipt = Receipt.model_validate(envelope.body)
    return receipt if receipt.message == message_id else None


def unknown_signer(text: str, directory: Any, now: dt.datetime) -> bool:
    """True when a receipt is signed with a key the directory does not list (now)."""
    try:
        return directory.key(str(jws.header(text.strip())["kid"]), now) is None
    except jws.SignatureError:
        return False
