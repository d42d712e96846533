"""A member's custody heads kept by witnesses: the hub and the peers it names.

The member sends its newest signed head to each witness (``publish``; the network
sender does it when the log has grown, retrying a witness that is down with backoff),
with a consistency proof from the head that witness cosigned last. ``verify`` fetches
every witness's newest cosigned head for this node and requires today's log to extend
it; a witness that does not answer is named, never waited for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select, update

from uncc.adapters import jws
from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import merkle, note
from uncc.domain.custody import Break, BreakKind
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, TransportError
from uncc.services import custody_log
from uncc.services.context import NodeContext, Principal, audit
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.outbox import backoff
from uncc.services.network.transport import Transport
from uncc.services.network.witness import (
    HEAD_FORMAT,
    WITNESS_PATH,
    decode_size,
    encode_request,
    member_keys,
)


@dataclass(frozen=True)
class Witness:
    """A node that keeps this node's heads: its State, endpoint and public keys."""

    state: str
    endpoint: str
    keys: tuple[str, ...]


@dataclass
class Published:
    """What sending the head to the witnesses gave."""

    size: int
    cosigned: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)
    unreached: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """What the witnesses' cosigned heads say about today's log."""

    breaks: list[Break] = field(default_factory=list)
    reached: list[str] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)


def witnesses(conn: Connection, now: dt.datetime) -> list[Witness]:
    """The hub and every peer this node named as a witness (not itself)."""
    try:
        cfg = network_directory.config(conn)
        held = network_directory.directory(conn)
    except NotFoundError:  # not in a network, or no directory yet: no witness to ask
        return []
    me = node_info(conn).state
    found: dict[str, Witness] = {}
    if cfg.hub_state != me:
        found[cfg.hub_state] = Witness(cfg.hub_state, cfg.hub_endpoint, (cfg.hub_key,))
    for state in conn.execute(select(schema.custody_witnesses.c.witness)).scalars():
        member = held.member(state)
        if state != me and state not in found and member is not None:
            found[state] = Witness(state, member.endpoint, tuple(member_keys(held, state, now)))
    return list(found.values())


@dataclass(frozen=True)
class WitnessStatus:
    """A witness of this node's log, and what it last did with our heads."""

    state: str
    size: int | None
    cosigned_at: dt.datetime | None
    attempts: int
    last_error: str | None


def statuses(ctx: NodeContext, who: Principal) -> list[WitnessStatus]:
    """Every witness of this node's log: the newest head each cosigned, the last failure."""
    require(who.roles, Action.NETWORK_READ)
    with ctx.engine.connect() as conn:
        found = witnesses(conn, ctx.clock())
        rows = {r["witness"]: r for r in conn.execute(select(schema.custody_witnesses)).mappings()}
    result = []
    for witness in found:
        row = rows.get(witness.state)
        at = None if row is None else row["cosigned_at"]
        result.append(
            WitnessStatus(
                witness.state,
                None if row is None else row["size"],
                at if at is None or at.tzinfo else at.replace(tzinfo=dt.UTC),
                0 if row is None else row["attempts"],
                None if row is None else row["last_error"],
            )
        )
    return result


def name_witness(ctx: NodeContext, who: Principal, state: str) -> None:
    """Name a member as a witness of this node's custody log (besides the hub)."""
    require(who.roles, Action.NETWORK_ADMIN)
    with ctx.engine.begin() as conn:
        held = network_directory.directory(conn)
        if held.member(state) is None:
            raise NotFoundError(f"{state} is not a member of the network")
        if state == node_info(conn).state:
            raise ConflictError("a node cannot witness its own log")
        known = conn.execute(
            select(schema.custody_witnesses.c.witness).where(
                schema.custody_witnesses.c.witness == state
            )
        ).first()
        if known is None:
            conn.execute(insert(schema.custody_witnesses).values(witness=state, attempts=0))
        audit(conn, ctx.clock(), who.user, "witness.named", obj=state, outcome="ok")


def _held(conn: Connection, state: str) -> int:
    size = conn.execute(
        select(schema.custody_witnesses.c.size).where(schema.custody_witnesses.c.witness == state)
    ).scalar()
    return int(size or 0)


def _tree(conn: Connection) -> merkle.Tree:
    hashes = conn.execute(
        select(schema.custody.c.leaf_hash).order_by(schema.custody.c.seq)
    ).scalars()
    return merkle.Tree([bytes(h) for h in hashes])


def _ask(
    ctx: NodeContext, transport: Transport, witness: Witness, ask: _Ask, old: int
) -> tuple[int, str]:
    signed, tree, me = ask.signed, ask.tree, ask.me
    size = signed.head.size
    proof = tree.consistency_proof(old, size) if 0 < old < size <= tree.size else []
    claim = {
        "uncc": HEAD_FORMAT,
        "state": me,
        "note": signed.text(),
        "old": old,
        "proof": [p.hex() for p in proof],
        "at": ctx.clock().isoformat(),
    }
    token = jws.sign(ctx.key(), encode_request(claim))
    return transport.post(witness.endpoint + WITNESS_PATH, token)


@dataclass(frozen=True)
class _Ask:
    signed: note.SignedNote
    tree: merkle.Tree
    me: str


def _send(ctx: NodeContext, transport: Transport, witness: Witness, ask: _Ask) -> tuple[str, str]:
    """('cosigned' | 'refused' | 'unreached', the cosigned note or the reason)."""
    with ctx.engine.connect() as conn:
        old = _held(conn, witness.state)
    try:
        status, text = _ask(ctx, transport, witness, ask, old)
        if status == 409:  # the witness holds another size: prove from there
            theirs = decode_size(text)
            if theirs is None or theirs > ask.signed.head.size:
                return "refused", f"the witness holds a head of {text[:20]} entries"
            status, text = _ask(ctx, transport, witness, ask, theirs)
    except TransportError as exc:
        return "unreached", str(exc)
    if status != 200:
        return "refused", f"HTTP {status}: {text[:300]}"
    try:
        cosigned = note.parse(text)
    except note.NoteError as exc:
        return "refused", f"the answer is not a cosigned note: {exc}"
    name = note.witness_name(witness.state)
    if cosigned.head != ask.signed.head or not any(
        cosigned.cosigned_at(name, bytes.fromhex(k), verifier(k)) is not None for k in witness.keys
    ):
        return "refused", "the answer is not our head cosigned by the witness"
    return "cosigned", text


def publish(ctx: NodeContext, transport: Transport, *, only_due: bool = False) -> Published:
    """Send the newest signed head to every witness; what each answered.

    With ``only_due`` a witness is asked only when it holds an older head and its
    retry time (backoff after a failure) has come.
    """
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        found = witnesses(conn, now)
        size = custody_log.newest_size(conn)
        due = [w for w in found if not only_due or _due(conn, w.state, size, now)]
        if not due:
            return Published(size)
        signed = custody_log.signed_head(ctx, conn)
        ask = _Ask(signed, _tree(conn), node_info(conn).state)
    report = Published(signed.head.size)
    for witness in due:
        outcome, text = _send(ctx, transport, witness, ask)
        _remember(ctx, witness.state, outcome, text, signed.head.size)
        if outcome == "cosigned":
            report.cosigned.append(witness.state)
        elif outcome == "refused":
            report.refused[witness.state] = text
        else:
            report.unreached[witness.state] = text
    return report


def publish_as(ctx: NodeContext, who: Principal, transport: Transport) -> Published:
    """Send the newest head to every witness now, at a user's request (administrators)."""
    require(who.roles, Action.NETWORK_ADMIN)
    report = publish(ctx, transport)
    with ctx.engine.begin() as conn:
        audit(
            conn,
            ctx.clock(),
            who.user,
            "witness.publish",
            obj="",
            outcome="ok" if not report.refused else "refused",
            size=report.size,
            cosigned=report.cosigned,
            refused=sorted(report.refused),
            unreached=sorted(report.unreached),
        )
    return report


def _due(conn: Connection, state: str, size: int, now: dt.datetime) -> bool:
    row = (
        conn.execute(
            select(schema.custody_witnesses).where(schema.custody_witnesses.c.witness == state)
        )
        .mappings()
        .first()
    )
    if row is None:
        return size > 0
    if (row["size"] or 0) >= size:
        return False
    if row["attempted_at"] is None or not row["last_error"]:
        return True
    last = row["attempted_at"]
    last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
    return bool(now >= last + backoff(row["attempts"], lambda: 0.0))


def _remember(ctx: NodeContext, state: str, outcome: str, text: str, size: int) -> None:
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        row = conn.execute(
            select(schema.custody_witnesses.c.attempts).where(
                schema.custody_witnesses.c.witness == state
            )
        ).first()
        if row is None:
            conn.execute(insert(schema.custody_witnesses).values(witness=state, attempts=0))
        values: dict[str, object] = {"attempted_at": now}
        if outcome == "cosigned":
            values |= {
                "note": text,
                "size": size,
                "cosigned_at": now,
                "attempts": 0,
                "last_error": None,
            }
        else:
            values |= {
                "attempts": (row.attempts if row else 0) + 1,
                "last_error": f"{outcome}: {text}",
            }
        conn.execute(
            update(schema.custody_witnesses)
            .where(schema.custody_witnesses.c.witness == state)
            .values(**values)
        )
        if outcome == "refused":
            audit(
                conn,
                now,
                "network",
                "witness.refused_our_head",
                obj=state,
                outcome="refused",
                reason=text[:300],
            )


def check_witnesses(
    ctx: NodeContext, transport: Transport, tree: merkle.Tree, name: str, keys: dict[str, str]
) -> Seen:
    """Fetch each witness's newest cosigned head of this node; today's log must extend it."""
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        found = witnesses(conn, now)
        me = node_info(conn).state if found else ""
    seen = Seen()
    by_size: dict[int, tuple[str, bytes]] = {}
    for witness in found:
        where = f"witness {witness.state}"
        try:
            status, body = transport.get(f"{witness.endpoint}{WITNESS_PATH}/{me}")
        except TransportError:
            seen.unreached.append(witness.state)
            continue
        seen.reached.append(witness.state)
        if status == 404:
            continue
        text = body.decode("utf-8", errors="replace")
        try:
            signed = note.parse(text)
        except note.NoteError as exc:
            seen.breaks.append(
                Break(where, f"its head is not a checkpoint note: {exc}", BreakKind.HEAD_INVALID)
            )
            continue
        wname = note.witness_name(witness.state)
        if not any(
            signed.cosigned_at(wname, bytes.fromhex(k), verifier(k)) is not None
            for k in witness.keys
        ):
            seen.breaks.append(
                Break(where, "its head does not carry its cosignature", BreakKind.HEAD_INVALID)
            )
            continue
        seen.breaks += custody_log.check_head(text, name=name, keys=keys, tree=tree, where=where)
        other = by_size.setdefault(signed.head.size, (witness.state, signed.head.root))
        if other[1] != signed.head.root:
            seen.breaks.append(
                Break(
                    where,
                    f"it and witness {other[0]} hold two heads of size {signed.head.size} "
                    "signed by this node (fork)",
                    BreakKind.FORK,
                )
            )
    return seen
