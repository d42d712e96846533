"""Reviewing evidence: its bytes read back (verified while streaming), tags and annotations.

Reading an item's content is audited, refused for a sealed item (rendered inaccessible,
Art. 46(3)(d)) and, for an item taken under a confidential order, to a reader without
need to know (answered as if there were no such item; the refusal is audited). The
bytes are checked against the recorded SHA-256 as they stream: the last chunk is held
back until the hash is known, so a reader never receives a whole file that differs from
what was recorded.

Tags and annotations are custody events (``tagged``, ``untagged``, ``annotated``):
signed into the custody log like every other event, shown in the custody chain, the
admissibility report and the CASE export, and replayed by whole-vault verification.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.custody import CustodyEvent, CustodyKind
from uncc.domain.evidence import EvidenceItem
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, RuleViolation, StorageError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, audit_now
from uncc.services.evidence import _append, _get, _order_refusal

SEALED = "art_46__para_3__point_d"
TAG = re.compile(r"[\w][\w .:/-]{0,39}")
"""A tag: 1–40 letters, digits, spaces and ``. : / - _``, starting with a letter or digit."""
MAX_NOTE = 2000


@dataclass(frozen=True)
class Annotation:
    """A reviewer's note on an item, as its custody event recorded it."""

    seq: int
    by: str
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class Review:
    """An item's tags now, and every annotation, from its custody events."""

    tags: list[str] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)


def _reachable(
    ctx: NodeContext, conn: Connection, who: Principal, item_id: str, action: str
) -> EvidenceItem:
    """The item, if the reader may reach it; a refusal for a confidential order is audited."""
    item = _get(conn, item_id)
    order = item.acquisition.order_id
    if order is not None and _order_refusal(conn, who, item.case_id, order) is not None:
        audit_now(
            ctx,
            who.user,
            action,
            obj=item_id,
            outcome="refused",
            reason="confidential order: no need to know",
        )
        raise NotFoundError(f"no evidence item {item_id}")
    return item


def review_of(conn: Connection, item_id: str) -> Review:
    """The tags an item has now and its annotations, replayed from its custody events."""
    tags: dict[str, None] = {}
    notes: list[Annotation] = []
    rows = conn.execute(
        select(schema.custody.c.leaf)
        .where(schema.custody.c.evidence_id == item_id)
        .order_by(schema.custody.c.seq)
    ).scalars()
    for leaf in rows:
        event = CustodyEvent.from_leaf(bytes(leaf))
        if event.kind is CustodyKind.TAGGED:
            tags[str(event.details.get("tag"))] = None
        elif event.kind is CustodyKind.UNTAGGED:
            tags.pop(str(event.details.get("tag")), None)
        elif event.kind is CustodyKind.ANNOTATED:
            notes.append(
                Annotation(event.seq, event.actor, event.at, str(event.details.get("text")))
            )
    return Review(sorted(tags), notes)


def get_review(ctx: NodeContext, who: Principal, item_id: str) -> Review:
    """An item's tags and annotations (read with the custody log)."""
    require(who.roles, Action.CUSTODY_READ)
    with ctx.engine.connect() as conn:
        _get(conn, item_id)
        return review_of(conn, item_id)


def _custody_change(
    ctx: NodeContext, who: Principal, item_id: str, kind: CustodyKind, **details: str
) -> Review:
    require(who.roles, Action.EVIDENCE_ANNOTATE)
    action = f"evidence.{kind.value}"
    with ctx.engine.connect() as conn:
        _reachable(ctx, conn, who, item_id, action)
    with ctx.engine.begin() as conn:
        item = _get(conn, item_id, lock=True)
        before = review_of(conn, item_id)
        tag = details.get("tag")
        if kind is CustodyKind.TAGGED and tag in before.tags:
            raise ConflictError(f"tag: {item_id} is already tagged '{tag}'")
        if kind is CustodyKind.UNTAGGED and tag not in before.tags:
            raise ConflictError(f"tag: {item_id} has no tag '{tag}'")
        now = ctx.clock()
        event = _append(ctx, conn, kind=kind, item=item, actor=who.user, at=now, **details)
        audit(conn, now, who.user, action, obj=item_id, outcome="ok", entry=event.seq, **details)
        return review_of(conn, item_id)


def _tag(value: str) -> str:
    tag = value.strip()
    if not TAG.fullmatch(tag):
        raise UserInputError(
            "tag: 1 to 40 letters, digits, spaces or . : / - _, starting with a letter or digit"
        )
    return tag


def tag(
    ctx: NodeContext, who: Principal, item_id: str, value: str, *, remove: bool = False
) -> Review:
    """Tag an item (or remove a tag): a custody event signed into the log.

    Raises:
        UserInputError: not a tag (the field is named).
        ConflictError: already tagged so (or, to remove, not tagged so).
        NotFoundError: no such item, or one under a confidential order without need to know.
    """
    kind = CustodyKind.UNTAGGED if remove else CustodyKind.TAGGED
    return _custody_change(ctx, who, item_id, kind, tag=_tag(value))


def annotate(ctx: NodeContext, who: Principal, item_id: str, text: str) -> Review:
    """Annotate an item: the reviewer's note, a custody event signed into the log.

    Raises:
        UserInputError: an empty or too long note (the field is named).
        NotFoundError: no such item, or one under a confidential order without need to know.
    """
    note = text.strip()
    if not note or len(note) > MAX_NOTE or any(ord(c) < 32 and c not in "\n\t" for c in note):
        raise UserInputError(
            f"text: write the annotation (1 to {MAX_NOTE} characters, no control characters)"
        )
    return _custody_change(ctx, who, item_id, CustodyKind.ANNOTATED, text=note)


@dataclass(frozen=True)
class Content:
    """An item's bytes to send, checked against the recorded SHA-256 as they go."""

    item: EvidenceItem
    chunks: Generator[bytes, None, None]


def open_content(
    ctx: NodeContext, who: Principal, item_id: str, *, purpose: str = "download"
) -> Content:
    """The item's bytes for a reader who may have them (audited: who, which item, why).

    ``purpose`` is ``download`` or ``preview``: both are recorded in the audit trail.

    Raises:
        PermissionDeniedError: the role may not read evidence content.
        NotFoundError: no such item, or one under a confidential order without need to know.
        RuleViolation: the item is sealed (Art. 46(3)(d)).
    """
    require(who.roles, Action.EVIDENCE_CONTENT)
    action = f"evidence.{purpose}"
    with ctx.engine.connect() as conn:
        item = _reachable(ctx, conn, who, item_id, action)
    if item.sealed:
        audit_now(ctx, who.user, action, obj=item_id, outcome="refused", reason="sealed")
        raise RuleViolation(
            SEALED, f"{item_id} is sealed: its content is inaccessible until it is released"
        )
    chunks = ctx.blobs.open(item.sha256)
    audit_now(ctx, who.user, action, obj=item_id, outcome="ok", sha256=item.sha256, size=item.size)
    return Content(item, _verified(ctx, who, item, chunks, action))


def _verified(
    ctx: NodeContext, who: Principal, item: EvidenceItem, chunks: Iterator[bytes], action: str
) -> Generator[bytes, None, None]:
    """The chunks, the last held back until the whole hashes to the recorded SHA-256."""
    digest = hashlib.sha256()
    held: bytes | None = None
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
        if held is not None:
            yield held
        held = chunk
    if digest.hexdigest() != item.sha256 or size != item.size:
        audit_now(
            ctx,
            who.user,
            action,
            obj=item.id,
            outcome="hash-mismatch",
            sha256_now=digest.hexdigest(),
            size_now=size,
        )
        raise StorageError(
            f"{item.id}: the stored bytes no longer hash to the recorded SHA-256; "
            "nothing more is sent (run uncc evidence verify)"
        )
    if held is not None:
        yield held
