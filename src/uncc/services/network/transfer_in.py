"""Taking in evidence the other State sent: custody checked, blobs fetched, hashes matched.

The receiver checks the sender's custody continuation against the sender's key from
the directory (signed checkpoint, RFC 9162 inclusion proofs, a last ``transferred``
event naming us), fetches each blob with a signed request, streams it into its own
vault, and accepts it only when the hash matches; its own first custody event names
the sender's checkpoint, so the two logs link.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, select

from uncc import __version__
from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import merkle
from uncc.domain.custody import Checkpoint, CustodyEvent, CustodyKind
from uncc.domain.envelope import Envelope
from uncc.domain.evidence import EvidenceItem
from uncc.domain.keyids import kid_of
from uncc.domain.messages import EvidenceTransfer
from uncc.domain.policy import Action, require
from uncc.errors import (
    ConflictError,
    NotFoundError,
    TransportError,
)
from uncc.services import evidence
from uncc.services.context import NodeContext, Principal, audit, serialise
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network import sealing
from uncc.services.network.fetch import (
    blob_url,
    fetch_header,
)
from uncc.services.network.outbox import alert
from uncc.services.network.requests import (
    conversation_row,
)
from uncc.services.network.transport import Transport

log = logging.getLogger("uncc.network")


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def check_continuation(
    transfer: EvidenceTransfer, sender_key: str, sender_key_id: str, me: str
) -> list[str]:
    """Every problem with the custody continuation; empty when it all holds."""
    custody = transfer.custody
    problems: list[str] = []
    if custody.key_id != sender_key_id:
        problems.append(
            f"checkpoint signed with key {custody.key_id}, the sender's key is {sender_key_id}"
        )
    message = Checkpoint.message(
        custody.tree_size, custody.root, custody.checkpoint_at, custody.key_id
    )
    if not verifier(sender_key)(message, bytes.fromhex(custody.signature)):
        problems.append("the checkpoint's signature does not hold for the sender's key")
    head = bytes.fromhex(custody.root)
    for item in transfer.items:
        chain = custody.leaves.get(item.item, [])
        if not chain:
            problems.append(f"{item.item}: no custody events")
            continue
        for leaf in chain:
            entry = leaf.entry.encode()
            if not merkle.verify_inclusion(
                leaf.index,
                custody.tree_size,
                merkle.leaf_hash(entry),
                [bytes.fromhex(p) for p in leaf.proof],
                head,
            ):
                problems.append(f"{item.item}: custody entry {leaf.index} is not in the signed log")
                continue
            event = CustodyEvent.from_leaf(entry)
            if event.evidence != item.item or event.sha256 != item.sha256:
                problems.append(
                    f"{item.item}: custody entry {leaf.index} is about {event.evidence} {event.sha256[:12]}"
                )
        final = CustodyEvent.from_leaf(chain[-1].entry.encode())
        if final.kind is not CustodyKind.TRANSFERRED or final.details.get("to") != me:
            problems.append(f"{item.item}: the last custody event is not a transfer to {me}")
    return problems


class _ChunkReader:
    """A file-like reader over an iterator of chunks (to stream a download into the vault)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def accept_evidence(
    ctx: NodeContext, who: Principal, conversation_id: str, transport: Transport
) -> list[str]:
    """Verify, fetch and take into our vault the evidence the other State sent (new ids)."""
    require(who.roles, Action.EVIDENCE_ADD)
    with ctx.engine.connect() as conn:
        talk = conversation_row(conn, conversation_id)
        if talk["case_id"] is None:
            raise ConflictError(
                f"request {conversation_id} has no case here to take the evidence into"
            )
        offers = (
            conn.execute(
                select(schema.thread)
                .where(
                    schema.thread.c.conversation == conversation_id,
                    schema.thread.c.type == "evidence_transfer",
                    schema.thread.c.direction == "in",
                )
                .order_by(schema.thread.c.id)
            )
            .mappings()
            .all()
        )
        taken = {
            (r.details or {}).get("message_item")
            for r in conn.execute(
                select(schema.audit.c.details).where(
                    schema.audit.c.action == "network.evidence_accepted",
                    schema.audit.c.object == conversation_id,
                )
            )
        }
        me = node_info(conn).state
        held = network_directory.directory(conn)
    if not offers:
        raise NotFoundError(f"no evidence was sent on request {conversation_id}")
    accepted: list[str] = []
    for offer in offers:
        transfer = EvidenceTransfer.model_validate(offer["body"])
        member = held.member(talk["peer"])
        key = (
            next(
                (
                    k
                    for k in member.keys
                    if k.kid == transfer.custody.key_id == kid_of(k.public_key)
                ),
                None,
            )
            if member
            else None
        )
        if key is None:
            raise ConflictError(
                f"the custody checkpoint's key {transfer.custody.key_id} is not a key of {talk['peer']} in the directory"
            )
        problems = check_continuation(transfer, key.public_key, key.kid, me)
        if problems:
            _refused(ctx, who, conversation_id, problems)
            raise ConflictError("the custody continuation does not hold: " + "; ".join(problems))
        for item in transfer.items:
            marker = f"{offer['message']}/{item.item}"
            if marker in taken:
                continue
            url = blob_url(held, talk["peer"], item.sha256)
            custody = transfer.custody
            try:
                received = evidence.add_evidence(
                    ctx,
                    who,
                    talk["case_id"],
                    source=_ChunkReader(
                        sealing.open_blob(
                            ctx,
                            transport.chunks(url, fetch_header(ctx, talk["peer"], item.sha256)),
                            item.sha256,
                        )
                    ),  # type: ignore[arg-type]
                    filename=item.filename,
                    acquisition={
                        "tool": "uncc I-24/7 evidence transfer",
                        "tool_version": __version__,
                        "source": f"{talk['peer']} evidence {item.item} (message {offer['message']})",
                    },
                    custody_details={
                        "received_from": talk["peer"],
                        "sender_item": item.item,
                        "sender_message": offer["message"],
                        "sender_checkpoint": {
                            "size": custody.tree_size,
                            "root": custody.root,
                            "key_id": custody.key_id,
                            "signature": custody.signature,
                            "at": custody.checkpoint_at.isoformat(),
                        },
                        "sender_leaves": [
                            merkle.leaf_hash(leaf.entry.encode()).hex()
                            for leaf in custody.leaves[item.item]
                        ],
                    },
                    expected_sha256=item.sha256,
                    also=_taken_in(ctx, who, conversation_id, marker),
                )
            except _AlreadyTaken:  # another intake took it in meanwhile
                continue
            except ConflictError as exc:
                _refused(ctx, who, conversation_id, [f"{item.item}: {exc}"])
                raise
            except TransportError as exc:
                log.warning("evidence fetch from %s failed: %s", talk["peer"], exc)
                _refused(ctx, who, conversation_id, [f"{item.item}: fetch failed: {exc}"])
                raise TransportError(
                    f"the evidence could not be fetched from {talk['peer']}: {exc}"
                ) from None
            accepted.append(received.id)
    return accepted


class _AlreadyTaken(Exception):  # noqa: N818 - not an error: the work was done
    """The item was taken in by another intake; the new copy is rolled back."""


def _taken_in(
    ctx: NodeContext, who: Principal, conversation_id: str, marker: str
) -> Callable[[Connection, EvidenceItem], None]:
    """The "taken in" marker, written in the transaction that records the item: both or neither.

    Under the conversation's lock, an item another intake took in meanwhile is refused
    (and the copy rolled back), so that an item is never taken in twice.
    """

    def mark(conn: Connection, received: EvidenceItem) -> None:
        serialise(conn, f"intake:{conversation_id}")
        done = conn.execute(
            select(schema.audit.c.details).where(
                schema.audit.c.action == "network.evidence_accepted",
                schema.audit.c.object == conversation_id,
                schema.audit.c.outcome == "ok",
            )
        ).scalars()
        if any((details or {}).get("message_item") == marker for details in done):
            raise _AlreadyTaken(marker)
        audit(
            conn,
            ctx.clock(),
            who.user,
            "network.evidence_accepted",
            obj=conversation_id,
            outcome="ok",
            message_item=marker,
            evidence=received.id,
            sha256=received.sha256,
        )

    return mark


def _refused(ctx: NodeContext, who: Principal, conversation_id: str, problems: list[str]) -> None:
    with ctx.engine.begin() as conn:
        audit(
            conn,
            ctx.clock(),
            who.user,
            "network.evidence_accepted",
            obj=conversation_id,
            outcome="refused",
            problems=problems,
        )


def offered(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
    """Evidence is offered: tell the contact points and investigators it can be taken in."""
    transfer = EvidenceTransfer.model_validate(envelope.body)
    alert(
        conn,
        ctx.clock(),
        f"{envelope.sender} sent {len(transfer.items)} evidence item(s) on {transfer.reference}: "
        f"verify and take them in on the request's page, /network/requests/{envelope.conversation}"
        f" (or 'uncc request accept-evidence {envelope.conversation}')",
    )
