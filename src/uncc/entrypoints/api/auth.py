"""Who is calling: the bearer token of a request, resolved to a user and their roles.

An async dependency: the token is looked up by one read on the event loop (no hop
through the thread pool); only the rare write it calls for (a web session's last use,
or its end) goes to a thread.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.concurrency import run_in_threadpool

from uncc.errors import PermissionDeniedError
from uncc.services import identity
from uncc.services.context import NodeContext, Principal


async def who(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The user a bearer token stands for."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise PermissionDeniedError("send 'Authorization: Bearer <token>' (POST /api/v1/login)")
    ctx: NodeContext = request.app.state.ctx
    found = identity.look_up(ctx, authorization.split(" ", 1)[1].strip())
    if found.write is not None:
        await run_in_threadpool(found.write)
    return found.principal()


User = Annotated[Principal, Depends(who)]
"""The authenticated user of a request."""
