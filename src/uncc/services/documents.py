"""Issuing printable documents and checking them (issue 19 item 3).

``issue`` makes a document of an order, a request or an evidence item's admissibility
report (``document_builders``: the record's own role rules, need to know and audited
read), renders it with the renderer the caller gives (PDF or HTML, from the adapters
or the reports), and records it: its verification code (the SHA-256 of its canonical
content), the SHA-256 of the file made, and the content. ``verify`` tells whether a
code, or a file, is one this node issued, and audits the check. A confidential
order's document names nothing to a checker without need to know but that it matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from uncc.adapters.db import schema
from uncc.domain.documents import CODE, Document, code_in, content_code
from uncc.domain.policy import Action, require
from uncc.errors import UserInputError
from uncc.services import custody_log
from uncc.services.context import NodeContext, Principal, audit, audit_now
from uncc.services.document_builders import (
    admissibility_document,
    order_document,
    request_document,
)
from uncc.services.identity import node_info
from uncc.services.need_to_know import hidden_orders

KINDS = ("order", "request", "admissibility")
FORMATS = ("pdf", "html")
Render = Callable[[Document], bytes]
"""A document to the bytes of a file (``adapters.pdf_document.document_pdf``, or HTML)."""


@dataclass(frozen=True)
class Issued:
    """A document made and recorded, with the file's bytes."""

    document: Document
    data: bytes
    format: str


def issue(
    ctx: NodeContext, who: Principal, kind: str, object_id: str, *, fmt: str, render: Render
) -> Issued:
    """Make, render and record a document of a record (audited as ``document.issue``).

    Raises:
        UserInputError: an unknown kind or format.
        NotFoundError / PermissionDeniedError: as reading the record itself would.
    """
    if kind not in KINDS:
        raise UserInputError(f"kind '{kind}': expected one of {', '.join(KINDS)}")
    if fmt not in FORMATS:
        raise UserInputError(f"format '{fmt}': expected one of {', '.join(FORMATS)}")
    with ctx.engine.connect() as conn:
        node = node_info(conn)
        head = custody_log.head_json(custody_log.signed_head(ctx, conn))
    build = {
        "order": order_document,
        "request": request_document,
        "admissibility": admissibility_document,
    }[kind]
    document = build(ctx, who, object_id, node, head)
    data = render(document)
    now = ctx.clock()
    with ctx.engine.begin() as conn:
        confidential = document.kind == "order" and bool(
            conn.execute(
                select(schema.orders.c.confidential).where(schema.orders.c.id == document.object)
            ).scalar()
        )
        conn.execute(
            insert(schema.documents).values(
                code=document.code,
                kind=document.kind,
                object=document.object,
                format=fmt,
                file_sha256=hashlib.sha256(data).hexdigest(),
                content=document.content(),
                confidential=confidential,
                issued_by=who.user,
                issued_at=now,
            )
        )
        audit(
            conn,
            now,
            who.user,
            "document.issue",
            obj=document.object,
            outcome="ok",
            kind=kind,
            format=fmt,
            code=document.code,
        )
    return Issued(document, data, fmt)


@dataclass(frozen=True)
class Verdict:
    """Whether a code or a file is one this node issued, and what it is."""

    matches: bool
    code: str | None
    detail: str
    kind: str | None = None
    object: str | None = None
    """The record printed (None when the checker may not know it)."""
    issued_at: dt.datetime | None = None
    issued_by: str | None = None
    head: dict[str, Any] | None = None
    file_matches: bool | None = None
    """For a file: whether it is byte for byte the file issued (None: a code was checked)."""


def verify(
    ctx: NodeContext, who: Principal, *, code: str | None = None, data: bytes | None = None
) -> Verdict:
    """Check a verification code, or a printed file (audited as ``document.verify``).

    Raises:
        UserInputError: neither a code nor a file, or a code that is not 64 hex digits.
    """
    require(who.roles, Action.CASE_READ)
    file_sha = hashlib.sha256(data).hexdigest() if data is not None else None
    if code is None and data is not None:
        code = code_in(data)
    if code is not None:
        code = code.strip().lower()
        if not CODE.match(code):
            raise UserInputError("code: a verification code is 64 hexadecimal digits")
    with ctx.engine.connect() as conn:
        row = None
        if code is not None:
            row = (
                conn.execute(select(schema.documents).where(schema.documents.c.code == code))
                .mappings()
                .first()
            )
        elif file_sha is not None:
            row = (
                conn.execute(
                    select(schema.documents).where(schema.documents.c.file_sha256 == file_sha)
                )
                .mappings()
                .first()
            )
        hidden = hidden_orders(conn, who)
    verdict = _verdict(row, code, file_sha, hidden)
    audit_now(
        ctx,
        who.user,
        "document.verify",
        obj=verdict.code or (file_sha or "")[:16] or "-",
        outcome="ok" if verdict.matches else "mismatch",
        file=file_sha is not None,
    )
    return verdict


def _verdict(row: Any, code: str | None, file_sha: str | None, hidden: Any) -> Verdict:
    if row is None:
        if code is None:
            return Verdict(
                False,
                None,
                "the file carries no verification code and is no document this node issued",
            )
        return Verdict(False, code, "this node issued no document with this code")
    content = dict(row["content"])
    intact = content_code(content) == row["code"]
    if not intact:
        return Verdict(
            False,
            row["code"],
            "the recorded document no longer matches its code: report this to the node's administrator",
        )
    withheld = row["kind"] == "order" and row["object"] in hidden
    issued_at = (
        row["issued_at"] if row["issued_at"].tzinfo else row["issued_at"].replace(tzinfo=dt.UTC)
    )
    file_matches = None if file_sha is None else file_sha == row["file_sha256"]
    matches = file_matches is not False
    detail = (
        f"issued by this node on {issued_at:%Y-%m-%d %H:%M} UTC"
        if matches
        else "the code is one this node issued, but the file is not the file issued (altered, or saved again)"
    )
    return Verdict(
        matches,
        row["code"],
        detail,
        row["kind"],
        None if withheld else row["object"],
        issued_at,
        None if withheld else row["issued_by"],
        dict(content["head"]),
        file_matches,
    )
