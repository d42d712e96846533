"""How the hub lists a member's keys: ids it derives itself, each key for one member."""

from __future__ import annotations

from sqlalchemy import Connection, select

from uncc.adapters.db import schema
from uncc.domain.directory import Member
from uncc.domain.keyids import kid_of
from uncc.errors import ConflictError


def derive_kids(member: Member) -> Member:
    """The member's entry with every key id computed from its key (what the hub lists)."""
    keys = [k.model_copy(update={"kid": kid_of(k.public_key)}) for k in member.keys]
    return member.model_copy(update={"keys": keys})


def refuse_held_elsewhere(conn: Connection, member: Member) -> None:
    """At the hub: refuse keys that another member already lists (directory poisoning).

    Raises:
        ConflictError: naming the key id and the member that holds it.
    """
    mine = {k.public_key for k in member.keys}
    for row in conn.execute(select(schema.members).where(schema.members.c.state != member.state)):
        other = Member.model_validate(row.entry)
        for key in other.keys:
            if key.public_key in mine or key.kid in {kid_of(p) for p in mine}:
                raise ConflictError(
                    f"key {kid_of(key.public_key)} is already listed for {other.state}: "
                    "a key belongs to one member"
                )
