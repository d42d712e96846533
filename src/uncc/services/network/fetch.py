"""Fetching a blob sent in an evidence transfer: where from, and who may.

The receiver fetches from the sender's endpoint in the hub-signed directory, never
from a URL a message names (no request forgery through a message). The request is
signed, dated within ``FETCH_SKEW`` of the holder's clock and carries a nonce that
the holder accepts once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import rfc8785
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.domain.directory import Directory
from uncc.errors import ConflictError, PermissionDeniedError
from uncc.services.context import NodeContext
from uncc.services.identity import node_info
from uncc.services.network import directory as network_directory
from uncc.services.network.envelopes import payload_of

BLOBS_PATH = "/network/v1/blobs/"
FETCH_HEADER = "X-Uncc-Fetch"
FETCH_SKEW = dt.timedelta(seconds=60)
"""How far a signed fetch request's time may be from the holder's clock, either way."""


def blob_url(held: Directory, holder: str, sha256: str) -> str:
    """Where a blob is fetched: the holder's endpoint in the hub-signed directory.

    Raises:
        ConflictError: the holder is not in the directory.
    """
    member = held.member(holder)
    if member is None:
        raise ConflictError(f"{holder} is not in the network directory: nowhere to fetch from")
    return member.endpoint + BLOBS_PATH + sha256


def fetch_header(ctx: NodeContext, holder: str, sha256: str) -> dict[str, str]:
    """A signed fetch request: who asks, from whom, for which blob, when, and a fresh nonce."""
    with ctx.engine.connect() as conn:
        me = node_info(conn).state
    claim = {
        "requester": me,
        "holder": holder,
        "sha256": sha256,
        "at": ctx.clock().isoformat(),
        "nonce": secrets.token_hex(16),
    }
    return {FETCH_HEADER: jws.sign(ctx.key(), rfc8785.dumps(claim))}


def authorise_fetch(ctx: NodeContext, sha256: str, token: str | None) -> str:
    """The requester's State when a signed fetch may have this blob; PermissionDenied otherwise.

    Only a member we sent an evidence transfer naming this blob may fetch it, with a
    request signed within ``FETCH_SKEW`` of our clock and a nonce never used before
    (stored; a captured header cannot be replayed).
    """
    if not token:
        raise PermissionDeniedError(f"send a signed fetch request in the {FETCH_HEADER} header")
    now = ctx.clock()
    try:
        with ctx.engine.begin() as conn:
            me = node_info(conn).state
            held = network_directory.directory(conn)
            requester, claim = network_directory.member_signed(held, token, now, "fetch")
            nonce = fresh_claim(claim, requester=requester, holder=me, sha256=sha256, now=now)
            if not _was_sent(conn, requester, sha256):
                raise PermissionDeniedError(f"{requester} was not sent blob {sha256[:12]}")
            use_nonce(conn, nonce, requester, now)
    except IntegrityError:  # the same nonce, stored by a concurrent request
        raise PermissionDeniedError("the fetch request was used before (replay)") from None
    return requester


def fresh_claim(claim: Any, *, requester: str, holder: str, sha256: str, now: dt.datetime) -> str:
    """The nonce of a fetch claim that is for this blob, this holder and now.

    Raises:
        PermissionDeniedError: another blob, holder or requester; a time further than
            ``FETCH_SKEW`` from ours; no nonce.
    """
    try:
        at = dt.datetime.fromisoformat(str(claim.get("at")))
    except ValueError:
        raise PermissionDeniedError("the fetch request has no valid time") from None
    if at.tzinfo is None or abs(now - at) > FETCH_SKEW:
        raise PermissionDeniedError(
            f"the fetch request is dated {claim.get('at')}: more than "
            f"{int(FETCH_SKEW.total_seconds())} s from now"
        )
    if (
        claim.get("requester") != requester
        or claim.get("holder") != holder
        or claim.get("sha256") != sha256
    ):
        raise PermissionDeniedError("the fetch request is not for this blob or this node")
    nonce = claim.get("nonce")
    if not isinstance(nonce, str) or not 16 <= len(nonce) <= 64:
        raise PermissionDeniedError("the fetch request has no nonce (16 to 64 characters)")
    return nonce


def use_nonce(conn: Connection, nonce: str, requester: str, now: dt.datetime) -> None:
    """Record a fetch nonce once; forget those older than the window (they cannot verify).

    Raises:
        PermissionDeniedError: the nonce was used before (a replayed request).
    """
    nonces = schema.fetch_nonces
    conn.execute(delete(nonces).where(nonces.c.at < now - 2 * FETCH_SKEW))
    if conn.execute(select(nonces.c.nonce).where(nonces.c.nonce == nonce)).first() is not None:
        raise PermissionDeniedError("the fetch request was used before (replay)")
    conn.execute(insert(nonces).values(nonce=nonce, requester=requester, at=now))


def _was_sent(conn: Connection, requester: str, sha256: str) -> bool:
    sent = conn.execute(
        select(schema.outbox.c.token).where(
            schema.outbox.c.type == "evidence_transfer", schema.outbox.c.recipient == requester
        )
    ).scalars()
    return any(
        any(i["sha256"] == sha256 for i in payload_of(message)["body"]["items"]) for message in sent
    )
