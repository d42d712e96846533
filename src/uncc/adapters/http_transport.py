"""The network transport over HTTP (httpx), with timeouts and no redirects."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from uncc.errors import TransportError

TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class HttpTransport:
    """Posts envelopes to, and fetches documents from, other nodes."""

    def __init__(self, timeout: httpx.Timeout = TIMEOUT) -> None:
        self._client = httpx.Client(timeout=timeout, follow_redirects=False)

    def post(self, url: str, token: str) -> tuple[int, str]:
        """POST a compact JWS (``application/jose``)."""
        try:
            response = self._client.post(
                url, content=token, headers={"content-type": "application/jose"}
            )
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        return response.status_code, response.text

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """GET a document or a blob."""
        try:
            response = self._client.get(url, headers=headers or {})
        except httpx.HTTPError as exc:
            raise TransportError(f"{url}: {exc.__class__.__name__}: {exc}") from None
        return response.status_code, response.content

    def chunks(self, url: str, headers: dict[str, str]) -> Iterator[bytes]:
        """Stream a blob in 1 MiB chunks."""
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
