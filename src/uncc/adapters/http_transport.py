"""The network transport over HTTPS (httpx), with timeouts, no redirects and pinned TLS keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

from uncc.adapters.tls import client_context, spki_sha256
from uncc.errors import TransportError

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class HttpTransport:
    """Posts envelopes to, and fetches documents from, other nodes.

    ``ca``: the CA bundle trusted for other nodes (default: the system's). ``pin``: URL →
    the SHA-256 of the SPKI the server must present (from the directory), or None; every
    answer from a pinned endpoint is checked, and refused unless it came over TLS from
    that key.
    """

    def __init__(
        self,
        timeout: httpx.Timeout = TIMEOUT,
        *,
        ca: Path | None = None,
        pin: Callable[[str], str | None] | None = None,
    ) -> None:
        self._client = httpx.Client(
            timeout=timeout, follow_redirects=False, verify=client_context(ca)
        )
        self._pin = pin

    def _check_pin(self, url: str, response: httpx.Response) -> None:
        expected = self._pin(url) if self._pin else None
        if expected is None:
            return
        stream: Any = response.extensions.get("network_stream")
        tls = stream.get_extra_info("ssl_object") if stream is not None else None
        der = tls.getpeercert(True) if tls is not None else None
        if not der:
            raise TransportError(f"{url}: the directory pins a TLS key, but this is not TLS")
        if spki_sha256(der) != expected:
            raise TransportError(
                f"{url}: the server's TLS key is not the one its directory entry names"
            )

    def post(self, url: str, token: str) -> tuple[int, str]:
        """POST a compact JWS (``application/jose``)."""
        try:
            with self._client.stream(
                "POST", url, content=token, headers={"content-type": "application/jose"}
            ) as response:
                self._check_pin(url, response)  # while the connection is open
                response.read()
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        return response.status_code, response.text

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET a document or a blob."""
        try:
            with self._client.stream("GET", url, headers=headers or {}) as response:
                self._check_pin(url, response)
                response.read()
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        return response.status_code, response.content

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        """Stream a blob in 1 MiB chunks."""
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                self._check_pin(url, response)
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
