"""The custody log as stored, and its signed tree head as a C2SP checkpoint note.

The head (``uncc evidence head``) is the newest checkpoint's size and root, written as
a c2sp.org/tlog-checkpoint note signed with the node key under the log's origin. A
head kept outside the node — a file, a report given to a court, a witness's
cosignature — is checked against today's log with an RFC 9162 consistency proof: if
the log no longer extends it, entries were removed or rewritten (a rollback or a fork).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import IntegrityError

from uncc.adapters.crypto import verifier
from uncc.adapters.db import schema
from uncc.domain import merkle, note
from uncc.domain.custody import Break, BreakKind, Checkpoint
from uncc.domain.policy import Action, require
from uncc.domain.vault import Logged
from uncc.domain.vault_state import Snapshot, digest_of
from uncc.errors import KeyAccessError
from uncc.services.context import NodeContext, Principal, audit_now
from uncc.services.identity import key_history, node_info


@dataclass(frozen=True)
class StoredLog:
    """The custody table and the checkpoints table, in order."""

    leaves: list[bytes]
    hashes: list[bytes]
    checkpoints: list[Checkpoint]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def load(conn: Connection) -> StoredLog:
    """Every leaf with its recorded hash, and every checkpoint, as stored."""
    rows = conn.execute(
        select(schema.custody.c.leaf, schema.custody.c.leaf_hash).order_by(schema.custody.c.seq)
    ).all()
    points = [
        Checkpoint(r.size, r.root, _aware(r.at), r.key_id, r.signature)
        for r in conn.execute(select(schema.checkpoints).order_by(schema.checkpoints.c.id)).all()
    ]
    return StoredLog([bytes(r.leaf) for r in rows], [bytes(r.leaf_hash) for r in rows], points)


def held_keys(ctx: NodeContext, conn: Connection) -> dict[str, str]:
    """The node's signing keys (old ones too) that it holds a key file for: kid → public key.

    The key history is in the database: an insider who can write it but not the node's
    key files could list a key of their own and re-sign a rewritten log with it. Only
    keys the node holds a file for count as the node's.
    """
    return {
        kid: public
        for kid, public in key_history(conn).items()
        if ctx.held_public_key(kid) == public
    }


def checkpoint_verifier(keys: dict[str, str]) -> Callable[[Checkpoint], bool]:
    """A check of checkpoint signatures by the key each names, from the node's key history."""
    checks = {kid: verifier(public) for kid, public in keys.items()}

    def holds(checkpoint: Checkpoint) -> bool:
        check = checks.get(checkpoint.key_id)
        try:
            signature = bytes.fromhex(checkpoint.signature)
        except ValueError:
            return False
        return check is not None and bool(check(checkpoint.signed_bytes(), signature))

    return holds


def state_verifier(keys: dict[str, str]) -> Callable[[Snapshot], bool]:
    """A check of a state snapshot's signature by the key it names (one the node holds)."""
    checks = {kid: verifier(public) for kid, public in keys.items()}

    def holds(snapshot: Snapshot) -> bool:
        check = checks.get(snapshot.key_id)
        try:
            signature = bytes.fromhex(snapshot.signature)
        except ValueError:
            return False
        return check is not None and bool(check(snapshot.signed_bytes(), signature))

    return holds


def newest_state(conn: Connection) -> Snapshot | None:
    """The newest signed snapshot of the items' state, as stored (None without one)."""
    r = conn.execute(
        select(schema.custody_states).order_by(schema.custody_states.c.id.desc()).limit(1)
    ).first()
    if r is None:
        return None
    return Snapshot(r.size, r.root, r.digest, _aware(r.at), r.key_id, r.signature, r.format)


def entries_of(ctx: NodeContext) -> Callable[[Collection[str], int], list[int]]:
    """The custody table's index: the entries below a size that name one of some items."""

    def numbers(items: Collection[str], size: int) -> list[int]:
        found: list[int] = []
        chosen = sorted(items)
        with ctx.engine.connect() as conn:
            for start in range(0, len(chosen), 500):
                found += conn.scalars(
                    select(schema.custody.c.seq).where(
                        schema.custody.c.evidence_id.in_(chosen[start : start + 500]),
                        schema.custody.c.seq < size,
                    )
                ).all()
        return found

    return numbers


def record_state(ctx: NodeContext, tree: merkle.Tree, held: dict[str, Logged]) -> None:
    """Sign and keep the items' state replayed from the whole log (``tree``): nothing wrong.

    Older snapshots are dropped. Without access to the node key (an encrypted key file
    and no passphrase) none is made: verification then replays the whole log.
    """
    record_digest(ctx, tree, digest_of(held))


def record_digest(ctx: NodeContext, tree: merkle.Tree, digest: str) -> None:
    """Sign and keep ``digest``, the items' state after the log's entries (``tree``).

    Only for a state verified to be the log's own, nothing wrong found (:func:`record_state`,
    or a verification from a snapshot that found the rows to be its state at the head).
    Older snapshots are dropped; without access to the node key none is made, nor when
    the row cannot be written (an id taken by a row someone inserted by hand): the
    snapshot only saves time, the verification's report stands without it.
    """
    try:
        _record(ctx, tree, digest)
    except (KeyAccessError, IntegrityError):
        return


def _record(ctx: NodeContext, tree: merkle.Tree, digest: str) -> None:
    with ctx.engine.begin() as conn:
        key = ctx.key(conn)
        at = dt.datetime.now(dt.UTC)
        unsigned = Snapshot(tree.size, tree.root().hex(), digest, at, key.key_id, "")
        signature = key.sign(unsigned.signed_bytes()).hex()
        conn.execute(
            schema.custody_states.insert().values(
                format=unsigned.format,
                size=unsigned.size,
                root=unsigned.root,
                digest=digest,
                at=at,
                key_id=key.key_id,
                signature=signature,
            )
        )
        conn.execute(
            schema.custody_states.delete().where(
                schema.custody_states.c.id
                < select(func.max(schema.custody_states.c.id)).scalar_subquery()
            )
        )


def origin(conn: Connection) -> str:
    """This node's custody log origin line."""
    return note.origin_of(node_info(conn).state)


def newest_size(conn: Connection) -> int:
    """The size of the newest checkpoint (0 without one)."""
    last = conn.execute(
        select(schema.checkpoints.c.size).order_by(schema.checkpoints.c.id.desc()).limit(1)
    ).scalar()
    return int(last or 0)


def signed_head(ctx: NodeContext, conn: Connection) -> note.SignedNote:
    """The newest checkpoint as a C2SP checkpoint note, signed now with the node key."""
    last = conn.execute(
        select(schema.checkpoints.c.size, schema.checkpoints.c.root)
        .order_by(schema.checkpoints.c.id.desc())
        .limit(1)
    ).first()
    size, root = (0, merkle.EMPTY_ROOT) if last is None else (last.size, bytes.fromhex(last.root))
    name = origin(conn)
    key = ctx.key(conn)
    return note.sign_head(
        note.Head(name, size, root), name, bytes.fromhex(key.public_hex), key.sign
    )


def head_json(signed: note.SignedNote) -> dict[str, Any]:
    """A head as data: the note (what to keep), and its origin, size and root (hex)."""
    return {
        "note": signed.text(),
        "origin": signed.head.origin,
        "size": signed.head.size,
        "root": signed.head.root.hex(),
    }


def current_head(ctx: NodeContext) -> dict[str, Any]:
    """The node's signed tree head now, as data (see :func:`head_json`)."""
    with ctx.engine.connect() as conn:
        return head_json(signed_head(ctx, conn))


def export_head(ctx: NodeContext, who: Principal) -> dict[str, Any]:
    """The signed head for a user to keep outside the node (audited)."""
    require(who.roles, Action.EVIDENCE_VERIFY)
    with ctx.engine.connect() as conn:
        head = head_json(signed_head(ctx, conn))
    audit_now(ctx, who.user, "evidence.head", obj="", outcome="ok", size=head["size"])
    return head


def ours(signed: note.SignedNote, name: str, keys: dict[str, str]) -> bool:
    """True when the note is signed under ``name`` by one of the node's keys (old or new)."""
    return any(
        signed.signed_by(name, bytes.fromhex(public), verifier(public)) for public in keys.values()
    )


def extends(tree: merkle.Tree, head: note.Head, where: str) -> list[Break]:
    """A break unless today's log (``tree``) extends ``head``, by an RFC 9162 consistency proof."""
    if head.size > tree.size:
        return [
            Break(
                where,
                f"the head covers {head.size} entries, the log now has {tree.size}: "
                "entries were removed (rollback)",
                BreakKind.ROLLBACK,
            )
        ]
    if head.size == 0:
        return []
    proof = tree.consistency_proof(head.size)
    if merkle.verify_consistency(head.size, tree.size, proof, head.root, tree.root()):
        return []
    return [
        Break(
            where,
            f"today's log of {tree.size} entries does not extend the head of {head.size}: "
            "entries were rewritten (fork)",
            BreakKind.FORK,
        )
    ]


def check_head(
    text: str, *, name: str, keys: dict[str, str], tree: merkle.Tree, where: str
) -> list[Break]:
    """Every break between a head kept elsewhere (a note) and today's log."""
    try:
        signed = note.parse(text)
    except note.NoteError as exc:
        return [Break(where, f"not a checkpoint note: {exc}", BreakKind.HEAD_INVALID)]
    if signed.head.origin != name:
        return [
            Break(
                where,
                f"the head is of the log {signed.head.origin}, this node's is {name}",
                BreakKind.HEAD_INVALID,
            )
        ]
    if not ours(signed, name, keys):
        return [
            Break(
                where, "the head is not signed by any of this node's keys", BreakKind.HEAD_INVALID
            )
        ]
    return extends(tree, signed.head, where)
