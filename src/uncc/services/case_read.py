"""An audited case read in one call: the token, then the case with its audit entry.

On PostgreSQL every statement is a round trip to the server. Made on the API's event
loop, each one stalled every other request until PostgreSQL answered (three per case
read: the token, the case, the audit entry; bench/findings/asyncpg.md). The API hands
this whole read to one worker thread instead — one hop, the loop free meanwhile — where
it is two statements on plain psycopg connections (``adapters.db.direct``). The checks
are the same, in the same order, as the SQLite path's dependencies and route
(``entrypoints.api.auth``, ``routers.cases.get_case``):

1. the bearer token is looked up (``identity.look_up``: the token, its user and the
   node's row, read at this request — a revoked token, a disabled user, a changed
   role are refused at once), a web session's last use written when it is due;
2. the principal must be authenticated, the node initialised, and its roles must
   allow reading cases;
3. one statement reads the case by any stored form of its id and appends its audit
   entry (an ``INSERT`` in a ``WITH`` clause, for the case found: no case, no entry),
   in autocommit: the entry is committed — durably — with the read, before anything
   is returned. If the statement fails, nothing is shown and nothing is audited.
"""

from __future__ import annotations

from sqlalchemy import ARRAY, JSON, DateTime, Text, any_, bindparam, insert, literal, select

from uncc.adapters.db import schema
from uncc.adapters.db.direct import Direct
from uncc.domain.policy import Action, require
from uncc.domain.references import stored_forms
from uncc.services import cases, identity
from uncc.services.context import NodeContext

_FOUND = (
    cases.CASE_TEXT.where(schema.cases.c.id == any_(bindparam("forms", type_=ARRAY(Text))))
    .limit(1)
    .cte("found")
)
_LOGGED = (
    insert(schema.audit)
    .from_select(
        ["at", "actor", "action", "object", "outcome", "details"],
        select(
            bindparam("at", type_=DateTime(timezone=True)),
            bindparam("actor", type_=schema.audit.c.actor.type),
            literal(cases.READ, schema.audit.c.action.type),
            _FOUND.c.id,
            literal("ok", schema.audit.c.outcome.type),
            bindparam("details", type_=JSON),
        ),
    )
    .cte("logged")
)
_READ_AUDITED = select(_FOUND).add_cte(_LOGGED)
"""The case (``cases.CASE_TEXT``, the first found) and its ``case.read`` audit entry (an
entry that notifies no one: ``notify_events.notifies``, so it needs no other write)."""


def read_case_as(ctx: NodeContext, direct: Direct, token: str, case_id: str) -> cases.CaseText:
    """The case ``case_id`` read by whoever ``token`` stands for, audited before it is returned.

    Raises:
        PermissionDeniedError: the token is refused, or its user may not read cases.
        NotFoundError: the node is not initialised, or there is no such case.
        Exception: whatever the statement raised (nothing is returned, nothing audited).
    """
    found = identity.look_up_written(ctx, token, direct)
    who = found.principal()
    node = found.seen_node()
    require(who.roles, Action.CASE_READ)
    forms = list(stored_forms(case_id, node.state))
    row = direct.first(  # one statement, its own transaction: read and entry committed
        _READ_AUDITED, {"forms": forms, "at": ctx.clock(), "actor": who.user, "details": {}}
    )
    return cases.case_text(row, case_id)
