"""A node as a witness of other members' custody logs (c2sp.org/tlog-cosignature).

A member sends its newest signed custody head (a C2SP checkpoint note) in a request it
signs with its node key, with the size of the last head this witness cosigned for it
and a consistency proof from there. The witness checks the member's signature on the
note and the proof against the last head it cosigned, then cosigns and keeps the head.
When the head is not consistent — smaller than the one cosigned (a rollback), or of the
same size with another root, or whose proof fails (a fork) — it refuses, keeps both
heads as evidence, tells its administrators and contact points, and alerts the hub.
Witnesses compare the heads they hold: two heads of one size with different roots,
both signed by the member, prove a fork.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import rfc8785
from sqlalchemy import Connection, insert, select, update

from uncc.adapters import jws
from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import merkle, note
from uncc.domain.directory import Directory
from uncc.errors import PermissionDeniedError, TransportError, UserInputError
from uncc.services.context import NodeContext, audit, serialise
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.outbox import alert
from uncc.services.network.transport import Transport

WITNESS_PATH = "/network/v1/witness"
"""POST a head to be cosigned; GET ``/network/v1/witness/{state}``: the newest cosigned."""
ALERT_PATH = "/network/v1/witness/alerts"
HEAD_FORMAT = "custody-head/1"
FRESH = dt.timedelta(minutes=5)
"""How far a head request's time may be from the witness's clock."""
ALERT_FORMAT = "custody-alert/1"


@dataclass(frozen=True)
class Conflict:
    """Two heads of one member's log that cannot both be true."""

    state: str
    kind: str
    """``rollback`` or ``fork``."""
    held: str
    offered: str
    reason: str


def member_keys(held: Directory, state: str, now: dt.datetime) -> list[str]:
    """The public keys (hex) a member signs with, as the directory lists them now."""
    member = held.member(state)
    return [] if member is None else [k.public_key for k in member.keys if k.valid_at(now)]


def signed_by_member(signed: note.SignedNote, state: str, keys: list[str]) -> bool:
    """True when the note is the member's custody head, signed by one of its keys."""
    name = note.origin_of(state)
    return signed.head.origin == name and any(
        signed.signed_by(name, bytes.fromhex(k), verifier(k)) for k in keys
    )


def _newest(conn: Connection, state: str) -> Any:
    return (
        conn.execute(
            select(schema.witnessed)
            .where(schema.witnessed.c.state == state)
            .order_by(schema.witnessed.c.size.desc(), schema.witnessed.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _inconsistent(last: Any, head: note.Head, proof: list[bytes]) -> str | None:
    """Why ``head`` cannot extend the last cosigned head; None when it does."""
    if last is None:
        return None
    root = bytes.fromhex(last["root"])
    if head.size < last["size"]:
        return f"rollback: the head has {head.size} entries, {last['size']} were cosigned"
    if head.size == last["size"]:
        return None if head.root == root else f"fork: another root for size {head.size}"
    if merkle.verify_consistency(last["size"], head.size, proof, root, head.root):
        return None
    return f"fork: no consistency proof from the cosigned size {last['size']} to {head.size}"


def record(
    ctx: NodeContext, conn: Connection, conflict: Conflict, reporter: str, proof: list[str]
) -> int:
    """Keep the evidence of a conflict, notify the administrators and contact points; its id.

    The same refused head offered again (the member retries) is kept and notified once.
    """
    now = ctx.clock()
    known = conn.execute(
        select(schema.witness_conflicts.c.id).where(
            schema.witness_conflicts.c.state == conflict.state,
            schema.witness_conflicts.c.offered == conflict.offered,
            schema.witness_conflicts.c.reported_by == reporter,
        )
    ).scalar()
    if known is not None:
        return int(known)
    found = conn.execute(
        insert(schema.witness_conflicts).values(
            state=conflict.state,
            kind=conflict.kind,
            reported_by=reporter,
            held=conflict.held,
            offered=conflict.offered,
            proof=proof,
            at=now,
            hub_alerted=False,
        )
    )
    alert(
        conn,
        now,
        f"Custody witness: {conflict.state}'s log is not append-only ({conflict.reason}); "
        f"both signed heads are kept (reported by {reporter})",
    )
    audit(
        conn,
        now,
        f"network:{reporter}",
        "witness.conflict",
        obj=conflict.state,
        outcome="refused",
        kind=conflict.kind,
        reason=conflict.reason,
    )
    key = found.inserted_primary_key
    return int(key[0]) if key else 0


def _parse_claim(ctx: NodeContext, conn: Connection, token: str) -> tuple[str, Any, Directory]:
    held = network_directory.directory(conn)
    state, claim = network_directory.member_signed(held, token, ctx.clock(), "custody head")
    if not isinstance(claim, dict) or claim.get("uncc") != HEAD_FORMAT:
        raise UserInputError(f"a custody head request is a '{HEAD_FORMAT}' document")
    if claim.get("state") != state:
        raise PermissionDeniedError(f"{state} may send only its own custody head")
    return state, claim, held


def take_head(ctx: NodeContext, token: str, transport: Transport | None = None) -> tuple[int, str]:
    """At a witness: check and cosign a member's head. (HTTP status, body).

    200 and the cosigned note; 409 and the size of the head last cosigned when the head
    is larger and the member's ``old`` size is not that one (the member proves again
    from there), or when a smaller head comes in a request made before the larger one
    was cosigned (out of order, or replayed: not evidence); 422 and the reason when the
    head is inconsistent — smaller than the one cosigned, or another root for its size,
    whatever ``old`` says, or a proof that fails (refused, kept as evidence, alerted).
    The request must be from within five minutes of the witness's clock.

    Raises:
        PermissionDeniedError: not signed by a member, or the note not by that member.
        UserInputError: not a custody head request, or not a checkpoint note.
    """
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        state, claim, held = _parse_claim(ctx, conn, token)
        serialise(conn, f"witness:{state}")  # one head of a member at a time: no fork twice
        me = node_info(conn).state
        try:
            signed = note.parse(str(claim.get("note", "")))
            old = int(claim.get("old", -1))
            proof = [bytes.fromhex(str(p)) for p in claim.get("proof", [])]
            sent = dt.datetime.fromisoformat(str(claim.get("at")))
        except (note.NoteError, ValueError, TypeError) as exc:
            raise UserInputError(f"custody head: {exc}") from None
        if sent.tzinfo is None or abs(now - sent) > FRESH:
            raise PermissionDeniedError("the custody head request is not from now (replayed?)")
        if state == me or not signed_by_member(signed, state, member_keys(held, state, now)):
            raise PermissionDeniedError(f"the note is not {state}'s custody head signed by it")
        last = _newest(conn, state)
        size = 0 if last is None else last["size"]
        grows = last is None or signed.head.size > size
        late = last is not None and signed.head.size < size and _aware(last["at"]) > sent
        if (grows and old != size) or late:  # prove from our size; or an older request
            return 409, str(size)
        reason = _inconsistent(last, signed.head, proof)
        if reason is None:
            return 200, _cosign(ctx, conn, state, signed, me)
        conflict = Conflict(state, reason.split(":")[0], last["note"], signed.text(), reason)
        number = record(ctx, conn, conflict, me, [p.hex() for p in proof])
    if transport is not None:
        alert_hub(ctx, transport, conflict, number)
    return 422, f"refused: {reason}"


def _cosign(
    ctx: NodeContext, conn: Connection, state: str, signed: note.SignedNote, me: str
) -> str:
    """Cosign the head, keep it; the cosigned note."""
    now = ctx.clock()
    key = ctx.key(conn)
    line = note.cosign(
        signed.head,
        note.witness_name(me),
        bytes.fromhex(key.public_hex),
        int(now.timestamp()),
        key.sign,
    )
    cosigned = signed.with_lines(line)
    conn.execute(
        insert(schema.witnessed).values(
            state=state,
            size=signed.head.size,
            root=signed.head.root.hex(),
            note=cosigned.text(),
            at=now,
        )
    )
    audit(
        conn,
        now,
        f"network:{state}",
        "witness.cosigned",
        obj=state,
        outcome="ok",
        size=signed.head.size,
    )
    return cosigned.text()


def alert_hub(ctx: NodeContext, transport: Transport, conflict: Conflict, number: int) -> bool:
    """Send the evidence of a conflict to the hub (unless this node is the hub). Sent?"""
    with ctx.engine.connect() as conn:
        cfg = network_directory.config(conn)
        me = node_info(conn).state
    if cfg.hub_state == me:
        sent = True
    else:
        claim = {
            "uncc": ALERT_FORMAT,
            "reporter": me,
            "state": conflict.state,
            "kind": conflict.kind,
            "held": conflict.held,
            "offered": conflict.offered,
            "reason": conflict.reason,
            "at": ctx.clock().isoformat(),
        }
        try:
            status, _ = transport.post(
                cfg.hub_endpoint + ALERT_PATH, jws.sign(ctx.key(), rfc8785.dumps(claim))
            )
        except TransportError:
            status = 0
        sent = status == 200
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.witness_conflicts)
            .where(schema.witness_conflicts.c.id == number)
            .values(hub_alerted=sent)
        )
    return sent


def take_alert(ctx: NodeContext, token: str) -> str:
    """At the hub: a witness's evidence that a member's log is not append-only.

    Kept (with the alert of the hub's administrators) only when both heads are signed
    by the accused member and really conflict: a smaller head after a larger one, or
    two roots for one size.

    Raises:
        PermissionDeniedError: not signed by a member, or heads not signed by the accused.
        UserInputError: not an alert, or heads that do not conflict by themselves.
    """
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        held = network_directory.directory(conn)
        reporter, claim = network_directory.member_signed(held, token, now, "witness alert")
        if not isinstance(claim, dict) or claim.get("uncc") != ALERT_FORMAT:
            raise UserInputError(f"a witness alert is a '{ALERT_FORMAT}' document")
        state = str(claim.get("state", ""))
        try:
            first = note.parse(str(claim.get("held", "")))
            second = note.parse(str(claim.get("offered", "")))
        except note.NoteError as exc:
            raise UserInputError(f"witness alert: {exc}") from None
        keys = member_keys(held, state, now)
        if not (signed_by_member(first, state, keys) and signed_by_member(second, state, keys)):
            raise PermissionDeniedError(f"the heads are not both signed by {state}")
        kind = str(claim.get("kind"))
        if kind not in {"rollback", "fork"} or first.head == second.head:
            raise UserInputError("a witness alert names a rollback or a fork between two heads")
        conflict = Conflict(state, kind, first.text(), second.text(), str(claim.get("reason")))
        record(ctx, conn, conflict, reporter, [])
    return "kept"


def newest_note(ctx: NodeContext, state: str) -> str | None:
    """The newest head of ``state`` this witness cosigned (the note), if any."""
    with ctx.engine.connect() as conn:
        last = _newest(conn, state)
    return None if last is None else str(last["note"])


def heads_json(ctx: NodeContext, state: str) -> dict[str, Any] | None:
    """The newest cosigned head of ``state`` as data (note, size, root)."""
    text = newest_note(ctx, state)
    if text is None:
        return None
    signed = note.parse(text)
    return {"note": text, "size": signed.head.size, "root": signed.head.root.hex()}


def encode_request(claim: dict[str, Any]) -> bytes:
    """The canonical bytes of a head request (what the member signs)."""
    return rfc8785.dumps(claim)


def decode_size(text: str) -> int | None:
    """The witness's size from a 409 answer; None when it is not a size."""
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, int) and value >= 0 else None
