"""``/api/v1/node``: which node this is."""

from __future__ import annotations

from fastapi import APIRouter

from uncc.entrypoints.api.auth import Node
from uncc.entrypoints.api.models import Out
from uncc.entrypoints.api.problem_types import problems

router = APIRouter(prefix="/api/v1", tags=["node"], responses=problems())


class NodeOut(Out):
    """The node's State, name, public key and profile."""

    state: str
    name: str
    public_key: str
    key_id: str
    profile: str


@router.get("/node")
async def node(info: Node) -> NodeOut:
    """The node's State, name and public key (read with the caller's token: no read of its own)."""
    return NodeOut(
        state=info.state,
        name=info.name,
        public_key=info.public_key,
        key_id=info.key_id,
        profile=info.profile,
    )
