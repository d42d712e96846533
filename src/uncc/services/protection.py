"""Protected persons (Arts. 52-55): witnesses, victims and cooperating offenders.

Identity and whereabouts are encrypted at rest (AES-256-GCM, bound to the record id);
everyone who may read the case sees a pseudonym; only prosecutors and judges may
disclose the identity, giving a reason, and every disclosure is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, allowed, require
from uncc.errors import NotFoundError, UserInputError
from uncc.services.context import NodeContext, Principal, audit, case_rows, next_id, require_case


class ProtectedKind(StrEnum):
    """Why the person is protected."""

    WITNESS = "witness"
    VICTIM = "victim"
    COOPERATING_OFFENDER = "cooperating_offender"


PREFIX = {
    ProtectedKind.WITNESS: "Witness",
    ProtectedKind.VICTIM: "Victim",
    ProtectedKind.COOPERATING_OFFENDER: "Cooperator",
}
PROVISION = {
    ProtectedKind.WITNESS: "art_52",
    ProtectedKind.VICTIM: "art_53",
    ProtectedKind.COOPERATING_OFFENDER: "art_55",
}


@dataclass(frozen=True)
class ProtectedPerson:
    """What anyone who may read the case sees: no identity."""

    id: str
    case_id: str
    kind: ProtectedKind
    pseudonym: str
    views: str
    claims: list[dict[str, Any]]
    measures: str
    provision: str


def add_protected(
    ctx: NodeContext,
    who: Principal,
    case_id: str,
    *,
    kind: ProtectedKind,
    identity: dict[str, str],
    views: str = "",
    claims: list[dict[str, Any]] | None = None,
    measures: str = "",
) -> ProtectedPerson:
    """Record a protected person; the identity is encrypted before it is stored."""
    require(who.roles, Action.PROTECTED_ADD)
    if not identity.get("name"):
        raise UserInputError("identity: a name is required (it is encrypted at rest)")
    with ctx.engine.begin() as conn:
        require_case(conn, case_id)
        now = ctx.clock()
        person_id = next_id(conn, "P", now)
        count = conn.execute(
            select(func.count())
            .select_from(schema.protected)
            .where(schema.protected.c.case_id == case_id, schema.protected.c.kind == kind.value)
        ).scalar_one()
        pseudonym = (
            f"{PREFIX[kind]} {chr(ord('A') + count % 26)}{'' if count < 26 else count // 26}"
        )
        sealed = ctx.data_key().seal(
            json.dumps(identity, ensure_ascii=False).encode(), person_id.encode()
        )
        conn.execute(
            insert(schema.protected).values(
                id=person_id,
                case_id=case_id,
                kind=kind.value,
                pseudonym=pseudonym,
                identity=sealed,
                views=views,
                claims=claims or [],
                measures=measures,
                created_by=who.user,
                created_at=now,
            )
        )
        audit(
            conn,
            now,
            who.user,
            "protected.add",
            obj=person_id,
            outcome="ok",
            case=case_id,
            kind=kind.value,
        )
    return ProtectedPerson(
        person_id, case_id, kind, pseudonym, views, claims or [], measures, PROVISION[kind]
    )


def list_protected(ctx: NodeContext, who: Principal, case_id: str) -> list[ProtectedPerson]:
    """The protected persons of a case, by pseudonym (audited)."""
    require(who.roles, Action.PROTECTED_READ)
    with ctx.engine.begin() as conn:
        rows = case_rows(conn, schema.protected, case_id)
        audit(
            conn,
            ctx.clock(),
            who.user,
            "protected.list",
            obj=case_id,
            outcome="ok",
            count=len(rows),
        )
    return [
        ProtectedPerson(
            r["id"],
            r["case_id"],
            ProtectedKind(r["kind"]),
            r["pseudonym"],
            r["views"],
            r["claims"],
            r["measures"],
            PROVISION[ProtectedKind(r["kind"])],
        )
        for r in rows
    ]


def disclose(ctx: NodeContext, who: Principal, person_id: str, reason: str) -> dict[str, str]:
    """The identity and whereabouts of a protected person, for a stated reason (audited).

    Raises:
        PermissionDeniedError: the role has no need to know (the attempt is audited).
    """
    permitted = any(allowed(r, Action.PROTECTED_DISCLOSE) for r in who.roles)
    with ctx.engine.begin() as conn:
        row = conn.execute(
            select(schema.protected.c.identity).where(schema.protected.c.id == person_id)
        ).first()
        now = ctx.clock()
        if row is None:
            raise NotFoundError(f"no protected person {person_id}")
        if not permitted or not reason.strip():
            audit(
                conn,
                now,
                who.user,
                "protected.disclose",
                obj=person_id,
                outcome="denied",
                reason=reason,
            )
        else:
            audit(
                conn,
                now,
                who.user,
                "protected.disclose",
                obj=person_id,
                outcome="ok",
                reason=reason,
            )
    if not reason.strip():
        raise UserInputError("reason: a disclosure must state why the identity is needed (audited)")
    require(who.roles, Action.PROTECTED_DISCLOSE)
    identity: dict[str, str] = json.loads(
        ctx.data_key().open(bytes(row.identity), person_id.encode())
    )
    return identity
