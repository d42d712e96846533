"""Who is calling: the bearer token of a request, resolved to a user and their roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from uncc.errors import PermissionDeniedError
from uncc.services import identity
from uncc.services.context import NodeContext, Principal


def who(request: Request, authorization: Annotated[str | None, Header()] = None) -> Principal:
    """The user a bearer token stands for."""
    if not authorization or not authorization.lower().startswith("bearer "):
        raise PermissionDeniedError("send 'Authorization: Bearer <token>' (POST /api/v1/login)")
    ctx: NodeContext = request.app.state.ctx
    return identity.authenticate(ctx, authorization.split(" ", 1)[1].strip())


User = Annotated[Principal, Depends(who)]
"""The authenticated user of a request."""
