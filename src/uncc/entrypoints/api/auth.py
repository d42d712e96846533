"""Who is calling: the bearer token of a request, resolved to a user and their roles.

An async dependency: the token is looked up by one read, at every request. On SQLite
the read is made on the event loop (a library call, cheaper than a hop through the
thread pool), and only the rare write it calls for (a web session's last use, or its
end) goes to a thread. On PostgreSQL the read is a round trip to the server: read and
write go to one worker thread together, so the loop serves other requests meanwhile.
The same read brings the node's row (:data:`Node`), so a route that needs it makes no
read of its own.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from uncc.adapters.db.direct import Direct
from uncc.errors import PermissionDeniedError
from uncc.services import identity
from uncc.services.context import NodeContext, Principal


def bearer(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header.

    Raises:
        PermissionDeniedError: no such header.
    """
    if not authorization or not authorization.lower().startswith("bearer "):
        raise PermissionDeniedError("send 'Authorization: Bearer <token>' (POST /api/v1/login)")
    return authorization.split(" ", 1)[1].strip()


async def looked(
    request: Request, authorization: Annotated[str | None, Header()] = None
) -> identity.Looked:
    """The request's bearer token looked up (once per request: FastAPI caches it)."""
    ctx: NodeContext = request.app.state.ctx
    token = bearer(authorization)
    direct = direct_of(request.app)
    if direct is not None:  # PostgreSQL: the loop serves other requests meanwhile
        return await run_in_threadpool(identity.look_up_written, ctx, token, direct)
    found = identity.look_up(ctx, token)
    if found.write is not None:
        await run_in_threadpool(found.write)
    return found


def direct_of(app: Any) -> Direct | None:
    """The app's direct statements (PostgreSQL; ``None`` on SQLite: no round trips)."""
    return cast("Direct | None", app.state.direct)


Looked = Annotated[identity.Looked, Depends(looked)]


async def who(found: Looked) -> Principal:
    """The user a bearer token stands for."""
    return found.principal()


User = Annotated[Principal, Depends(who)]
"""The authenticated user of a request."""


async def node_seen(_: User, found: Looked) -> identity.NodeSeen:
    """The node's identity, read with the caller's token (once they are authenticated).

    Raises:
        NotFoundError: the node has not been initialised.
    """
    return found.seen_node()


Node = Annotated[identity.NodeSeen, Depends(node_seen)]
"""The node's identity, as read with the authenticated caller's token."""
