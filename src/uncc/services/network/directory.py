"""Joining the network and keeping its directory (Art. 56(1)).

The hub is a node in the coordination role: it keeps the members and publishes the
directory as a JWS signed with its key. Every other node pins the hub's public key when
it joins and accepts a directory only when that key signed it and its version is not
older than the one it has. What the node holds (its settings, the verified directory,
members' signed documents) is read through :mod:`uncc.services.network.directory_held`,
offered here too.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, select, update

from uncc.adapters import jws
from uncc.adapters.db import schema
from uncc.adapters.tls import spki_sha256
from uncc.domain.directory import Directory, EncryptionPublicKey, Member, PublicKey
from uncc.domain.keyids import kid_of
from uncc.domain.messages import Contact
from uncc.domain.policy import Action, require
from uncc.errors import ConflictError, NotFoundError, PermissionDeniedError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, serialise
from uncc.services.identity import node_info
from uncc.services.network.directory_held import (
    NetworkConfig,
    config,
    directory,
    member_signed,
    verified_directory,
)
from uncc.services.network.hub_chain import HUB_KEYS_PATH, follow
from uncc.services.network.listing import derive_kids, refuse_held_elsewhere
from uncc.services.network.transport import Transport

__all__ = [  # the held settings and directory are read from here too
    "DIRECTORY_PATH",
    "NetworkConfig",
    "admit",
    "become_hub",
    "config",
    "directory",
    "install",
    "join",
    "member_signed",
    "own_entry",
    "publish_in",
    "published",
    "refresh",
    "refusals",
]

DIRECTORY_PATH = "/network/v1/directory"


def own_entry(
    ctx: NodeContext, endpoint: str, contact: Contact, languages: list[str], *, hub: bool = False
) -> Member:
    """This node's directory entry: State, name, endpoint, keys, contact point, languages.

    With a TLS certificate, the entry pins its key (SHA-256 of the SPKI).
    """
    with ctx.engine.connect() as conn:
        node = node_info(conn)
    key = ctx.key()
    sealing = ctx.encryption_key()
    cert = ctx.tls_cert
    return Member(
        state=node.state,
        name=node.name,
        endpoint=endpoint.rstrip("/"),
        roles=["hub"] if hub else ["member"],
        keys=[PublicKey(kid=key.key_id, public_key=key.public_hex)],
        contact_point=contact,
        languages=languages,
        encryption_keys=[EncryptionPublicKey(kid=sealing.key_id, public_key=sealing.public_hex)],
        tls_spki=spki_sha256(cert.read_bytes()) if cert and cert.is_file() else None,
        profile=node.profile.model_dump(mode="json", exclude_none=True),
    )


def _settle(conn: Connection, now: Any, **place: str) -> None:
    """Record how this node takes part in the network (once: a node is in one network)."""
    if conn.execute(select(schema.network.c.id)).first() is not None:
        raise ConflictError("this node is already in a network")
    conn.execute(insert(schema.network).values(id=1, directory_version=0, updated_at=now, **place))


def become_hub(
    ctx: NodeContext, who: Principal, endpoint: str, contact: Contact, languages: list[str]
) -> str:
    """Put this node in the coordination role; it is the first member. The signed directory."""
    require(who.roles, Action.NETWORK_ADMIN)
    entry = own_entry(ctx, endpoint, contact, languages, hub=True)
    with ctx.engine.begin() as conn:
        now = ctx.clock()
        _settle(
            conn,
            now,
            role="hub",
            endpoint=entry.endpoint,
            hub_state=entry.state,
            hub_endpoint=entry.endpoint,
            hub_key=entry.keys[0].public_key,
        )
        conn.execute(
            insert(schema.members).values(
                state=entry.state, entry=entry.model_dump(mode="json"), updated_at=now
            )
        )
        token = publish_in(ctx, conn)
        audit(conn, now, who.user, "network.hub", obj=entry.state, outcome="ok")
    return token


def admit(ctx: NodeContext, who: Principal, member: Member) -> str:
    """Add or update a member (hub only); publishes a new directory version."""
    require(who.roles, Action.NETWORK_ADMIN)
    member = derive_kids(member)
    with ctx.engine.begin() as conn:
        if config(conn).role != "hub":
            raise ConflictError("only the hub admits members")
        refuse_held_elsewhere(conn, member)
        now = ctx.clock()
        values = {"entry": member.model_dump(mode="json"), "updated_at": now}
        found = conn.execute(
            select(schema.members.c.state).where(schema.members.c.state == member.state)
        ).first()
        if found is None:
            conn.execute(insert(schema.members).values(state=member.state, **values))
        else:
            conn.execute(
                update(schema.members)
                .where(schema.members.c.state == member.state)
                .values(**values)
            )
        token = publish_in(ctx, conn)
        audit(
            conn,
            now,
            who.user,
            "network.admit",
            obj=member.state,
            outcome="ok",
            keys=[k.kid for k in member.keys],
        )
    return token


def publish_in(ctx: NodeContext, conn: Connection) -> str:
    """Sign the members as the next directory version and keep the token (hub, in a transaction).

    One at a time: two member changes at once give two versions, the second with both.
    """
    serialise(conn, "network.directory")  # then the version and members read as committed
    row = conn.execute(select(schema.network)).mappings().one()
    members = [
        Member.model_validate(r.entry)
        for r in conn.execute(select(schema.members).order_by(schema.members.c.state))
    ]
    doc = Directory(
        hub=row["hub_state"],
        version=row["directory_version"] + 1,
        issued=ctx.clock(),
        members=[derive_kids(m) for m in members],
    )
    unsound = doc.problems()
    if unsound:
        raise ConflictError("the directory would not be sound: " + "; ".join(unsound))
    import rfc8785  # noqa: PLC0415

    token = jws.sign(ctx.key(conn), rfc8785.dumps(doc.model_dump(mode="json")))
    conn.execute(
        update(schema.network).values(
            directory_token=token, directory_version=doc.version, updated_at=ctx.clock()
        )
    )
    return token


def published(ctx: NodeContext) -> str:
    """The signed directory this node holds (served to members).

    The hub signs a new version first when the one it holds lists a key id that is not
    derived from its key (a directory from before key ids were derived).
    """
    with ctx.engine.connect() as conn:
        row = conn.execute(select(schema.network.c.directory_token, schema.network.c.role)).first()
        stale = row is not None and row.role == "hub" and _unsound(conn)
    if row is None or not row.directory_token:
        raise NotFoundError("no directory here")
    if stale:
        with ctx.engine.begin() as conn:
            if _unsound(conn):
                return publish_in(ctx, conn)
    return str(row.directory_token)


def _unsound(conn: Connection) -> bool:
    held = config(conn).directory
    return held is not None and bool(held.problems())


def join(
    ctx: NodeContext,
    who: Principal,
    *,
    endpoint: str,
    hub_state: str,
    hub_endpoint: str,
    hub_key: str,
) -> None:
    """Take part as a member: pin the hub's key (hex) and where to find it."""
    require(who.roles, Action.NETWORK_ADMIN)
    if len(hub_key) != 64 or any(c not in "0123456789abcdef" for c in hub_key):
        raise UserInputError("--hub-key: expected the hub's Ed25519 public key as 64 hex digits")
    with ctx.engine.begin() as conn:
        now = ctx.clock()
        _settle(
            conn,
            now,
            role="member",
            endpoint=endpoint.rstrip("/"),
            hub_state=hub_state,
            hub_endpoint=hub_endpoint.rstrip("/"),
            hub_key=hub_key,
        )
        audit(conn, now, who.user, "network.join", obj=hub_state, outcome="ok", hub=hub_endpoint)


def install(ctx: NodeContext, token: str, *, repin: str | None = None) -> Directory:
    """Accept a directory signed by the pinned hub key, never an older version.

    With ``repin`` (a hub key reached from the pinned one by signed statements), the
    directory must be signed by that key, and it is pinned in the same transaction.
    A refusal is audited and changes nothing else.

    Raises:
        UserInputError: every reason the directory is refused (see ``refusals``).
    """
    with ctx.engine.begin() as conn:
        cfg = config(conn)
        doc, reasons = refusals(conn, cfg, token, hub_key=repin or cfg.hub_key)
        if doc is not None and not reasons:
            values: dict[str, Any] = {"hub_key": repin} if repin else {}
            conn.execute(
                update(schema.network).values(
                    directory_token=token,
                    directory_version=doc.version,
                    updated_at=ctx.clock(),
                    **values,
                )
            )
            if repin:
                audit(
                    conn,
                    ctx.clock(),
                    f"network:{cfg.hub_state}",
                    "network.hub_key_pinned",
                    obj=cfg.hub_state,
                    outcome="ok",
                    old=kid_of(cfg.hub_key),
                    new=kid_of(repin),
                )
            return doc
    _refused(ctx, cfg.hub_state, str(doc.version if doc else "?"), reasons)
    raise UserInputError("directory refused: " + "; ".join(reasons))


def _refused(ctx: NodeContext, hub: str, version: str, reasons: list[str]) -> None:
    with ctx.engine.begin() as conn:
        audit(
            conn,
            ctx.clock(),
            f"network:{hub}",
            "network.directory",
            obj=version,
            outcome="refused",
            reason="; ".join(reasons)[:500],
        )


def refusals(
    conn: Connection, cfg: NetworkConfig, token: str, *, hub_key: str
) -> tuple[Directory | None, list[str]]:
    """The directory in ``token`` and every reason to refuse it (none: install it).

    It must be signed by the pinned hub key. Its version only grows: an older one
    (rollback), or the same version with other contents, is refused; so is a directory
    whose key ids are not derived from their keys or whose keys are listed for two members.
    """
    try:
        doc = verified_directory(token, hub_key)
    except jws.SignatureError as exc:
        return None, [f"not signed by the pinned hub key ({exc})"]
    held = conn.execute(
        select(schema.network.c.directory_version, schema.network.c.directory_token)
    ).one()
    reasons = doc.problems()
    if doc.version < held.directory_version:
        reasons.append(
            f"version {doc.version} is older than the one held ({held.directory_version})"
        )
    elif doc.version == held.directory_version and held.directory_token not in (None, token):
        reasons.append(f"version {doc.version} is held already, with other contents")
    return doc, reasons


def refresh(ctx: NodeContext, transport: Transport) -> Directory:
    """Fetch the directory from the hub and install it.

    When a key other than the pinned one signed it, the hub's key statements are
    fetched and followed from the pinned key; the key they lead to is pinned with the
    directory (``hub_chain.follow``), or nothing changes.
    """
    with ctx.engine.connect() as conn:
        cfg = config(conn)
    status, body = transport.get(cfg.hub_endpoint + DIRECTORY_PATH)
    if status != 200:
        raise UserInputError(f"the hub answered {status} for the directory")
    token = body.decode()
    try:
        kid = str(jws.header(token)["kid"])
    except jws.SignatureError as exc:
        raise UserInputError(f"directory refused: {exc}") from None
    if kid == kid_of(cfg.hub_key):
        return install(ctx, token)
    status, chain = transport.get(cfg.hub_endpoint + HUB_KEYS_PATH)
    try:
        if status != 200:
            raise PermissionDeniedError(f"the hub answered {status} for its key statements")
        repin = follow(json.loads(chain), cfg.hub_state, cfg.hub_key, kid)
    except (PermissionDeniedError, ValueError, jws.SignatureError) as exc:
        reason = f"signed by hub key {kid}, which the pinned key does not lead to: {exc}"
        _refused(ctx, cfg.hub_state, "?", [reason])
        raise UserInputError(f"directory refused: {reason}") from None
    return install(ctx, token, repin=repin)
