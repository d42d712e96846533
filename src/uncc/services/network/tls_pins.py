"""Which TLS key a member's endpoint must present: the pin its directory entry carries."""

from __future__ import annotations

from collections.abc import Callable

from uncc.errors import NotFoundError
from uncc.services.context import NodeContext
from uncc.services.network import directory as network_directory


def pin_for(ctx: NodeContext) -> Callable[[str], str | None]:
    """A function: URL → the SHA-256 of the SPKI the member serving it must present, or None.

    None when the URL is no member's endpoint, or the member has published no pin (then
    the CA's chain alone is checked).
    """

    def pin(url: str) -> str | None:
        try:
            with ctx.engine.connect() as conn:
                held = network_directory.config(conn).directory
        except NotFoundError:
            return None
        for member in held.members if held else []:
            if url == member.endpoint or url.startswith(member.endpoint + "/"):
                return member.tls_spki
        return None

    return pin
