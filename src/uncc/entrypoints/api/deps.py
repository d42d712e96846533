"""What a route may ask for (FastAPI dependencies): the node, its network links, the sender.

The composition root (:mod:`uncc.entrypoints.asgi`) puts them on ``app.state``; a route
names what it needs as a parameter, and the caller as :data:`~.auth.User`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, cast

from fastapi import Depends, Request

from uncc.services.context import NodeContext
from uncc.services.network.handoff import HandOff
from uncc.services.network.transport import Transport


async def node_context(request: Request) -> NodeContext:
    """The node's services context."""
    return cast("NodeContext", request.app.state.ctx)


async def links(request: Request) -> Transport:
    """How the node reaches other nodes."""
    return cast("Transport", request.app.state.transport)


async def kick(request: Request) -> Callable[[], None]:
    """Wakes the network sender (something was queued for delivery)."""
    return cast("Callable[[], None]", request.app.state.network_sender.kick)


async def hand_off(request: Request) -> HandOff | None:
    """Gives the messages a request queued to the sender at once, when it runs here."""
    sender = request.app.state.network_sender
    return cast("HandOff", sender.hand_off) if sender.running else None


Ctx = Annotated[NodeContext, Depends(node_context)]
"""The node's services context."""
Links = Annotated[Transport, Depends(links)]
"""The node's transport to other nodes."""
Kick = Annotated[Callable[[], None], Depends(kick)]
"""Wakes the network sender."""
HandOffTo = Annotated[HandOff | None, Depends(hand_off)]
"""The running sender's hand-off (``services.network.handoff``), or None."""
