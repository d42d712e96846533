"""A connection that sends each HTTP/1.1 request in one write: its head and its body together.

``httpcore`` writes a request's head, then its body, each with a ``send`` of its own. In
a node's server process the sending thread gives up the interpreter between the two, so
the receiver had the head and then waited for the body, up to the interpreter's switch
interval (5 ms) while another thread of the sender's process ran. Here what is written is
held until the connection is next read (a request is always followed by reading its
answer), then sent at once. The TLS handshake, and with it the check of a pinned key,
still happens when the connection is made, before anything is written (ADR 0055).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore
import httpx


class OneWriteStream(httpcore.NetworkStream):
    """A network stream that holds what is written until the next read (or TLS upgrade)."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._held: list[bytes] = []
        self._timeout: float | None = None

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Hold ``buffer``: it goes with the rest of the request at the next read."""
        if buffer:
            self._held.append(buffer)
            self._timeout = timeout

    def flush(self) -> None:
        """Send what is held, in one write (``httpcore.WriteError`` if the peer is gone)."""
        if self._held:
            data = b"".join(self._held)
            self._held.clear()
            self._stream.write(data, self._timeout)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Send what is held, then read."""
        self.flush()
        return self._stream.read(max_bytes, timeout)

    def close(self) -> None:
        """Close the connection (anything held is dropped with it)."""
        self._held.clear()
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """The TLS stream over this connection, itself sending each request in one write."""
        self.flush()
        return OneWriteStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        """As the underlying stream (e.g. ``is_readable``, ``ssl_object``)."""
        return self._stream.get_extra_info(info)


class OneWriteBackend(httpcore.NetworkBackend):
    """``httpcore``'s own synchronous backend, its streams wrapped in ``OneWriteStream``."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """A TCP connection (TCP_NODELAY, as ``httpcore`` sets it)."""
        return OneWriteStream(
            self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """A Unix socket connection."""
        return OneWriteStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        """As the backend."""
        self._backend.sleep(seconds)


class OneWriteTransport(httpx.HTTPTransport):
    """``httpx``'s HTTP/1.1 transport over connections that send each request in one write."""

    def __init__(self, context: Any, limits: httpx.Limits) -> None:
        super().__init__(verify=context, limits=limits)
        self._pool = httpcore.ConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=OneWriteBackend(),
        )
