"""An audited case read in one call: the token, the case and its audit entry, in order.

On PostgreSQL every statement is a round trip to the server. Made on the API's event
loop, each one stalled every other request until PostgreSQL answered (three per case
read: the token, the case, the audit entry; bench/findings/asyncpg.md). The API hands
this whole read to one worker thread instead — one hop, the loop free meanwhile — and
the checks are the same, in the same order, as the async path's dependencies and route
(``entrypoints.api.auth``, ``routers.cases.get_case``):

1. the bearer token is looked up (``identity.look_up``: the token, its user and the
   node's row, read at this request — a revoked token, a disabled user, a changed
   role are refused at once), a web session's last use written when it is due;
2. the principal must be authenticated, the node initialised;
3. the case is read (``cases.read_case_text``: the role policy, the case by any stored
   form of its id, what deconfliction has learned);
4. the audit entry is committed (``reads.audit_alone``: one ``INSERT`` in autocommit,
   durable when it returns) — only then is the case returned. If the commit fails,
   this raises and nothing is shown.
"""

from __future__ import annotations

from uncc.services import cases, identity
from uncc.services.context import AuditEntry, NodeContext
from uncc.services.reads import audit_alone


def read_case_as(ctx: NodeContext, token: str, case_id: str) -> cases.CaseText:
    """The case ``case_id`` read by whoever ``token`` stands for, audited before it is returned.

    Raises:
        PermissionDeniedError: the token is refused, or its user may not read cases.
        NotFoundError: the node is not initialised, or there is no such case.
        Exception: whatever the audit entry's commit raised (the case is not returned).
    """
    found = identity.look_up_written(ctx, token)
    who = found.principal()
    node = found.seen_node()
    case = cases.read_case_text(ctx, who, case_id, node.state)
    audit_alone(ctx, AuditEntry(who.user, cases.READ, case.id, "ok", {}))
    return case
