"""A light closed-loop load generator for scale-out rows: raw sockets, one request at a time.

``bench.load.drive`` uses an ``httpx.Client`` per thread, which costs about 2.2–2.6 ms of
client CPU per request on this machine kind (bench/findings/reads.md), more than half of
what a ``uncc serve`` process spends. Where a row asks how the *servers* scale (two
``uncc serve`` processes against one), such a client is itself the bottleneck on a
machine where it shares the cores with the servers. This one sends the same pre-built
HTTP/1.1 request bytes over kept-alive sockets and reads only the status line, the
``content-length`` and the body: a few tens of microseconds per request. Every answer
is still read in full and any status other than 200 fails the run.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from bench.load import run_clients

_END = b"\r\n\r\n"


class _Conn:
    """One kept-alive HTTP/1.1 connection sending one fixed request."""

    def __init__(self, base: str, path: str, headers: dict[str, str]) -> None:
        parts = urlsplit(base)
        if parts.scheme != "http" or parts.hostname is None or parts.port is None:
            msg = f"rawload speaks plain HTTP to host:port only, not {base!r}"
            raise ValueError(msg)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [f"GET {path} HTTP/1.1", f"host: {parts.hostname}:{parts.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.buffer = b""

    def get(self) -> tuple[int, bytes]:
        """Send the request; the answer's status and body."""
        self.sock.sendall(self.request)
        while _END not in self.buffer:
            self._more()
        head, _, rest = self.buffer.partition(_END)
        status = int(head[9:12])
        length = -1
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length < 0:
            msg = f"an answer without content-length: {head[:200]!r}"
            raise ConnectionError(msg)
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return status, rest[:length]

    def _more(self) -> None:
        self.buffer += self._recv()

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            msg = "the server closed the connection"
            raise ConnectionError(msg)
        return chunk

    def close(self) -> None:
        """Close the socket."""
        self.sock.close()


def drive_raw(
    bases: Sequence[str],
    path: str,
    *,
    threads: int,
    requests: int,
    headers: dict[str, str] | None = None,
) -> tuple[float, float, float]:
    """(requests per second, p50, p99) of ``GET path`` from ``threads`` raw clients.

    The clients are spread over ``bases`` (servers of one node) in turn.
    """

    def client(n: int, latencies: list[float], errors: list[str]) -> None:
        try:
            conn = _Conn(bases[n % len(bases)], path, headers or {})
            try:
                conn.get()  # warm the connection
                for _ in range(requests // threads):
                    start = time.perf_counter()
                    status, body = conn.get()
                    latencies.append(time.perf_counter() - start)
                    if status != 200:
                        errors.append(f"{status}: {body[:200]!r}")
            finally:
                conn.close()
        except (OSError, ValueError) as exc:  # a client that failed fails the run
            errors.append(f"client {n}: {exc}")

    return run_clients(threads, client)
