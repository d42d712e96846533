"""``/api/v1/node``: which node this is."""

from __future__ import annotations

from fastapi import APIRouter

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import Out
from uncc.entrypoints.api.problem_types import problems
from uncc.services import identity
from uncc.services.reads import reading

router = APIRouter(prefix="/api/v1", tags=["node"], responses=problems())


class NodeOut(Out):
    """The node's State, name, public key and profile."""

    state: str
    name: str
    public_key: str
    key_id: str
    profile: str


@router.get("/node")
async def node(ctx: Ctx, user: User) -> NodeOut:
    """The node's State, name and public key (one read, on the event loop)."""
    with reading(ctx.engine) as conn:
        info = identity.node_info(conn)
    return NodeOut(
        state=info.state,
        name=info.name,
        public_key=info.public_key,
        key_id=info.key_id,
        profile=info.profile.name,
    )
