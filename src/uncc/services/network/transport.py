"""The port through which a node talks to other nodes (HTTP in production, in-process in tests)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from uncc.errors import TransportError

__all__ = ["Transport", "TransportError"]


class Transport(Protocol):
    """Moves bytes to and from another node's network endpoint."""

    def post(self, url: str, token: str) -> tuple[int, str]:
        """POST a compact JWS; the HTTP status and the response text.

        Raises:
            TransportError: no answer (refused, timed out, reset).
        """
        ...

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET a resource; the HTTP status and the body.

        Raises:
            TransportError: no answer.
        """
        ...

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        """Stream a large resource (a blob) in chunks; never held whole in memory.

        Raises:
            TransportError: no answer, or a status other than 200.
        """
        ...
