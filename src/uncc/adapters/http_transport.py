"""The network transport over HTTPS (httpx), with timeouts, no redirects and pinned TLS keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from uncc.adapters.tls import client_context
from uncc.errors import TransportError

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
KEEPALIVE_EXPIRY = 2.0
"""Seconds an idle kept-alive connection to another node is reused: well under the
nodes' own idle limit (5 s), so that an envelope is never posted on a connection at the
instant its server closes it (httpx's default is also 5 s). The same reasoning as the
API client's (``uncc.client.http``)."""
CUT = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)
"""A connection closed by the server under a request (no answer, a reset)."""


class HttpTransport:
    """Posts envelopes to, and fetches documents from, other nodes.

    ``ca``: the CA bundle trusted for other nodes (default: the system's). ``pin``: URL →
    the SHA-256 of the SPKI the server must present (from the directory), or None; it is
    checked in the TLS handshake, before the request is sent, and a pinned endpoint is
    never reached over plain HTTP.
    """

    def __init__(
        self,
        timeout: httpx.Timeout = TIMEOUT,
        *,
        ca: Path | None = None,
        pin: Callable[[str], str | None] | None = None,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            verify=client_context(ca, pin),
            limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
        )
        self._pin = pin

    def _refuse_plain(self, url: str) -> None:
        """A pinned member is reached over TLS only (the pin itself is checked in the handshake)."""
        if self._pin is not None and not url.startswith("https://") and self._pin(url):
            raise TransportError(f"{url}: the directory pins a TLS key, but this is not TLS")

    def post(self, url: str, token: str) -> tuple[int, str]:
        """POST a compact JWS (``application/jose``)."""
        self._refuse_plain(url)
        try:
            response = self._client.post(
                url, content=token, headers={"content-type": "application/jose"}
            )
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        return response.status_code, response.text

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET a document or a blob (once more, on a new connection, if the first was cut)."""
        self._refuse_plain(url)
        try:
            try:
                response = self._client.get(url, headers=headers or {})
            except CUT:  # the cut connection has left the pool; a GET changes nothing
                response = self._client.get(url, headers=headers or {})
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        return response.status_code, response.content

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        """Stream a blob in 1 MiB chunks."""
        self._refuse_plain(url)
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    response.read()
                    raise TransportError(
                        f"{url}: HTTP {response.status_code}: {response.text[:300]}"
                    )
                yield from response.iter_bytes(1 << 20)
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()
